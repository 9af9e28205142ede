"""Resend's official OpenAPI 3.1 description as a strict validator for what we send and
what stands in for Resend in tests (requests, replies, webhook event payloads).

The file is vendored in `tests/contracts/` (source and commit in its README). Request bodies
are validated STRICTLY (tests/support/openapi.py): an object with listed properties rejects
unknown ones, because Resend ignores a misspelled field silently, which is the bug this catches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema

from tests.support.openapi import ContractViolation, OpenApi, Operation

API = OpenApi(
    Path(__file__).resolve().parents[2] / "contracts" / "resend-api.openapi.yaml",
    "Resend",
    validator=jsonschema.Draft202012Validator,
    formats=False,
)

__all__ = ["API", "ContractViolation", "find", "schema", "validate_request", "validate_response"]
find = API.find
schema = API.schema


def validate_request(method: str, path: str, body: Any) -> Operation:
    op = API.find(method, path)
    resolved = op.request_schema()
    if resolved is not None:
        if body is None:
            raise ContractViolation(f"{op.operation_id} needs a JSON request body")
        API.check(body, resolved, f"{op.operation_id} request")
    elif body is not None:
        raise ContractViolation(f"{op.operation_id} takes no request body")
    return op


def validate_response(op: Operation, status: int, body: Any) -> None:
    """Resend's replies: a status the operation never answers is itself a violation."""
    if str(status) not in op.raw.get("responses", {}):
        raise ContractViolation(f"{op.operation_id} never answers {status}")
    API.validate_response(op, status, body)


def validate_event(event: dict[str, Any]) -> None:
    """A webhook event payload, against the spec's `webhooks:` entry for its type."""
    entry = API.spec().get("webhooks", {}).get(event.get("type", ""))
    if entry is None:
        raise ContractViolation(f"{event.get('type')!r} is not a Resend webhook event")
    body = entry["post"]["requestBody"]["content"]["application/json"]["schema"]
    API.check(event, API.resolve(body, strict=False), f"webhook {event['type']}")

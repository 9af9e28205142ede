"""Resend's official OpenAPI 3.1 description as a strict validator for what we send and
what stands in for Resend in tests (requests, replies, webhook event payloads).

The file is vendored in `tests/contracts/` (source and commit in its README). Request bodies
are validated STRICTLY: an object with listed properties rejects unknown ones, because Resend
ignores a misspelled field silently, which is the bug this catches.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SPEC_FILE = Path(__file__).resolve().parents[2] / "contracts" / "resend-api.openapi.yaml"


class ContractViolation(AssertionError):
    pass


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text())
    return loaded


def _resolve(node: Any, strict: bool) -> Any:
    if isinstance(node, list):
        return [_resolve(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(copy.deepcopy(spec()["components"]["schemas"][name]), strict)
    out = {k: _resolve(v, strict) for k, v in node.items() if k not in ("example", "examples")}
    if strict and out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def schema(name: str, *, strict: bool = False) -> dict[str, Any]:
    return dict(_resolve({"$ref": f"#/components/schemas/{name}"}, strict))


def check(instance: Any, resolved: dict[str, Any], what: str) -> None:
    validator = jsonschema.Draft202012Validator(resolved)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}"
            for e in errors[:5]
        )
        raise ContractViolation(f"{what} violates Resend's contract: {detail}")


def operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """(template, operation) of the spec matching a concrete request path."""
    for template, item in spec()["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(template))
        if re.fullmatch(regex, path) and method.lower() in item:
            return template, item[method.lower()]
    raise ContractViolation(f"{method} {path} is not an operation of Resend's API")


def validate_request(method: str, path: str, body: Any) -> dict[str, Any]:
    _template, op = operation(method, path)
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "schema" in content:
        if body is None:
            raise ContractViolation(f"{op['operationId']} needs a JSON request body")
        check(body, _resolve(content["schema"], strict=True), f"{op['operationId']} request")
    elif body is not None:
        raise ContractViolation(f"{op['operationId']} takes no request body")
    return op


def validate_response(op: dict[str, Any], status: int, body: Any) -> None:
    reply = op.get("responses", {}).get(str(status))
    if reply is None:
        raise ContractViolation(f"{op['operationId']} never answers {status}")
    content = reply.get("content", {}).get("application/json", {})
    if "schema" in content:
        check(body, _resolve(content["schema"], strict=False), f"{op['operationId']} {status}")


def validate_event(event: dict[str, Any]) -> None:
    """A webhook event payload, against the spec's `webhooks:` entry for its type."""
    entry = spec().get("webhooks", {}).get(event.get("type", ""))
    if entry is None:
        raise ContractViolation(f"{event.get('type')!r} is not a Resend webhook event")
    body = entry["post"]["requestBody"]["content"]["application/json"]["schema"]
    check(event, _resolve(body, strict=False), f"webhook {event['type']}")

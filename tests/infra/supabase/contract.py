"""The official Supabase Management API spec as a strict request validator and response shaper.

The spec is vendored in `tests/contracts/` (source and commit in its README). Request bodies
are validated STRICTLY (tests/support/openapi.py): objects that list properties reject unknown
ones (the spec leaves additionalProperties open, the real API silently ignores typos, which is
exactly the bug we want to catch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.openapi import ContractMissing, ContractViolation, OpenApi, Operation

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACTS_DIR = REPO_ROOT / "tests" / "contracts"
API = OpenApi(CONTRACTS_DIR / "supabase-management-api.openapi.json", "Supabase Management")

__all__ = [
    "API",
    "ContractMissing",
    "ContractViolation",
    "find",
    "scopes",
    "spec",
    "validate_request",
    "validate_response",
]
spec = API.spec
find = API.find
validate_response = API.validate_response


def scopes(op: Operation) -> list[str]:
    """The fine-grained token permissions the operation needs (its `fga_permissions`)."""
    for entry in op.raw.get("security", []):
        if "fga_permissions" in entry:
            return list(entry["fga_permissions"])
    return []


def validate_request(method: str, path: str, body: Any) -> Operation:
    """Raise ContractViolation unless the request is one the contract allows, exactly."""
    op = API.find(method, path)
    API.check_path_params(op, path)
    schema = op.request_schema()
    if schema is None:
        if body is not None:
            raise ContractViolation(f"{op.operation_id} takes no request body")
    else:
        if body is None:
            raise ContractViolation(f"{op.operation_id} needs a JSON request body")
        API.check(body, schema, f"{op.operation_id} request body")
    return op

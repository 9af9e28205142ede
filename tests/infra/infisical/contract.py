"""The vendored Infisical OpenAPI document as a strict request validator and response checker.

The document (tests/contracts/infisical-api.openapi.json, served by an Infisical server built
at upstream commit 09d28156) is the ground truth: a request is accepted only if its method and
path are an operation of the document, its path and query parameters match their schemas (no
unknown query parameter), and its JSON body validates with unknown fields rejected
(tests/support/openapi.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.openapi import ContractViolation, OpenApi, Operation

REPO_ROOT = Path(__file__).resolve().parents[3]
API = OpenApi(REPO_ROOT / "tests" / "contracts" / "infisical-api.openapi.json", "Infisical")

__all__ = ["API", "ContractViolation", "find", "spec", "validate_request", "validate_response"]
spec = API.spec
find = API.find
validate_response = API.validate_response


def validate_request(
    method: str, path: str, query: dict[str, str], body: Any
) -> tuple[Operation, dict[str, str]]:
    """Raise ContractViolation unless the request is one the contract allows, exactly."""
    op = API.find(method, path)
    path_params = API.check_path_params(op, path)
    known = {p["name"]: p for p in op.params("query")}
    for name, value in query.items():
        if name not in known:
            raise ContractViolation(f"{op.key} has no query parameter {name!r}")
        API.check(value, API.resolve(known[name]["schema"], True), f"query {name}")
    for name, param in known.items():
        if param.get("required") and name not in query:
            raise ContractViolation(f"{op.key} needs the query parameter {name!r}")
    schema = op.request_schema()
    if schema is None:
        if body is not None:
            raise ContractViolation(f"{op.key} takes no request body")
    else:
        if body is None and op.raw.get("requestBody", {}).get("required"):
            raise ContractViolation(f"{op.key} needs a JSON request body")
        API.check({} if body is None else body, schema, f"{op.key} request body")
    return op, path_params

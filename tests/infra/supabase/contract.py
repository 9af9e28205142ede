"""The official Supabase Management API spec as a strict request validator and response shaper.

The spec is vendored in `tests/contracts/` (source and commit in its README). Request bodies
are validated STRICTLY: objects that list properties reject unknown ones (the spec leaves
additionalProperties open, the real API silently ignores typos, which is exactly the bug we
want to catch).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACTS_DIR = REPO_ROOT / "tests" / "contracts"
SPEC_FILE = CONTRACTS_DIR / "supabase-management-api.openapi.json"


class ContractMissing(RuntimeError):
    pass


class ContractViolation(AssertionError):
    pass


@functools.cache
def spec() -> dict[str, Any]:
    if not SPEC_FILE.is_file():
        raise ContractMissing(
            f"Supabase OpenAPI contract not found at {SPEC_FILE}: it is vendored in "
            "tests/contracts/ (see its README for the source); restore it from git."
        )
    loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text())
    return loaded


def _resolve(node: Any, strict: bool) -> Any:
    """Inline $refs, map OpenAPI 3.0 `nullable` to JSON Schema, optionally close objects."""
    if isinstance(node, list):
        return [_resolve(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(copy.deepcopy(spec()["components"]["schemas"][name]), strict)
    out = {k: _resolve(v, strict) for k, v in node.items() if k not in ("nullable", "example")}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if strict and out.get("type") in ("object", ["object", "null"]) and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


@dataclass(frozen=True)
class SpecOperation:
    method: str
    template: str
    pattern: re.Pattern[str]
    raw: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.raw.get("operationId"))

    def scopes(self) -> list[str]:
        for entry in self.raw.get("security", []):
            if "fga_permissions" in entry:
                return list(entry["fga_permissions"])
        return []

    def path_params(self, path: str) -> dict[str, str]:
        match = self.pattern.fullmatch(path)
        assert match is not None
        return match.groupdict()

    def request_schema(self) -> dict[str, Any] | None:
        content = self.raw.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return None if schema is None else dict(_resolve(schema, strict=True))

    def response_schema(self, status: int) -> dict[str, Any] | None:
        reply = self.raw.get("responses", {}).get(str(status), {})
        schema = reply.get("content", {}).get("application/json", {}).get("schema")
        return None if schema is None else dict(_resolve(schema, strict=False))


@functools.cache
def operations() -> tuple[SpecOperation, ...]:
    found = []
    for template, item in spec()["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for method, raw in item.items():
            if method in ("get", "put", "post", "patch", "delete"):
                found.append(SpecOperation(method.upper(), template, re.compile(regex), raw))
    return tuple(found)


def find(method: str, path: str) -> SpecOperation:
    matches = [op for op in operations() if op.method == method and op.pattern.fullmatch(path)]
    if not matches:
        raise ContractViolation(f"{method} {path} is not an operation of the Management API")
    # Prefer the most specific template (fewest parameters) when several match.
    return min(matches, key=lambda op: op.template.count("{"))


def validate_request(method: str, path: str, body: Any) -> SpecOperation:
    """Raise ContractViolation unless the request is one the contract allows, exactly."""
    op = find(method, path)
    for param in op.raw.get("parameters", []):
        if param.get("in") == "path":
            value = op.path_params(path)[param["name"]]
            _check(value, _resolve(param["schema"], strict=True), f"path parameter {param['name']}")
    schema = op.request_schema()
    if schema is None:
        if body is not None:
            raise ContractViolation(f"{op.operation_id} takes no request body")
    else:
        if body is None:
            raise ContractViolation(f"{op.operation_id} needs a JSON request body")
        _check(body, schema, f"{op.operation_id} request body")
    return op


def validate_response(op: SpecOperation, status: int, body: Any) -> None:
    schema = op.response_schema(status)
    if schema is not None:
        _check(body, schema, f"{op.operation_id} {status} response")


def _check(instance: Any, schema: dict[str, Any], what: str) -> None:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}"
            for e in errors[:5]
        )
        raise ContractViolation(f"{what} violates the contract: {detail}")

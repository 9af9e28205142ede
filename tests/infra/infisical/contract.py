"""The vendored Infisical OpenAPI document as a strict request validator and response checker.

The document (tests/contracts/infisical-api.openapi.json, served by an Infisical server built
at upstream commit 09d28156) is the ground truth: a request is accepted only if its method and
path are an operation of the document, its path and query parameters match their schemas (no
unknown query parameter), and its JSON body validates with unknown fields rejected.
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
SPEC_FILE = REPO_ROOT / "tests" / "contracts" / "infisical-api.openapi.json"


class ContractViolation(AssertionError):
    pass


@functools.cache
def spec() -> dict[str, Any]:
    if not SPEC_FILE.is_file():
        raise ContractViolation(
            f"Infisical OpenAPI contract not found at {SPEC_FILE}: it is vendored in "
            "tests/contracts/ (see its README); restore it from git."
        )
    loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text())
    return loaded


def _resolve(node: Any, strict: bool) -> Any:
    """Inline $refs, map OpenAPI 3.0 `nullable`, and optionally close every listed object."""
    if isinstance(node, list):
        return [_resolve(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(copy.deepcopy(spec()["components"]["schemas"][name]), strict)
    out = {
        k: _resolve(v, strict)
        for k, v in node.items()
        if k not in ("nullable", "example", "description", "properties")
    }
    if isinstance(node.get("properties"), dict):  # property names are data, not keywords
        out["properties"] = {k: _resolve(v, strict) for k, v in node["properties"].items()}
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
    def key(self) -> str:
        return f"{self.method} {self.template}"

    def params(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.raw.get("parameters", []) if p.get("in") == where]

    def request_schema(self) -> dict[str, Any] | None:
        content = self.raw.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return None if schema is None else dict(_resolve(schema, strict=True))

    def response_schema(self, status: int) -> dict[str, Any] | None:
        reply = self.raw.get("responses", {}).get(str(status), {})
        schema = reply.get("content", {}).get("application/json", {}).get("schema")
        return None if schema is None else dict(_resolve(schema, strict=False))

    @property
    def needs_token(self) -> bool:
        return bool(self.raw.get("security"))


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
        raise ContractViolation(f"{method} {path} is not an operation of the Infisical API")
    # Literal segments beat parameters: /folders/{id} must not swallow /folders/batch.
    return min(matches, key=lambda op: op.template.count("{"))


def validate_request(
    method: str, path: str, query: dict[str, str], body: Any
) -> tuple[SpecOperation, dict[str, str]]:
    """Raise ContractViolation unless the request is one the contract allows, exactly."""
    op = find(method, path)
    match = op.pattern.fullmatch(path)
    assert match is not None
    path_params = match.groupdict()
    for param in op.params("path"):
        _check(path_params[param["name"]], _resolve(param["schema"], True), param["name"])
    known = {p["name"]: p for p in op.params("query")}
    for name, value in query.items():
        if name not in known:
            raise ContractViolation(f"{op.key} has no query parameter {name!r}")
        _check(value, _resolve(known[name]["schema"], True), f"query {name}")
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
        _check({} if body is None else body, schema, f"{op.key} request body")
    return op, path_params


def validate_response(op: SpecOperation, status: int, body: Any) -> None:
    schema = op.response_schema(status)
    if schema is not None:
        _check(body, schema, f"{op.key} {status} response")


def _check(instance: Any, schema: dict[str, Any], what: str) -> None:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}"
            for e in errors[:5]
        )
        raise ContractViolation(f"{what} violates the contract: {detail}")

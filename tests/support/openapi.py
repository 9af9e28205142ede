"""A vendored OpenAPI document (tests/contracts/) as a strict contract for our fakes.

One reading for every vendor: `$ref`s inlined, OpenAPI 3.0's `nullable` mapped to JSON Schema,
property names kept as data (a property called `example` is a field, not a keyword), and, for
what we send, every object that lists its properties closed to unknown ones - the vendors
ignore a misspelled field silently, which is the bug this catches. The Supabase Management,
Infisical and Resend contracts (tests/infra/*/contract.py) add only their own request rules.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

_DROPPED = ("nullable", "example", "examples", "description", "properties")
_METHODS = ("get", "put", "post", "patch", "delete")


class ContractMissing(RuntimeError):
    """The vendored document is not where it should be."""


class ContractViolation(AssertionError):
    """A request, reply or payload the vendor's contract does not allow."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    raw: dict[str, Any]
    api: OpenApi = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def operation_id(self) -> str:
        return str(self.raw.get("operationId"))

    @property
    def needs_token(self) -> bool:
        return bool(self.raw.get("security"))

    def params(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.raw.get("parameters", []) if p.get("in") == where]

    def path_params(self, path: str) -> dict[str, str]:
        match = self.pattern.fullmatch(path)
        assert match is not None, f"{path} is not {self.template}"
        return match.groupdict()

    def request_schema(self) -> dict[str, Any] | None:
        content = self.raw.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return None if schema is None else dict(self.api.resolve(schema, strict=True))

    def response_schema(self, status: int) -> dict[str, Any] | None:
        reply = self.raw.get("responses", {}).get(str(status), {})
        schema = reply.get("content", {}).get("application/json", {}).get("schema")
        return None if schema is None else dict(self.api.resolve(schema, strict=False))


class OpenApi:
    """One vendored document; `validator` is the JSON Schema draft its schemas are written in."""

    def __init__(
        self,
        path: Path,
        vendor: str,
        validator: type[jsonschema.protocols.Validator] = jsonschema.Draft7Validator,
        formats: bool = True,
    ) -> None:
        self.path, self.vendor, self.validator, self.formats = path, vendor, validator, formats
        self._spec: dict[str, Any] | None = None
        self._operations: tuple[Operation, ...] | None = None

    def spec(self) -> dict[str, Any]:
        if self._spec is None:
            if not self.path.is_file():
                raise ContractMissing(
                    f"{self.vendor} OpenAPI contract not found at {self.path}: it is vendored in "
                    "tests/contracts/ (see its README for the source); restore it from git."
                )
            text = self.path.read_text(encoding="utf-8")
            is_yaml = self.path.suffix in (".yaml", ".yml")
            loaded = yaml.safe_load(text) if is_yaml else json.loads(text)
            self._spec = dict(loaded)
        return self._spec

    def reload(self) -> None:
        self._spec, self._operations = None, None

    def resolve(self, node: Any, strict: bool) -> Any:
        if isinstance(node, list):
            return [self.resolve(n, strict) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return self.resolve(copy.deepcopy(self.spec()["components"]["schemas"][name]), strict)
        out = {k: self.resolve(v, strict) for k, v in node.items() if k not in _DROPPED}
        if isinstance(node.get("properties"), dict):
            out["properties"] = {k: self.resolve(v, strict) for k, v in node["properties"].items()}
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        if strict and out.get("type") in ("object", ["object", "null"]) and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out

    def schema(self, name: str, *, strict: bool = False) -> dict[str, Any]:
        return dict(self.resolve({"$ref": f"#/components/schemas/{name}"}, strict))

    def check(self, instance: Any, schema: dict[str, Any], what: str) -> None:
        checker = jsonschema.FormatChecker() if self.formats else None
        errors = sorted(
            self.validator(schema, format_checker=checker).iter_errors(instance),
            key=lambda e: list(e.absolute_path),
        )
        if errors:
            detail = "; ".join(
                f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}"
                for e in errors[:5]
            )
            raise ContractViolation(f"{what} violates {self.vendor}'s contract: {detail}")

    def operations(self) -> tuple[Operation, ...]:
        if self._operations is None:
            found = []
            for template, item in self.spec()["paths"].items():
                regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
                for method, raw in item.items():
                    if method in _METHODS:
                        found.append(
                            Operation(method.upper(), template, re.compile(regex), raw, self)
                        )
            self._operations = tuple(found)
        return self._operations

    def find(self, method: str, path: str) -> Operation:
        """The operation a concrete request is; literal segments beat parameters
        (/folders/{id} must not swallow /folders/batch)."""
        ops = self.operations()
        matches = [op for op in ops if op.method == method and op.pattern.fullmatch(path)]
        if not matches:
            raise ContractViolation(f"{method} {path} is not an operation of the {self.vendor} API")
        return min(matches, key=lambda op: op.template.count("{"))

    def check_path_params(self, op: Operation, path: str) -> dict[str, str]:
        values = op.path_params(path)
        for param in op.params("path"):
            name = param["name"]
            self.check(values[name], self.resolve(param["schema"], True), f"path parameter {name}")
        return values

    def validate_response(self, op: Operation, status: int, body: Any) -> None:
        schema = op.response_schema(status)
        if schema is not None:
            self.check(body, schema, f"{op.key} {status} response")

"""The input schema of a bridged resource, read from the pinned Python SDK itself.

A bridged provider's generated SDK carries its schema: each resource's `<Name>Args` class is a
`pulumi.input_type` whose getters name the engine's (camelCase) keys and whose type hints give
the types, `__init__` parameters without a default are the required ones, and the docstrings
list a string enum's "Available values". `validate` checks the inputs the engine sends in
Check against that schema: unknown keys, types, missing required keys, enum values.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import importlib
import inspect
import re
import typing
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import _types as pulumi_types

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's "computed" sentinel
_PARAM = re.compile(r":param [^:]*? (?P<name>\w+):(?P<doc>.*?)(?=\n\s*:param |\Z)", re.S)
_AVAILABLE = re.compile(r"Available values: (?P<values>(?:\"[^\"]*\"(?:, )?)+)")


@dataclass(frozen=True)
class Field:
    name: str
    hint: Any
    required: bool
    choices: tuple[str, ...] | None


@dataclass(frozen=True)
class ObjectSchema:
    name: str
    fields: dict[str, Field]


@dataclass(frozen=True)
class Failure:
    property: str
    reason: str


def _enum_values(doc: str) -> tuple[str, ...] | None:
    match = _AVAILABLE.search(" ".join(doc.split()))
    if match is None:
        return None
    # The generator escapes '_' as '*' in these lists (Markdown emphasis); undo that.
    return tuple(v.replace("*", "_") for v in re.findall(r"\"([^\"]*)\"", match["values"]))


@functools.cache
def object_schema(cls: type) -> ObjectSchema:
    """Schema of one `pulumi.input_type` class (a resource's Args or a nested Args type)."""
    names = pulumi_types.input_type_py_to_pulumi_names(cls)
    hints = pulumi_types.input_type_types(cls)
    init = inspect.signature(cls.__init__)  # type: ignore[misc]
    docs = {m["name"]: m["doc"] for m in _PARAM.finditer(inspect.getdoc(cls.__init__) or "")}  # type: ignore[misc]
    fields = {}
    for py_name, name in names.items():
        param = init.parameters.get(py_name)
        required = param is not None and param.default is inspect.Parameter.empty
        fields[name] = Field(
            name, hints.get(name, Any), required, _enum_values(docs.get(py_name, ""))
        )
    return ObjectSchema(cls.__qualname__, fields)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel).lower()


def _module(package: str, token: str) -> Any:
    """`cloudflare:index/dnsRecord:DnsRecord` -> pulumi_cloudflare (or its submodule)."""
    module = token.split(":")[1].split("/")[0]
    return importlib.import_module(package if module == "index" else f"{package}.{module}")


def resource_schema(package: str, token: str) -> ObjectSchema | None:
    args = getattr(_module(package, token), token.rsplit(":", 1)[-1] + "Args", None)
    return (
        object_schema(args) if isinstance(args, type) and pulumi_types.is_input_type(args) else None
    )


def provider_schema(package: str) -> ObjectSchema | None:
    args = getattr(importlib.import_module(package), "ProviderArgs", None)
    return object_schema(args) if isinstance(args, type) else None


def invoke_parameters(package: str, token: str) -> frozenset[str] | None:
    """The engine keys an invoke accepts: its function's keyword parameters, camelCased."""
    function = getattr(_module(package, token), _snake(token.rsplit(":", 1)[-1]), None)
    if function is None:
        return None
    params = inspect.signature(function).parameters
    return frozenset(_camel(p) for p in params if p not in ("opts", "self"))


def _options(hint: Any) -> list[Any]:
    """The concrete types a hint admits: Input/Output/Awaitable wrappers and the TypedDict
    twins of input types dropped, None dropped."""
    if pulumi_types._is_union_type(hint):  # type: ignore[no-untyped-call]
        found: list[Any] = []
        for arg in typing.get_args(hint):
            found += _options(arg)
        if any(isinstance(t, type) and pulumi_types.is_input_type(t) for t in found):
            found = [t for t in found if not (isinstance(t, type) and typing.is_typeddict(t))]
        return found
    origin = typing.get_origin(hint)
    if origin in (collections.abc.Awaitable, typing.Awaitable) or hint is type(None):
        return []
    if origin is pulumi.Output:
        return _options(typing.get_args(hint)[0])
    if isinstance(hint, typing.ForwardRef):
        return [Any]
    return [hint]


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (list, collections.abc.Sequence, typing.Sequence):
        return "a list"
    if origin in (dict, collections.abc.Mapping, typing.Mapping) or typing.is_typeddict(hint):
        return "an object"
    if isinstance(hint, type):
        if pulumi_types.is_input_type(hint):
            return f"an object ({hint.__name__})"
        return {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}.get(
            hint, hint.__name__
        )
    return str(hint)


def _check_one(hint: Any, value: Any, path: str) -> list[Failure] | None:
    """None when `value` matches `hint`; else the failures (empty list = plain type mismatch)."""
    origin = typing.get_origin(hint)
    if hint is Any or hint is object:
        return None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        allowed = [m.value for m in hint]
        return None if value in allowed else [Failure(path, f"must be one of {allowed}")]
    if isinstance(hint, type) and pulumi_types.is_input_type(hint):
        return validate(object_schema(hint), value, path) or None if isinstance(value, dict) else []
    if origin in (list, collections.abc.Sequence, typing.Sequence):
        if not isinstance(value, list):
            return []
        (item,) = typing.get_args(hint) or (Any,)
        failures = [f for i, v in enumerate(value) for f in check(item, v, f"{path}[{i}]")]
        return failures or None
    if origin in (dict, collections.abc.Mapping, typing.Mapping):
        if not isinstance(value, dict):
            return []
        item = (typing.get_args(hint) or (str, Any))[-1]
        failures = [f for k, v in value.items() for f in check(item, v, f"{path}.{k}")]
        return failures or None
    if typing.is_typeddict(hint):
        return None if isinstance(value, dict) else []
    if hint is bool:
        return None if isinstance(value, bool) else []
    if hint is int:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok and float(value).is_integer() else []
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else []
    if hint is str:
        return None if isinstance(value, str) else []
    return None  # assets, archives and other SDK types: not checked here


def check(hint: Any, value: Any, path: str) -> list[Failure]:
    if value == UNKNOWN or value is None:
        return []
    options = _options(hint) or [Any]
    deepest: list[Failure] = []
    for option in options:
        result = _check_one(option, value, path)
        if result is None:
            return []
        deepest = deepest or result
    if deepest:
        return deepest
    wanted = " or ".join(sorted({_describe(o) for o in options}))
    return [Failure(path, f"must be {wanted}, got {type(value).__name__} {value!r:.60}")]


def validate(schema: ObjectSchema, inputs: dict[str, Any], path: str = "") -> list[Failure]:
    """Every way `inputs` breaks `schema`, each naming the property path and what to fix."""
    failures: list[Failure] = []
    prefix = f"{path}." if path else ""
    for key, value in inputs.items():
        field = schema.fields.get(key)
        if field is None:
            if key.startswith("__"):  # engine bookkeeping such as __defaults
                continue
            close = [k for k in schema.fields if k.lower() == key.lower()]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            failures.append(Failure(f"{prefix}{key}", f"is not an input of {schema.name}{hint}"))
            continue
        failures += check(field.hint, value, f"{prefix}{key}")
        if field.choices and isinstance(value, str) and value not in (*field.choices, UNKNOWN):
            choices = ", ".join(field.choices)
            failures.append(Failure(f"{prefix}{key}", f"must be one of {choices}; got {value!r}"))
    for name, field in schema.fields.items():
        if field.required and inputs.get(name) is None:
            failures.append(Failure(f"{prefix}{name}", f"is required by {schema.name}"))
    return failures

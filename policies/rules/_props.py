"""Small helpers for reading engine-shaped (camelCase) resource inputs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from policies.evidence import record_inspected, record_read

_MISSING = object()


def get(props: Mapping[str, Any] | Any, path: str, default: Any = None) -> Any:
    """Follow a dotted path (`a.b.0.c`) through mappings and lists (recorded as evidence
    when `props` is a resource's inputs and an evaluation is recording)."""
    value = _follow(props, path, default)
    record_read(props, path, value)
    return value


def _follow(props: Any, path: str, default: Any) -> Any:
    current: Any = props
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part, _MISSING)
        elif isinstance(current, Sequence) and not isinstance(current, str) and part.isdigit():
            index = int(part)
            current = current[index] if index < len(current) else _MISSING
        else:
            current = _MISSING
        if current is _MISSING:
            return default
    return current


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def number(value: Any) -> float | None:
    """Engine numbers arrive as floats (or strings from dynamic providers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("on", "true", "yes", "1", "enabled")
    return bool(value)


def of_type(args: StackValidationArgs, *types: str) -> Iterator[PolicyResource]:
    for r in args.resources:
        if r.resource_type in types:
            record_inspected(r.props)
            yield r


def inspected(resource: PolicyResource) -> PolicyResource:
    """Mark a resource a stack rule looked at without reading one input by path."""
    record_inspected(resource.props)
    return resource


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a nested input with its dotted path."""
    if isinstance(value, Mapping):
        for key in value:
            yield from walk(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}.{index}" if path else str(index))
    else:
        yield path, value


def plain(value: Any) -> Any:
    """Engine props arrive wrapped in read-only Mapping/Sequence proxies; JSON needs plain."""
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value

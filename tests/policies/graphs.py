"""Small edits on a graph document, so mutations read as one line each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Data = dict[str, Any]


def named(data: Data, name: str) -> dict[str, Any]:
    found = [r for r in data["resources"] if r["name"] == name]
    assert len(found) == 1, f"expected one resource named {name!r}, found {len(found)}"
    return found[0]


def of_type(data: Data, type_token: str) -> list[dict[str, Any]]:
    return [r for r in data["resources"] if r["type"] == type_token]


def setting(data: Data, setting_id: str) -> dict[str, Any]:
    found = [
        r
        for r in of_type(data, "cloudflare:index/zoneSetting:ZoneSetting")
        if r["inputs"]["settingId"] == setting_id
    ]
    assert len(found) == 1
    return found[0]


def phase(data: Data, phase_name: str) -> dict[str, Any]:
    found = [
        r
        for r in of_type(data, "cloudflare:index/ruleset:Ruleset")
        if r["inputs"]["phase"] == phase_name
    ]
    assert len(found) == 1
    return found[0]


def remove(data: Data, resource: dict[str, Any]) -> None:
    data["resources"].remove(resource)


def add(
    data: Data,
    type_token: str,
    name: str,
    inputs: dict[str, Any],
    provider: str | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    resource = {
        "urn": f"urn:pulumi:{data['stack']}::{data['project']}::{type_token}::{name}",
        "type": type_token,
        "name": name,
        "parent": parent,
        "provider": provider,
        "inputs": inputs,
        "dependencies": [],
    }
    data["resources"].append(resource)
    return resource


def set_in(resource: dict[str, Any], path: str, value: Any) -> None:
    target: Any = resource["inputs"]
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def by_type_name(type_token: str, name: str) -> Callable[[Data], dict[str, Any]]:
    return lambda data: next(r for r in of_type(data, type_token) if r["name"] == name)

"""The planned resource graph as `build/<stack>/resources.json`.

Inputs are recorded as the engine receives them (camelCase keys), with every secret
replaced by "[secret]" before anything is written, and resources sorted by URN so
identical input gives byte-identical output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECRET = "[secret]"
UNKNOWN = "[unknown]"
# Pulumi's wire signatures (sdk/go/common/resource/sig).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# Dynamic resources carry their pickled provider as an input; it is code, not configuration.
_DROPPED_INPUTS = frozenset({"__provider"})


def clean(value: Any) -> Any:
    """Decode wire values: secrets redacted, references as URNs, integral floats as ints."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_REF_SIG:
            return value.get("urn", "")
        if sig == _OUTPUT_SIG:
            return SECRET if value.get("secret") else clean(value.get("value", UNKNOWN))
        if sig in (_ASSET_SIG, _ARCHIVE_SIG):
            return {k: clean(v) for k, v in sorted(value.items()) if k != _SIG_KEY}
        return {k: clean(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    return value


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    inputs: dict[str, Any]
    dependencies: list[str]
    protect: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "provider": self.provider,
            "inputs": {
                k: clean(v) for k, v in sorted(self.inputs.items()) if k not in _DROPPED_INPUTS
            },
            "dependencies": sorted(set(self.dependencies)),
        }


@dataclass
class Graph:
    project: str
    stack: str
    resources: list[PlannedResource]

    def as_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [r.as_json() for r in sorted(self.resources, key=lambda r: r.urn)],
        }

    def options_json(self) -> dict[str, Any]:
        """Resource options the engine knows but resources.json's fixed shape has no place
        for (protect, ...): the policy adapter reads them from resource-options.json."""
        return {
            r.urn: {"protect": r.protect, **r.options}
            for r in sorted(self.resources, key=lambda r: r.urn)
        }


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write(graph: Graph, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "resources.json"
    _write_atomic(path, dumps(graph.as_json()))
    _write_atomic(out_dir / "resource-options.json", dumps(graph.options_json()))
    return path


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

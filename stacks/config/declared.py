"""The keys Pulumi.yaml declares under our namespace, and the stacks that exist: the lists
config validation checks names against (one source, the project files themselves)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=4)
def declared_keys(root: Path = ROOT) -> frozenset[str]:
    """Keys (without the project prefix) under `config:` in Pulumi.yaml."""
    data = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8")) or {}
    config = data.get("config") or {}
    return frozenset(str(k) for k in config if ":" not in str(k))


def existing_stacks(root: Path = ROOT) -> list[str]:
    """Stacks with a Pulumi.<stack>.yaml file."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def stack_problem(stack: str, root: Path = ROOT) -> str | None:
    """Why `stack` cannot be used, naming the stacks that exist; None when it exists."""
    stacks = existing_stacks(root)
    if stack in stacks:
        return None
    return (
        f"STACK={stack!r} has no Pulumi.{stack}.yaml; existing stacks: "
        f"{', '.join(stacks) or 'none'} (create one with `pulumi stack init {stack}`)"
    )

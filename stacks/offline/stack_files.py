"""Stack configuration as the Pulumi CLI would hand it to the program: Pulumi.yaml's
declared defaults, overlaid by Pulumi.<stack>.yaml, plus obviously fake values for every
declared secret (the offline plan never sees a real one)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FAKE_SECRET_PREFIX = "offline-fake-"


class StackFileError(Exception):
    """A project or stack file that cannot be read; the message says which and why."""


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    config: dict[str, str]
    secret_keys: list[str]


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, sort_keys=True)


def _optional_secret(spec: dict[str, Any]) -> bool:
    """Optional secrets default to "" (the CLI refuses a plain default under `secret: true`);
    their description says so, and the offline plan fakes them like every other secret."""
    return str(spec.get("description", "")).startswith("Optional secret")


def declared_config(project_file: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Pulumi.yaml's `config:` by plain key name: dotted keys are declared as quoted property
    paths ('["supabase.anonKey"]') so the CLI matches them to the flat stack file keys."""
    declared = project_file.get("config") or {}
    return {
        key[2:-2] if key.startswith('["') and key.endswith('"]') else key: (
            spec if isinstance(spec, dict) else {"default": spec}
        )
        for key, spec in declared.items()
    }


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as err:
        raise StackFileError(f"{path}: not found") from err
    except yaml.YAMLError as err:
        raise StackFileError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise StackFileError(f"{path}: expected a mapping at the top level")
    return data


def load_stack_settings(root: Path, stack: str) -> StackSettings:
    project_file = _load_yaml(root / "Pulumi.yaml")
    project = str(project_file.get("name", ""))
    if not project:
        raise StackFileError(f"{root / 'Pulumi.yaml'}: `name` is missing")
    stack_path = root / f"Pulumi.{stack}.yaml"
    if not stack_path.exists():
        raise StackFileError(
            f"{stack_path}: no such stack file; create it with "
            f"`pulumi stack init {stack}` or pick an existing STACK"
        )
    stack_values = _load_yaml(stack_path).get("config") or {}

    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, spec in declared_config(project_file).items():
        full = key if ":" in key else f"{project}:{key}"
        if spec.get("secret") or _optional_secret(spec):
            secret_keys.append(full)
            config[full] = f"{FAKE_SECRET_PREFIX}{key.replace('.', '-')}"
        elif "default" in spec:
            config[full] = _encode(spec["default"])
    for key, value in stack_values.items():
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and "secure" in value:
            secret_keys.append(full)
            config[full] = f"{FAKE_SECRET_PREFIX}{key.split(':')[-1].replace('.', '-')}"
        else:
            config[full] = _encode(value)
    return StackSettings(
        project=project,
        stack=stack,
        config=dict(sorted(config.items())),
        secret_keys=sorted(set(secret_keys)),
    )

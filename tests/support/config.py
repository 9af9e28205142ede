"""Stack config as tests load it: prod's files plus overrides, through the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.runtime.config import set_all_config

from stacks import config as stack_config
from stacks.config.validate import ensure_event_loop
from stacks.offline.stack_files import load_stack_settings

ROOT = Path(__file__).resolve().parents[2]


def load_with(**overrides: str | None) -> stack_config.StackConfig:
    """Load prod's config with keys (without the project prefix) replaced or, when None, unset."""
    settings = load_stack_settings(ROOT, "prod")
    config = dict(settings.config)
    for key, value in overrides.items():
        full = f"careers-crm:{key}"
        if value is None:
            config.pop(full, None)
        else:
            config[full] = value
    set_all_config(config, settings.secret_keys)
    ensure_event_loop()
    return stack_config.load(stack="prod")


def problems(**overrides: str | None) -> list[str]:
    """The problems ConfigError lists for prod's config with these overrides."""
    with pytest.raises(stack_config.ConfigError) as caught:
        load_with(**overrides)
    return caught.value.problems

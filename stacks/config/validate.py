"""One validation for every entry point that takes a STACK (`make plan`, `make audit`,
`make dashboards`, `python -m stacks.web_headers`): the stack must exist, and its files must
pass the very `load()` the Pulumi program runs (unknown keys, limits, types)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pulumi.runtime.config import set_all_config

from stacks.config import ConfigError, StackConfig, load
from stacks.config.declared import ROOT, stack_problem


def ensure_event_loop() -> None:
    """Give this thread a usable event loop: secret config values are Pulumi Outputs, which bind
    to the current loop, and a caller that ran `asyncio.run()` before (a test, a benchmark) has
    left none behind."""
    policy = asyncio.get_event_loop_policy()
    try:
        if not policy.get_event_loop().is_closed():
            return
    except RuntimeError:
        pass
    policy.set_event_loop(policy.new_event_loop())


def validate_stack(stack: str, root: Path = ROOT) -> StackConfig:
    """The stack's validated config (declared secrets replaced by offline fakes), or a
    ConfigError listing every problem."""
    from stacks.offline.stack_files import StackFileError, load_stack_settings

    problem = stack_problem(stack, root)
    if problem:
        raise ConfigError([problem])
    try:
        settings = load_stack_settings(root, stack)
    except StackFileError as err:
        raise ConfigError([str(err)]) from None
    set_all_config(settings.config, settings.secret_keys)
    ensure_event_loop()
    return load(stack=stack)

"""Drive the real Pulumi CLI (built by `make engine`) through the Automation API.

The Python language host is not served by the Go module proxy here, so the program runs as
an Automation API inline program: the pinned SDK serves the language runtime in this process
and the CLI (`pulumi preview/up --client=...`) does everything else: config validation
against Pulumi.yaml, plugins, the policy pack's analyzer, diffs, state, secrets encryption.

`throwaway` stacks live under build/engine/<stack>/: a file backend, PULUMI_HOME, copies of
Pulumi.yaml and Pulumi.<stack>.yaml, a passphrase that is obviously not a secret, plugin
download turned off, and the stand-in provider plugins (stacks/engine/standin.py) on PATH.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pulumi import automation as auto

from stacks.engine import standin, toolchain
from stacks.offline.stack_files import declared_config

REPO = Path(__file__).resolve().parents[2]
PROJECT = "careers-crm"
FAKE_PASSPHRASE = "throwaway-local-backend-not-a-secret"
FAKE_SECRET_PREFIX = "fake-for-preview-"
ANALYZER_BIN = Path(__file__).resolve().parent / "bin"


class EngineError(Exception):
    """The engine cannot run; the message says what to do."""


@dataclass(frozen=True)
class Throwaway:
    """Folders of one throwaway stack."""

    base: Path

    @property
    def project(self) -> Path:
        return self.base / "project"

    @property
    def state(self) -> Path:
        return self.base / "state"

    @property
    def home(self) -> Path:
        return self.base / "home"

    @property
    def plugins(self) -> Path:
        return self.base / "plugins"


def required_secrets(root: Path = REPO) -> list[str]:
    """Secret keys Pulumi.yaml declares without a default: the CLI insists on each."""
    project = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))
    declared = declared_config(project)
    return sorted(k for k, spec in declared.items() if spec.get("secret") and "default" not in spec)


def optional_secrets(root: Path = REPO) -> list[str]:
    """Optional features' secrets (default "", described "Optional secret")."""
    project = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))
    declared = declared_config(project)
    return sorted(
        k
        for k, spec in declared.items()
        if str(spec.get("description", "")).startswith("Optional secret")
    )


def fake_secrets(root: Path = REPO, *, optional: bool = True) -> dict[str, str]:
    """Obviously fake values for every required secret and, unless `optional` is False,
    every optional feature's secret too (the features the offline plan shows turned on)."""
    keys = required_secrets(root) + (optional_secrets(root) if optional else [])
    return {key: FAKE_SECRET_PREFIX + key.replace(".", "-") for key in keys}


def engine_env(dirs: Throwaway) -> dict[str, str]:
    target = toolchain.engine()
    if not target.pulumi.exists():
        raise EngineError(f"no Pulumi CLI {target.version} in {target.bin}: run `make engine`")
    venv = REPO / ".venv"
    path = [target.bin, dirs.plugins, ANALYZER_BIN, venv / "bin"]
    return {
        "PATH": os.pathsep.join([*map(str, path), os.environ.get("PATH", "")]),
        "PULUMI_HOME": str(dirs.home),
        "PULUMI_BACKEND_URL": f"file://{dirs.state}",
        "PULUMI_CONFIG_PASSPHRASE": FAKE_PASSPHRASE,
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_SELF_MANAGED_STATE_NO_LEGACY_WARNING": "true",
        "PULUMI_RUNTIME_VIRTUALENV": str(venv),  # dynamic providers and the policy pack
        "PYTHONPATH": str(REPO),
        # The engine starts plugins in `main:` (stacks/), whose email.py would shadow the
        # standard library's email package for `python -m ...`; keep the cwd off sys.path.
        "PYTHONSAFEPATH": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }


def open_throwaway(
    stack: str,
    *,
    root: Path = REPO,
    base: Path | None = None,
    secrets: Mapping[str, str] | None = None,
    config: Mapping[str, str] | None = None,
    fresh: bool = True,
    program: Callable[[], None] | None = None,
    source: str | None = None,
    env: Mapping[str, str] | None = None,
) -> auto.Stack:
    """A stack of the program on a throwaway local backend, config from the committed files
    (copied, so the passphrase salt never lands in the repository) plus `secrets`.

    `source` names the committed stack file to start from when the throwaway stack has none
    of its own (the `local` stack starts from prod's and points the vendors' endpoints at
    stand-ins); `env` adds to the engine's environment (what provider processes read)."""
    from stacks.program import main

    dirs = Throwaway(base or root / "build" / "engine" / stack)
    if fresh and dirs.base.exists():
        shutil.rmtree(dirs.base)
    stack_file = root / f"Pulumi.{source or stack}.yaml"
    if not stack_file.exists():
        raise EngineError(f"{stack_file} does not exist: pick a committed stack (STACK=prod)")
    dirs.project.mkdir(parents=True, exist_ok=True)
    for folder in (dirs.state, dirs.home):
        folder.mkdir(parents=True, exist_ok=True)
    copied = dirs.project / f"Pulumi.{stack}.yaml"
    if fresh or not copied.exists():
        shutil.copyfile(root / "Pulumi.yaml", dirs.project / "Pulumi.yaml")
        shutil.copyfile(stack_file, copied)
    entry = dirs.project / "stacks"  # Pulumi.yaml's `main:`, which the CLI checks exists
    if not entry.exists():
        entry.symlink_to(root / "stacks", target_is_directory=True)
    standin.write_launchers(dirs.plugins, REPO / ".venv" / "bin" / "python", REPO)
    env = {**engine_env(dirs), **(env or {})}
    options = auto.LocalWorkspaceOptions(
        work_dir=str(dirs.project),
        pulumi_home=str(dirs.home),
        env_vars=env,
        secrets_provider="passphrase",
        pulumi_command=auto.PulumiCommand(root=str(toolchain.engine().root)),
    )
    workspace_stack = auto.create_or_select_stack(
        stack_name=stack, project_name=PROJECT, program=program or main, opts=options
    )
    values = {
        **{k: auto.ConfigValue(v, secret=True) for k, v in (secrets or {}).items()},
        **{k: auto.ConfigValue(v) for k, v in (config or {}).items()},
    }
    if values:
        workspace_stack.set_all_config(
            {f"{PROJECT}:{k}" if ":" not in k else k: v for k, v in values.items()}
        )
    return workspace_stack


def open_user_stack(stack: str, root: Path = REPO) -> auto.Stack:
    """The user's own stack (their backend login, their secrets) run by the built CLI."""
    from stacks.program import main as program

    target = toolchain.engine()
    if not target.pulumi.exists():
        raise EngineError(f"no Pulumi CLI {target.version} in {target.bin}: run `make engine`")
    venv = root / ".venv"
    path = [target.bin, ANALYZER_BIN, venv / "bin"]
    options = auto.LocalWorkspaceOptions(
        work_dir=str(root),
        env_vars={
            "PATH": os.pathsep.join([*map(str, path), os.environ.get("PATH", "")]),
            "PULUMI_RUNTIME_VIRTUALENV": str(venv),
            "PYTHONPATH": str(root),
            "PYTHONSAFEPATH": "1",  # see engine_env
        },
        pulumi_command=auto.PulumiCommand(root=str(target.root)),
    )
    return auto.select_stack(stack_name=stack, project_name=PROJECT, program=program, opts=options)

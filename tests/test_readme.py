"""The README's commands exist: every `make <target>` it names is a Makefile target."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, flags=re.M))


def test_every_make_command_in_the_readme_is_a_target() -> None:
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"(?:^|`)make ([a-z][a-z0-9-]*)", readme, flags=re.M))
    assert {"audit", "test", "plan"} <= named
    missing = named - make_targets()
    assert not missing, f"README names make targets that do not exist: {sorted(missing)}"


def test_ci_entry_runs_make_test() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", run, flags=re.M)
    assert "set -euo pipefail" in run


def test_pulumi_project_points_at_stacks_and_the_venv() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["main"] == "stacks/"
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == ".venv"
    from stacks.offline.stack_files import declared_config

    for key, spec in declared_config(project).items():
        assert spec.get("description"), f"{key} has no description"
        assert (
            "default" in spec
            or spec.get("secret")
            or key
            in {"domain", "cloudflare.accountId", "cloudflare.zoneId", "github.prodReviewers"}
            or "type" in spec
        ), key

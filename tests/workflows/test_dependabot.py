"""Dependabot watches every kind of dependency the repository pins: the Python lock, the
action SHAs and every Dockerfile's base image (including the Uptime Kuma image the stack
reads from infra/uptime_kuma/image/Dockerfile)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from infra.uptime_kuma.image import uptime_kuma_image
from tests.workflows.workflow_files import ROOT

CONFIG = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())


def _directories(ecosystem: str) -> set[str]:
    found: set[str] = set()
    for update in CONFIG["updates"]:
        if update["package-ecosystem"] == ecosystem:
            found |= set(update.get("directories", [])) | (
                {update["directory"]} if "directory" in update else set()
            )
    return found


def _dockerfiles() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "*Dockerfile*"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return sorted(out)


def test_every_dockerfile_is_watched() -> None:
    files = _dockerfiles()
    assert "app/Dockerfile" in files and "infra/uptime_kuma/image/Dockerfile" in files
    watched = _directories("docker")
    missing = [f for f in files if "/" + str(Path(f).parent) not in watched]
    assert not missing, f"Dockerfiles Dependabot does not watch: {missing}"


def test_python_lock_and_actions_are_watched() -> None:
    assert "/" in _directories("uv")
    assert "/" in _directories("github-actions")


def test_kuma_image_is_pinned_by_digest() -> None:
    ref = uptime_kuma_image()
    assert ref.startswith("louislam/uptime-kuma:2.") and "@sha256:" in ref


@pytest.mark.parametrize(
    "line",
    [
        "FROM louislam/uptime-kuma:2",
        "FROM louislam/uptime-kuma@sha256:abc",
        "FROM louislam/uptime-kuma:2.0.2\nFROM busybox:1@sha256:" + "0" * 64,
    ],
)
def test_unpinned_or_ambiguous_image_is_refused(tmp_path: Path, line: str) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(line + "\n")
    with pytest.raises(ValueError, match=r"pinned|exactly one FROM"):
        uptime_kuma_image.__wrapped__(dockerfile)

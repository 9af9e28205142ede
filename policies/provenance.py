"""Where an audit came from: commit, graph digest, time and tool versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import yaml

from policies.reports.model import Provenance
from policies.scanners import checkov, zizmor
from policies.scanners.common import REPO


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def pack_version() -> str:
    data = yaml.safe_load((Path(__file__).with_name("PulumiPolicy.yaml")).read_text())
    return str(data.get("version", "0.0.0"))


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def tool_versions(scanners: bool) -> dict[str, str]:
    tools = {
        "policy-pack": pack_version(),
        "python": sys.version.split()[0],
        "pulumi": _dist("pulumi"),
        "pulumi-policy": _dist("pulumi-policy"),
    }
    if scanners:
        tools["checkov"] = checkov.version()
        tools["zizmor"] = zizmor.version()
    return tools


def collect(project: str, stack: str, graph_path: Path, scanners: bool) -> Provenance:
    digest = hashlib.sha256(graph_path.read_bytes()).hexdigest()
    try:
        shown = str(graph_path.resolve().relative_to(REPO))
    except ValueError:
        shown = str(graph_path)
    return Provenance(
        project=project,
        stack=stack,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        git_commit=_git("rev-parse", "HEAD") or "unknown",
        git_dirty=bool(_git("status", "--porcelain", "--untracked-files=no")),
        graph_path=shown,
        graph_sha256=digest,
        tools=tool_versions(scanners),
    )

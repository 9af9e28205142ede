"""Load the workflow files once, keeping both the parsed YAML and the raw lines (comments
carry the version of each pinned action, which YAML parsing drops)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


@dataclass(frozen=True)
class Workflow:
    path: Path
    text: str
    doc: dict[Any, Any]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def triggers(self) -> dict[str, Any]:
        # YAML 1.1 reads the bare key `on` as the boolean True.
        raw = self.doc.get("on", self.doc.get(True))
        if isinstance(raw, str):
            return {raw: None}
        if isinstance(raw, list):
            return dict.fromkeys(raw)
        assert isinstance(raw, dict), f"{self.path.name}: no `on:` triggers"
        return raw

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        jobs = self.doc["jobs"]
        assert isinstance(jobs, dict)
        return jobs

    def steps(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (job_id, step) for job_id, job in self.jobs.items() for step in job.get("steps", [])
        ]


@cache
def workflows() -> tuple[Workflow, ...]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        text = path.read_text()
        found.append(Workflow(path, text, yaml.safe_load(text)))
    return tuple(found)


def workflow(name: str) -> Workflow:
    for item in workflows():
        if item.name == name:
            return item
    raise AssertionError(f".github/workflows/{name}.yml is missing")

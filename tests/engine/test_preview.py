"""`make preview STACK=prod` as the user runs it: the real CLI previews the whole program
on a throwaway local backend, the policy pack runs inside the engine's analyzer, and the
structured report comes from the Automation API's PolicyEvents."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from stacks.engine import toolchain

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def preview(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = tmp_path_factory.mktemp("preview") / "findings.json"
    done = subprocess.run(
        [
            str(REPO / ".venv/bin/python"),
            "-m",
            "policies.preview",
            "--stack",
            "prod",
            "--throwaway",
            "--output",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done, json.loads(out.read_text())


def test_the_cli_output_is_the_real_engines_plan(preview: tuple) -> None:
    done, _ = preview
    text = done.stdout
    assert "Previewing update (prod)" in text
    for token in (
        "cloudflare:index:Ruleset",
        "github:index:Repository",
        "aws:s3:",
        "vercel:index:Project",
        "grafana:oss:Dashboard",
        "pulumi-python:dynamic/supabase:AuthConfig",
    ):
        assert token in text, token
    assert "Policies:" in text and "careers-crm-policies@v0.1.0" in text
    assert toolchain.engine().version.lstrip("v") in toolchain.engine().root.name


def test_the_policy_report_comes_from_the_engines_events(preview: tuple) -> None:
    done, report = preview
    summary = report["summary"]
    assert summary["rules_evaluated"] >= 40
    for finding in report["findings"]:
        assert finding["source"] == "pulumi-preview:careers-crm-policies"
        assert finding["resource_urn"].startswith("urn:pulumi:prod::careers-crm::")
    assert done.returncode == (1 if summary["blocking"] else 0)
    # The analyzer inspected the real inputs: prod's database allow list is 0.0.0.0/0 (an
    # accepted exception in policies/exceptions.yaml), reported with its evidence.
    network = [f for f in report["findings"] if f["policy_id"] == "CRM-SB-009"]
    assert network and network[0]["actual"] == ["0.0.0.0/0"]
    assert network[0]["resource_urn"].endswith(
        "dynamic/supabase:NetworkRestrictions::supabase-network"
    )

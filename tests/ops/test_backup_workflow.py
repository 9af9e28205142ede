"""backup.yml's own steps, run verbatim: the nightly backup step, then the drill's throwaway
PostgreSQL and its restore step. Only the install steps and heartbeats (which need the
runner's apt and the real Uptime Kuma) are left out; secrets are test values."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from app.ops.settings import StorageSettings
from tests.ops.seed import seed, table_fingerprints
from tests.support.plan import prod_graph
from tests.support.ports import free_port
from tests.support.postgres import NOBODY, PostgresServer, pg_bin_dir
from tests.workflows.workflow_files import ROOT, workflow

pytestmark = pytest.mark.slow

EXPRESSION = re.compile(r"\$\{\{\s*secrets\.([A-Z0-9_]+)\s*\}\}")


def _resolve(env: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, value in env.items():
        text = EXPRESSION.sub(lambda m: secrets[m.group(1)], str(value))
        assert "${{" not in text, f"{key}: unresolved expression {text}"
        out[key] = text
    return out


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if s.get("name") == name]
    assert len(found) == 1, f"no single step named {name!r}"
    return found[0]


def _bash(script: str, env: Mapping[str, str], cwd: Path = ROOT, as_nobody: bool = False) -> str:
    # GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    cmd = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    if as_nobody and os.geteuid() == 0:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    proc = subprocess.run(cmd, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{script}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    return proc.stdout


def _workspace_for_nobody(runner_temp: Path) -> Path:
    """The files the drill's unprivileged steps read, in a folder uid 65534 may enter.

    On GitHub the runner user owns the checkout; here the checkout may sit under a folder only
    root can enter (a clone in root's home or a `mktemp -d`), where `nobody` cannot even chdir.
    """
    workspace = runner_temp / "workspace"
    shutil.copytree(ROOT / "app" / "migrations", workspace / "app" / "migrations")
    if os.geteuid() == 0:
        for path in [workspace, *workspace.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    return workspace


@pytest.fixture
def runner_temp() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="runner-temp-"))
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_nightly_backup_then_drill_steps(
    postgres_server: PostgresServer,
    source_db: str,
    storage: StorageSettings,
    runner_temp: Path,
) -> None:
    seed(source_db)
    before = table_fingerprints(source_db)
    wf = workflow("backup")
    # What the job's first step (`python3 -m app.secrets_ci --path /backups`) exports from
    # Infisical: the values Pulumi writes into prod:/backups, plus the person-entered
    # BACKUP_DATABASE_URL. No GitHub secret is read any more.
    folder = {
        "BACKUP_DATABASE_URL": source_db,
        "BACKUP_S3_ENDPOINT": storage.endpoint_url,
        "BACKUP_S3_BUCKET": storage.bucket,
        "BACKUP_S3_ACCESS_KEY_ID": storage.access_key_id,
        "BACKUP_S3_SECRET_ACCESS_KEY": storage.secret_access_key,
    }
    written = {
        r["inputs"]["name"]
        for r in prod_graph().of_type("pulumi-python:dynamic/infisical:Secret")
        if r["inputs"]["path"] == "/backups"
    }
    assert set(folder) - {"BACKUP_DATABASE_URL"} <= written
    secrets: dict[str, str] = {}
    summary = runner_temp / "summary.md"
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(runner_temp),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PG_BIN": str(pg_bin_dir()),
        **folder,
        **_resolve(wf.doc["env"], secrets),
    }

    backup_job = wf.jobs["backup"]
    step = _step(backup_job, "Back up the database to R2")
    env = {
        **base,
        **_resolve(backup_job.get("env", {}), secrets),
        **_resolve(step.get("env", {}), secrets),
    }
    result = json.loads(_bash(step["run"], env))
    assert result["tables"] == len(before)
    assert result["backup"].startswith(f"{env['BACKUP_PREFIX']}/")

    drill = wf.jobs["restore-drill"]
    job_env = {**base, **_resolve(drill.get("env", {}), secrets), "DRILL_PG_PORT": str(free_port())}
    start = _step(drill, "Start a throwaway PostgreSQL")
    summary.touch()
    if os.geteuid() == 0:
        os.chown(summary, NOBODY, NOBODY)
    workspace = _workspace_for_nobody(runner_temp)
    try:
        _bash(start["run"], job_env, cwd=workspace, as_nobody=True)
        step = _step(drill, "Restore the latest backup and verify it")
        restored = json.loads(
            _bash(step["run"], {**job_env, **_resolve(step.get("env", {}), secrets)})
        )
        assert restored["verified"] is True and restored["restored"] == result["backup"]
        drill_dsn = f"postgresql://postgres@127.0.0.1:{job_env['DRILL_PG_PORT']}/restore_drill"
        assert table_fingerprints(drill_dsn) == before
        assert '"verified": true' in summary.read_text()
    finally:
        _bash(
            f'"$PG_BIN/pg_ctl" -D "{runner_temp}/drill-pg" -m immediate -w stop || true',
            job_env,
            cwd=workspace,
            as_nobody=True,
        )

"""Every secret a workflow uses comes from Infisical, read with the job's OIDC identity: no
GitHub secret is read, no Infisical credential is stored in GitHub, and every value a job
expects is either written by Pulumi into that folder (the plan) or on the runbook's list of
values a person enters once. A value nobody writes would fail the job at its first run."""

from __future__ import annotations

import re
from typing import Any

from tests.support.plan import prod_graph
from tests.workflows.workflow_files import ROOT, workflows

LOGIN = re.compile(r"python3 -m app\.secrets_ci --environment (\w+)((?: --path /\w+)+)")
ENV_REF = re.compile(r"\$\{?([A-Z][A-Z0-9_]{2,})\}?")
HAND_SET = re.compile(r"infisical secrets set ([A-Z][A-Z0-9_]*)=\S+ --env=(\w+) --path=(/\w+)")
# Set by GitHub, the runner, the workflow itself, or vars (identity ids), never secrets.
NOT_FROM_INFISICAL = {
    "GITHUB_ENV",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_RUN_ID",
    "GITHUB_OUTPUT",
    "RUNNER_TEMP",
    "PG_BIN",
    "PG_MAJOR",
    "DRILL_PG_PORT",
    "BACKUP_PREFIX",
    "PYTHONWARNINGS",
    "INFISICAL_API_URL",
    "INFISICAL_IDENTITY_ID",
    "INFISICAL_PROJECT_ID",
    "INFISICAL_ENVIRONMENT",
    "INFISICAL_TOKEN",
    "EVENT",
    "OUTCOME",
    "PREVIEW_OUTPUT",
    "GH_TOKEN",
    "RESTORE_DATABASE_URL",
    "DATABASE_URL",
    "GITHUB_TOKEN",
}


def _jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(wf.name, job_id, job) for wf in workflows() for job_id, job in wf.jobs.items()]


def test_no_workflow_reads_a_github_secret() -> None:
    for wf in workflows():
        refs = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", wf.text))
        assert not refs, f"{wf.name}: reads GitHub secrets {sorted(refs)}; use Infisical"


def test_no_infisical_credential_lives_in_github() -> None:
    for wf in workflows():
        for forbidden in ("INFISICAL_CLIENT_SECRET", "INFISICAL_UNIVERSAL_AUTH", "st.ey"):
            assert forbidden not in wf.text, f"{wf.name}: {forbidden}"
        assert "INFISICAL_TOKEN:" not in wf.text, f"{wf.name}: a stored Infisical token"


def _needed() -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """(environment, folders of a job's login) -> env names the job's later steps use."""
    needed: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for _wf, job_id, job in _jobs():
        login: tuple[str, tuple[str, ...]] | None = None
        for step in job["steps"]:
            run = " ".join(str(step.get("run", "")).split())
            if match := LOGIN.search(run):
                login = (match.group(1), tuple(match.group(2).split()[1::2]))
                needed.setdefault(login, set())
                continue
            if login is None:
                continue
            text = f"{run} {step.get('with', '')} {step.get('env', '')}"
            names = set(ENV_REF.findall(text)) | set(re.findall(r"env\.([A-Z0-9_]+)", text))
            step_env = set((step.get("env") or {}).keys())
            needed[login] |= names - NOT_FROM_INFISICAL - step_env
        assert login is not None or "secrets_ci" not in str(job), f"{job_id}: login not parsed"
    return needed


def _written() -> set[tuple[str, str, str]]:
    by_pulumi = {
        (r["inputs"]["environment"], r["inputs"]["path"], r["inputs"]["name"])
        for r in prod_graph().of_type("pulumi-python:dynamic/infisical:Secret")
    }
    runbook = (ROOT / "docs" / "runbooks.md").read_text()
    by_hand = {(env, path, name) for name, env, path in HAND_SET.findall(runbook)}
    assert not by_pulumi & by_hand, f"set by Pulumi and by hand: {sorted(by_pulumi & by_hand)}"
    return by_pulumi | by_hand


def test_every_value_a_job_uses_is_written_by_pulumi_or_the_runbook() -> None:
    written = _written()
    missing = sorted(
        (env, paths, name)
        for (env, paths), names in _needed().items()
        for name in names
        if not any((env, path, name) in written for path in paths)
    )
    assert not missing, f"no one writes these (environment, folders, name): {missing}"


def test_backup_and_deploy_jobs_read_their_values_from_infisical() -> None:
    needed = _needed()
    assert {"BACKUP_DATABASE_URL", "UPTIME_KUMA_BACKUP_PUSH_URL"} <= needed[("prod", ("/backups",))]
    assert {"RAILWAY_SERVICE_ID", "RAILWAY_WORKER_SERVICE_ID", "VERCEL_TOKEN"} <= needed[
        ("prod", ("/ci",))
    ]
    assert "PULUMI_GITHUB_TOKEN" in needed[("preview", ("/ci",))]

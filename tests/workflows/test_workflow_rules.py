"""House rules for every workflow: least privilege, SHA pins, timeouts, concurrency, no
interpolation into shell, secrets only through environments. Plus each workflow's contract."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.workflows.workflow_files import ROOT, Workflow, workflow, workflows

EXPECTED = {"ci", "preview", "deploy", "backup", "drift", "rotate"}
PINNED = re.compile(
    r"^\s*-?\s*uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})"
    r"\s+#\s*v\d+(\.\d+){0,2}\s*$"
)
USES = re.compile(r"^\s*-?\s*uses:\s*(?P<ref>\S+)")
# Write scopes each job may hold, and why (everything else is read or none).
ALLOWED_WRITES = {
    ("ci", "audit"): {"security-events"},  # SARIF upload to code scanning
    ("preview", "preview"): {"pull-requests"},  # the preview comment
    ("drift", "drift"): {"issues"},  # the drift issue
}
MAX_TIMEOUT = 60


def test_the_six_workflows_exist() -> None:
    assert {w.name for w in workflows()} == EXPECTED


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_least_privilege_permissions(wf: Workflow) -> None:
    assert wf.doc.get("permissions") == {}, "top level must grant nothing (`permissions: {}`)"
    for job_id, job in wf.jobs.items():
        perms = job.get("permissions")
        assert isinstance(perms, dict), f"{job_id}: declare job permissions explicitly"
        assert set(perms.values()) <= {"read", "write", "none"}, f"{job_id}: {perms}"
        writes = {s for s, level in perms.items() if level == "write" and s != "id-token"}
        assert writes <= ALLOWED_WRITES.get((wf.name, job_id), set()), f"{job_id}: {writes}"
        # An OIDC token only for jobs that log in to Infisical with it, first thing.
        logs_in = any(
            "python3 -m app.secrets_ci" in str(step.get("run", "")) for step in job["steps"]
        )
        assert perms.get("id-token") == ("write" if logs_in else None), (
            f"{job_id}: id-token: write exactly when the job logs in to Infisical"
        )


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(wf: Workflow) -> None:
    for number, line in enumerate(wf.text.splitlines(), 1):
        if USES.match(line):
            assert PINNED.match(line), (
                f"{wf.path.name}:{number}: pin to a 40-hex commit SHA with `# vX.Y.Z`: {line}"
            )
    for job_id, job in wf.jobs.items():
        image = (
            (job.get("container") or {}).get("image")
            if isinstance(job.get("container"), dict)
            else job.get("container")
        )
        if image:
            assert re.search(r"@sha256:[0-9a-f]{64}$", image), f"{job_id}: pin {image} by digest"


def test_one_action_one_pin_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for wf in workflows():
        for line in wf.text.splitlines():
            match = PINNED.match(line)
            if match:
                pins.setdefault(match["action"], set()).add(match["sha"])
    assert pins, "no pinned actions found"
    assert {a: s for a, s in pins.items() if len(s) > 1} == {}


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_timeouts_and_concurrency(wf: Workflow) -> None:
    group = (wf.doc.get("concurrency") or {}).get("group")
    assert group, "workflow needs a concurrency group"
    for job_id, job in wf.jobs.items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= MAX_TIMEOUT, f"{job_id}: {timeout}"


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_no_expression_is_interpolated_into_a_shell_script(wf: Workflow) -> None:
    """Values reach `run:` only through env variables, so nothing can inject shell."""
    for job_id, step in wf.steps():
        script = step.get("run")
        if script is not None:
            assert "${{" not in script, f"{job_id}/{step.get('name')}: use env, not ${{{{ }}}}"


def _secret_refs(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_secret_refs(v) for v in node.values())
    if isinstance(node, list):
        return any(_secret_refs(v) for v in node)
    return isinstance(node, str) and "secrets." in node


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_secrets_come_only_from_environments(wf: Workflow) -> None:
    assert not _secret_refs({k: v for k, v in wf.doc.items() if k != "jobs"})
    for job_id, job in wf.jobs.items():
        if _secret_refs(job):
            assert job.get("environment"), f"{job_id} reads secrets without an environment"
    assert "secrets: inherit" not in wf.text and "toJSON(secrets)" not in wf.text


@pytest.mark.parametrize("wf", workflows(), ids=lambda w: w.name)
def test_checkouts_do_not_keep_credentials(wf: Workflow) -> None:
    for job_id, step in wf.steps():
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, job_id


def test_no_workflow_runs_untrusted_code_with_privileges() -> None:
    for wf in workflows():
        assert not {"pull_request_target", "workflow_run"} & set(wf.triggers), wf.name


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, re.MULTILINE))


def test_ci_jobs_are_the_required_checks_and_call_make() -> None:
    ci = workflow("ci")
    assert set(ci.triggers) == {"push", "pull_request"}
    assert {job.get("name", job_id) for job_id, job in ci.jobs.items()} == set(ci.jobs)
    # The lead's ruleset requires exactly these checks (Pulumi.yaml github.requiredChecks).
    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert set(config["github.requiredChecks"]["default"]) == set(ci.jobs)
    commands = {
        job_id: [step["run"] for step in job["steps"] if "run" in step]
        for job_id, job in ci.jobs.items()
    }
    assert "make lint" in commands["lint"]
    assert "make typecheck" in commands["typecheck"]
    assert "make test" in commands["test"]
    assert "make audit STACK=prod" in commands["audit"]
    uploads = [s for _, s in ci.steps() if "upload-sarif" in str(s.get("uses"))]
    assert uploads and any(
        "report.md" in s.get("run", "") and "GITHUB_STEP_SUMMARY" in s["run"] for _, s in ci.steps()
    )


def test_every_make_call_names_a_real_target() -> None:
    targets = _make_targets()
    for wf in workflows():
        for job_id, step in wf.steps():
            for target in re.findall(r"\bmake\s+([a-z][a-z0-9-]*)", step.get("run", "")):
                assert target in targets, f"{wf.name}/{job_id}: no Makefile target {target}"


def _action_step(wf: Workflow, job_id: str, prefix: str) -> dict[str, Any]:
    found = [s for j, s in wf.steps() if j == job_id and str(s.get("uses")).startswith(prefix)]
    assert len(found) == 1, f"{wf.name}/{job_id}: expected one {prefix} step"
    return found[0]


def test_preview_runs_the_policy_pack_and_comments() -> None:
    preview = workflow("preview")
    assert set(preview.triggers) == {"pull_request"}
    assert preview.doc["concurrency"]["cancel-in-progress"] is True
    assert "pull_request.number" in preview.doc["concurrency"]["group"]
    job = preview.jobs["preview"]
    assert job["environment"] == "preview"
    step = _action_step(preview, "preview", "pulumi/actions@")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "prod"
    assert step["with"]["policyPacks"] == "policies"
    assert step["with"]["comment-on-pr"] is True
    # The findings report comes from the same real preview, via the policy engineer's
    # Automation API path, and feeds the report writer.
    runs = " ".join(s.get("run", "") for _, s in preview.steps())
    assert "python -m policies.preview --stack prod" in runs
    assert "--preview-findings build/prod/preview-findings.json" in runs
    assert "GITHUB_STEP_SUMMARY" in runs
    for module in ("preview", "audit"):
        assert (ROOT / "policies" / f"{module}.py").is_file()


def test_deploy_goes_through_prod_one_at_a_time() -> None:
    deploy = workflow("deploy")
    assert deploy.triggers["push"] == {"branches": ["main"]}
    assert deploy.doc["concurrency"]["cancel-in-progress"] is False
    jobs = deploy.jobs
    assert all(job["environment"] == "prod" for job in jobs.values())
    up = _action_step(deploy, "infrastructure", "pulumi/actions@")
    assert up["with"]["command"] == "up" and up["with"]["policyPacks"] == "policies"
    assert jobs["api"]["needs"] == "infrastructure" and jobs["web"]["needs"] == "infrastructure"
    assert "/readyz" in str(jobs["api"]["steps"]) and "WEB_BASE_URL" in str(jobs["web"]["steps"])
    assert "railway" in str(jobs["api"]["steps"]) and "vercel" in str(jobs["web"]["steps"])
    # No dependency cache in a deploy (cache poisoning).
    assert "actions/cache@" not in deploy.text


def test_backup_runs_nightly_with_a_weekly_restore_drill_and_heartbeats() -> None:
    backup = workflow("backup")
    crons = {entry["cron"] for entry in backup.triggers["schedule"]}
    assert len(crons) == 2
    assert backup.doc["concurrency"]["cancel-in-progress"] is False
    runs = {
        job_id: " ".join(s.get("run", "") for s in job["steps"])
        for job_id, job in backup.jobs.items()
    }
    assert "python -m app.backup" in runs["backup"]
    assert "python -m app.restore" in runs["restore-drill"]
    for job_id in ("backup", "restore-drill"):
        assert "status=up" in runs[job_id] and "status=down" in runs[job_id]
        assert backup.jobs[job_id]["environment"] == "backups"
    # No retention by hand: the bucket's lock and lifecycle rule expire backups.
    assert not re.search(r"\b(rm|delete-object|delete_object)\b", backup.text)


def test_drift_detection_opens_and_closes_one_issue() -> None:
    drift = workflow("drift")
    assert "schedule" in drift.triggers
    step = _action_step(drift, "drift", "pulumi/actions@")
    assert step["with"]["command"] == "preview"
    assert step["with"]["refresh"] is True and step["with"]["expect-no-changes"] is True
    script = next(s["run"] for _, s in drift.steps() if "gh issue" in s.get("run", ""))
    for verb in ("gh issue list", "gh issue create", "gh issue comment", "gh issue close"):
        assert verb in script


def test_dependabot_covers_python_and_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert {"uv", "github-actions"} <= ecosystems
    if (ROOT / "package.json").exists():
        assert "npm" in ecosystems
    assert all(u.get("cooldown", {}).get("default-days", 0) >= 7 for u in config["updates"])


def test_repository_files_named_in_scripts_exist() -> None:
    for wf in workflows():
        for job_id, step in wf.steps():
            for path in re.findall(
                r"(?:-f|--file)\s+((?:app|policies|stacks)/\S+)", step.get("run", "")
            ):
                assert (ROOT / path).is_file(), f"{wf.name}/{job_id}: {path} does not exist"

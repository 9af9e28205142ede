"""Every secret a workflow reads reaches its environment: either Pulumi sets it (the prod
plan's ActionsEnvironmentSecret resources) or the runbook tells a person to set it. A secret
nobody sets would fail the job at its first real run."""

from __future__ import annotations

import re

from tests.support.plan import prod_graph
from tests.workflows.workflow_files import ROOT, workflows

SECRET_REF = re.compile(r"secrets\.([A-Z][A-Z0-9_]*)")
HAND_SET = re.compile(r"^gh secret set ([A-Z][A-Z0-9_]*) --env ([a-z]+)", re.M)
# Provided by GitHub itself in every run.
BUILT_IN = {"GITHUB_TOKEN"}


def read_by_workflows() -> set[tuple[str, str]]:
    needed: set[tuple[str, str]] = set()
    for wf in workflows():
        for job in wf.jobs.values():
            environment = job.get("environment")
            if isinstance(environment, dict):
                environment = environment.get("name")
            names = set(SECRET_REF.findall(str(job))) - BUILT_IN
            needed |= {(str(environment), name) for name in names}
    return needed


def set_by_pulumi() -> set[tuple[str, str]]:
    return {
        (s["inputs"]["environment"], s["inputs"]["secretName"])
        for s in prod_graph().of_type(
            "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"
        )
    }


def set_by_hand() -> set[tuple[str, str]]:
    runbook = (ROOT / "docs" / "runbooks.md").read_text()
    return {(env, name) for name, env in HAND_SET.findall(runbook)}


def test_every_secret_a_workflow_reads_is_set_by_pulumi_or_the_runbook() -> None:
    needed = read_by_workflows()
    assert needed, "the workflows read no secret at all?"
    assert all(env != "None" for env, _ in needed), "secrets only inside environment jobs"
    missing = needed - set_by_pulumi() - set_by_hand()
    assert not missing, f"nobody sets these (environment, secret) pairs: {sorted(missing)}"


def test_pulumi_and_the_runbook_do_not_both_set_a_secret() -> None:
    both = set_by_pulumi() & set_by_hand()
    assert not both, f"set by Pulumi, so drop from the runbook's hand-set list: {sorted(both)}"

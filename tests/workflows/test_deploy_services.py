"""Every Railway service that runs our code ships with every deploy, from the same commit.

The list of services comes from the plan (a Railway service built from this repository), not
from a list kept here: a service added to the stack and forgotten by deploy.yml fails this test.
Each service's id reaches the workflow from Infisical prod:/ci, written there by Pulumi (the
plan shows the dependency of that Infisical secret on the service) and exported by the job's
OIDC login step under its own name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.support.plan import PlannedGraph, prod_graph
from tests.workflows.workflow_files import ROOT, Workflow, workflow

SERVICE = "pulumi-python:dynamic/railway:Service"
CI_SECRET = "pulumi-python:dynamic/infisical:Secret"
LOGIN = re.compile(r"python3 -m app\.secrets_ci --environment prod .*--path /ci\b")
RAILWAY_UP = re.compile(r"railway(?:/cli@[\d.]+)?\s+up\b.*--service\s+\"?\$(?:\{)?([A-Z_]+)")


def _code_services(graph: PlannedGraph) -> dict[str, str]:
    """URN -> name of every Railway service built from a repository (not an image)."""
    return {r["urn"]: r["name"] for r in graph.of_type(SERVICE) if r["inputs"].get("repo")}


def _id_secret(graph: PlannedGraph, service_urn: str) -> str:
    names = [
        r["inputs"]["name"]
        for r in graph.of_type(CI_SECRET)
        if r["inputs"]["environment"] == "prod"
        and r["inputs"]["path"] == "/ci"
        and service_urn in r["dependencies"]
    ]
    assert len(names) == 1, f"{service_urn}: expected one prod:/ci value carrying its id: {names}"
    return str(names[0])


def _deploying_jobs(wf: Workflow) -> dict[str, str]:
    """Secret name -> id of the job whose `railway up` deploys the service that secret names."""
    out: dict[str, str] = {}
    for job_id, job in wf.jobs.items():
        env: dict[str, Any] = job.get("env", {})
        logged_in = False
        for step in job.get("steps", []):
            run = " ".join(str(step.get("run", "")).split())
            logged_in = logged_in or bool(LOGIN.search(run))
            match = RAILWAY_UP.search(run)
            if not match:
                continue
            variable = match.group(1)
            assert logged_in, f"{job_id}: `railway up` before the Infisical login step"
            assert variable not in {**env, **step.get("env", {})}, (
                f"{job_id}: --service ${variable} is overridden instead of read from prod:/ci"
            )
            out[variable] = job_id
    return out


def _needs(wf: Workflow, job_id: str) -> set[str]:
    direct = wf.jobs[job_id].get("needs", [])
    direct = [direct] if isinstance(direct, str) else list(direct)
    return set(direct).union(*(_needs(wf, d) for d in direct)) if direct else set()


def test_the_plan_has_the_api_and_the_worker_built_from_this_repository() -> None:
    assert sorted(_code_services(prod_graph()).values()) == ["railway-api", "railway-worker"]


def test_every_service_running_our_code_is_deployed_by_the_workflow() -> None:
    graph, wf = prod_graph(), workflow("deploy")
    deployed = _deploying_jobs(wf)
    missing = {
        name: _id_secret(graph, urn)
        for urn, name in _code_services(graph).items()
        if _id_secret(graph, urn) not in deployed
    }
    assert not missing, f"services with no `railway up` in deploy.yml: {missing}"


def test_migrations_run_before_any_other_service_ships() -> None:
    """The API's pre-deploy command migrates; every other Railway deploy waits for it."""
    railway_json = json.loads((ROOT / "app" / "railway.json").read_text())
    assert railway_json["deploy"]["preDeployCommand"] == ["python -m app.migrate"]
    graph, wf = prod_graph(), workflow("deploy")
    deployed = _deploying_jobs(wf)
    api_job = deployed[_id_secret(graph, graph.named("railway-api")["urn"])]
    for secret, job_id in deployed.items():
        if job_id != api_job:
            assert api_job in _needs(wf, job_id), f"{job_id} ({secret}) may ship before migrations"
        assert "infrastructure" in _needs(wf, job_id), f"{job_id} ships before `pulumi up`"


def test_every_deploy_job_builds_the_pushed_commit() -> None:
    wf = workflow("deploy")
    for job_id in set(_deploying_jobs(wf).values()):
        checkouts = [s for s in wf.jobs[job_id]["steps"] if "actions/checkout" in s.get("uses", "")]
        assert len(checkouts) == 1, f"{job_id}: expected one checkout"
        assert "ref" not in checkouts[0].get("with", {}), f"{job_id}: checks out another ref"

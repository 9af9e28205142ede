"""Every GraphQL document the Railway client can send is valid against the published schema."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from infra.railway import documents
from infra.railway.client import RailwayClient
from tests.infra.railway import contract
from tests.infra.railway.fake_api import WORKSPACE_ID, FakeRailway

FAKE_TOKEN = "fake-railway-token-for-tests"


def make_client(fake: FakeRailway) -> RailwayClient:
    return RailwayClient(FAKE_TOKEN, transport=httpx.MockTransport(fake), sleep=lambda _s: None)


def exercise_everything(client: RailwayClient) -> dict[str, Callable[[], Any]]:
    """One call per public client method, in an order the fake can answer."""
    state: dict[str, Any] = {}

    def project_create() -> Any:
        state["project"] = client.project_create(
            "careers-crm", workspace_id=WORKSPACE_ID, description="CRM"
        )
        return state["project"]

    pid = lambda: state["project"]["id"]  # noqa: E731
    env = lambda: state["env"]["id"]  # noqa: E731
    svc = lambda: state["service"]["id"]  # noqa: E731

    calls: dict[str, Callable[[], Any]] = {
        "project_create": project_create,
        "project": lambda: client.project(pid()),
        "projects": lambda: client.projects(WORKSPACE_ID),
        "environment_create": lambda: state.update(env=client.environment_create(pid(), "staging")),
        "service_create": lambda: state.update(
            service=client.service_create(
                pid(), "api", environment_id=env(), repo="careers-crm/platform", branch="main"
            )
        ),
        "service_connect": lambda: client.service_connect(
            svc(), repo="careers-crm/platform", branch="main", image=None
        ),
        "service_triggers": lambda: client.service_triggers(svc()),
        "deployment_trigger_create": lambda: state.update(
            trigger=client.deployment_trigger_create(
                pid(),
                env(),
                svc(),
                repository="careers-crm/platform",
                branch="main",
                root_directory="app",
                check_suites=True,
            )
        ),
        "deployment_trigger_delete": lambda: client.deployment_trigger_delete(
            state["trigger"]["id"]
        ),
        "service_instance_update": lambda: client.service_instance_update(
            svc(),
            env(),
            {
                "healthcheckPath": "/readyz",
                "numReplicas": 1,
                "restartPolicyType": "ON_FAILURE",
                "rootDirectory": "app",
            },
        ),
        "service_instance": lambda: client.service_instance(svc(), env()),
        "variable_collection_upsert": lambda: client.variable_collection_upsert(
            pid(), env(), svc(), {"PORT": "8000", "R2_SECRET_ACCESS_KEY": "fake-r2-secret"}
        ),
        "variables": lambda: client.variables(pid(), env(), svc()),
        "variable_delete": lambda: client.variable_delete(pid(), env(), svc(), "PORT"),
        "domains": lambda: client.domains(pid(), env(), svc()),
        "service_domain_create": lambda: state.update(
            sdomain=client.service_domain_create(svc(), env(), 8000)
        ),
        "service_domain_delete": lambda: client.service_domain_delete(state["sdomain"]["id"]),
        "custom_domain_create": lambda: state.update(
            cdomain=client.custom_domain_create(
                pid(), env(), svc(), "api.careers.example.edu", 8000
            )
        ),
        "custom_domain_delete": lambda: client.custom_domain_delete(state["cdomain"]["id"]),
        "volume_create": lambda: state.update(
            volume=client.volume_create(pid(), env(), svc(), "/app/data")
        ),
        "volume_delete": lambda: client.volume_delete(state["volume"]["id"]),
        "service_delete": lambda: client.service_delete(svc()),
        "environment_delete": lambda: client.environment_delete(env()),
        "project_delete": lambda: client.project_delete(pid()),
    }
    return calls


def public_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(RailwayClient, inspect.isfunction)
        if not name.startswith("_") and name != "close"
    }


@pytest.mark.parametrize("document", documents.ALL_DOCUMENTS, ids=lambda d: d.name)
def test_every_document_is_valid_against_the_schema(document: documents.Document) -> None:
    parsed = contract.validate_document(document.text)
    [operation] = parsed.definitions
    assert operation.name.value == document.name
    kind = "mutation" if document.mutation else "query"
    assert operation.operation.value == kind


def test_every_client_method_is_exercised_here() -> None:
    """A new client method without a contract check here fails this test."""
    with make_client(FakeRailway()) as client:
        assert public_methods() == set(exercise_everything(client))


def test_every_request_the_client_sends_passes_the_contract() -> None:
    fake = FakeRailway()
    with make_client(fake) as client:
        for call in exercise_everything(client).values():
            call()
    # each request was validated and its variables coerced by the schema in the fake
    assert set(fake.operations) == {d.name for d in documents.ALL_DOCUMENTS}
    assert fake.projects == {}  # and the sequence cleaned up after itself


def test_a_field_outside_the_schema_is_caught() -> None:
    with pytest.raises(contract.ContractViolation, match="Cannot query field"):
        contract.validate_document("query P($id: String!) { project(id: $id) { id slug } }")


def test_an_unknown_input_field_is_caught() -> None:
    document = contract.validate_document(documents.SERVICE_CREATE.text)
    with pytest.raises(contract.ContractViolation, match="rootDirectory"):
        contract.validate_variables(
            document, {"input": {"projectId": "p", "name": "api", "rootDirectory": "app"}}
        )


def test_missing_contract_file_fails_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(contract, "SCHEMA_FILE", contract.CONTRACTS_DIR / "missing.json")
    contract.schema.cache_clear()
    try:
        with pytest.raises(contract.ContractMissing, match="tests/contracts"):
            contract.schema()
    finally:
        monkeypatch.undo()
        contract.schema.cache_clear()

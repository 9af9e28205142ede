"""Railway providers against the schema-executing fake: a fresh create of the whole Railway part
(request budget), adoption after half-failed creates, drift, updates, deletes, pickling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dill
import pytest
import respx
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

from infra.http_api.errors import ApiUnavailableError
from infra.http_api.transport import RetryPolicy
from infra.railway.component import UPTIME_KUMA_DATA, UPTIME_KUMA_IMAGE, UPTIME_KUMA_PORT
from infra.railway.providers import (
    AutoDeployProvider,
    CustomDomainProvider,
    EnvironmentProvider,
    ProjectProvider,
    ServiceDomainProvider,
    ServiceInstanceProvider,
    ServiceProvider,
    VariablesProvider,
    VolumeProvider,
)
from infra.railway.resources import InstanceSettings
from stacks.offline.outputs import RESOURCES
from tests.infra.railway.fake_api import WORKSPACE_ID, FakeRailway
from tests.support.plan import prod_graph

FAKE_TOKEN = "fake-railway-token-providers"
FREE_PLAN_REQUESTS_PER_HOUR = 100
DYN = "pulumi-python:dynamic/railway:"
BENCH_DIR = Path(__file__).resolve().parents[3] / "build" / "bench"


@pytest.fixture
def fake() -> Iterator[FakeRailway]:
    api = FakeRailway()
    with respx.mock(assert_all_called=False) as router:
        router.route(host="backboard.railway.com").mock(side_effect=api)
        yield api


def ready(provider: ResourceProvider) -> Any:
    """Pickle and unpickle as Pulumi does, then configure with the stack's token."""
    blob = dill.dumps(provider, recurse=True)
    assert FAKE_TOKEN.encode() not in blob
    restored = dill.loads(blob)
    config = Config({"careers-crm:railway.token": FAKE_TOKEN}, "careers-crm")
    restored.configure(ConfigureRequest(config))
    return restored


def create_whole_railway_part() -> dict[str, dict[str, Any]]:
    """The component's resources in its dependency order, with the props it registers."""
    outs: dict[str, dict[str, Any]] = {}

    def create(key: str, provider: ResourceProvider, props: dict[str, Any]) -> dict[str, Any]:
        result = ready(provider).create(props)
        outs[key] = {"id": result.id, **(result.outs or {})}
        return outs[key]

    project = create(
        "project",
        ProjectProvider(),
        {
            "name": "careers-crm",
            "workspace_id": WORKSPACE_ID,
            "adopt_id": None,
            "description": "Career Services CRM",
        },
    )
    env = create("env", EnvironmentProvider(), {"project_id": project["id"], "name": "production"})
    where = {"project_id": project["id"], "environment_id": env["id"]}
    api = create(
        "api",
        ServiceProvider(),
        {
            **where,
            "name": "api",
            "repo": "careers-crm/careers-crm-platform",
            "branch": "main",
            "image": None,
        },
    )
    create(
        "api_auto_deploy",
        AutoDeployProvider(),
        {
            **where,
            "service_id": api["id"],
            "repo": "careers-crm/careers-crm-platform",
            "branch": "main",
            "root_directory": "app",
            "enabled": False,
            "check_suites": True,
        },
    )
    create(
        "api_settings",
        ServiceInstanceProvider(),
        {
            "service_id": api["id"],
            "environment_id": env["id"],
            **InstanceSettings(
                region="us-west2",
                healthcheck_path="/readyz",
                healthcheck_timeout_s=60,
                replicas=1,
                root_directory="app",
                config_file="app/railway.json",
            ).props(),
        },
    )
    create(
        "api_vars",
        VariablesProvider(),
        {
            **where,
            "service_id": api["id"],
            "variables": {"PORT": "8000"},
            "secret_variables": {"R2_SECRET_ACCESS_KEY": "fake-r2-secret"},
        },
    )
    create(
        "api_domain",
        CustomDomainProvider(),
        {
            **where,
            "service_id": api["id"],
            "domain": "api.careers.example.edu",
            "target_port": 8000.0,
        },
    )
    kuma = create(
        "kuma",
        ServiceProvider(),
        {**where, "name": "uptime-kuma", "repo": None, "branch": None, "image": UPTIME_KUMA_IMAGE},
    )
    create(
        "kuma_settings",
        ServiceInstanceProvider(),
        {
            "service_id": kuma["id"],
            "environment_id": env["id"],
            **InstanceSettings(region="us-west2", healthcheck_path="/").props(),
        },
    )
    create(
        "kuma_volume",
        VolumeProvider(),
        {**where, "service_id": kuma["id"], "mount_path": UPTIME_KUMA_DATA},
    )
    create(
        "kuma_domain",
        ServiceDomainProvider(),
        {**where, "service_id": kuma["id"], "target_port": float(UPTIME_KUMA_PORT)},
    )
    return outs


def test_fresh_create_of_the_whole_railway_part_stays_well_under_the_free_quota(
    fake: FakeRailway,
) -> None:
    outs = create_whole_railway_part()
    requests = len(fake.operations)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "railway-requests.json").write_text(
        json.dumps(
            {
                "fresh_create_requests": requests,
                "free_plan_requests_per_hour": 100,
                "operations": fake.operations,
            },
            indent=2,
        )
        + "\n"
    )
    assert requests <= 20, fake.operations  # 18 today: under a fifth of the hourly budget
    assert requests < FREE_PLAN_REQUESTS_PER_HOUR / 4
    # and what was created is what the component asked for
    [api] = [s for s in fake.services.values() if s["name"] == "api"]
    assert api["source"] == {"repo": "careers-crm/careers-crm-platform"}
    instance = fake.instances[(api["id"], outs["env"]["id"])]
    assert instance["healthcheckPath"] == "/readyz"
    assert instance["rootDirectory"] == "app"
    assert instance["railwayConfigFile"] == "app/railway.json"
    assert isinstance(instance["numReplicas"], int)
    assert outs["api_domain"]["dns_target"].endswith(".up.railway.app")
    assert outs["kuma_domain"]["url"].startswith("https://uptime-kuma-production-")
    [volume] = fake.volumes.values()
    assert volume["mountPath"] == "/app/data"
    assert len(fake.environments) == 1  # the project's own production env was adopted
    assert outs["env"]["owned"] is False


@pytest.mark.parametrize(
    "lost",
    ["ProjectCreate", "ServiceCreate", "CustomDomainCreate", "VolumeCreate", "ServiceDomainCreate"],
)
def test_a_create_whose_reply_is_lost_is_adopted_on_the_next_up(
    fake: FakeRailway, lost: str
) -> None:
    fake.lose_reply_of = lost
    with pytest.raises(ApiUnavailableError, match=f"{lost}: server error 502"):
        create_whole_railway_part()
    create_whole_railway_part()  # the next `up` starts over from the failed step
    assert len(fake.projects) == 1
    assert sorted(s["name"] for s in fake.services.values()) == ["api", "uptime-kuma"]
    assert len(fake.custom_domains) == 1
    assert len(fake.service_domains) == 1
    assert len(fake.volumes) == 1


def test_project_adoption_by_id_never_creates_and_never_deletes(fake: FakeRailway) -> None:
    existing = fake._project_create({"name": "legacy-crm"})
    provider = ready(ProjectProvider())
    result = provider.create({"name": "careers-crm", "adopt_id": existing["id"]})
    assert result.id == existing["id"] and len(fake.projects) == 1
    provider.delete(result.id, result.outs or {})
    assert existing["id"] in fake.projects


def test_instance_settings_drift_is_read_and_corrected(fake: FakeRailway) -> None:
    outs = create_whole_railway_part()
    settings = outs["api_settings"]
    provider = ready(ServiceInstanceProvider())
    fake.instances[(settings["service_id"], settings["environment_id"])]["numReplicas"] = 3
    refreshed = provider.read(settings["id"], settings).outs
    assert refreshed["numReplicas"] == 3
    desired = {k: v for k, v in settings.items() if k != "id"}
    diff = provider.diff(settings["id"], refreshed, desired)
    assert diff.changes is True and diff.replaces == []
    provider.update(settings["id"], refreshed, desired)
    assert fake.instances[(settings["service_id"], settings["environment_id"])]["numReplicas"] == 1


def test_variables_update_upserts_changes_and_deletes_removed_keys(fake: FakeRailway) -> None:
    outs = create_whole_railway_part()
    old = {k: v for k, v in outs["api_vars"].items() if k != "id"}
    provider = ready(VariablesProvider())
    new = {
        **old,
        "variables": {"LOG_LEVEL": "info"},
        "secret_variables": {"R2_SECRET_ACCESS_KEY": "fake-r2-secret-rotated"},
    }
    assert provider.diff("v", old, new).changes is True
    fake.operations.clear()
    provider.update("v", old, new)
    assert fake.operations == ["VariableCollectionUpsert", "VariableDelete"]
    key = (old["project_id"], old["environment_id"], old["service_id"])
    assert fake.variables[key] == {
        "LOG_LEVEL": "info",
        "R2_SECRET_ACCESS_KEY": "fake-r2-secret-rotated",
    }
    refreshed = provider.read("v", new).outs
    assert refreshed["secret_variables"] == {"R2_SECRET_ACCESS_KEY": "fake-r2-secret-rotated"}
    provider.delete("v", new)
    assert fake.variables[key] == {}


def test_service_source_change_reconnects_and_name_change_replaces(fake: FakeRailway) -> None:
    outs = create_whole_railway_part()
    kuma = {k: v for k, v in outs["kuma"].items() if k != "id"}
    provider = ready(ServiceProvider())
    newer = {**kuma, "image": "louislam/uptime-kuma:2.0.2"}
    assert provider.diff(outs["kuma"]["id"], kuma, newer).replaces == []
    provider.update(outs["kuma"]["id"], kuma, newer)
    assert fake.services[outs["kuma"]["id"]]["source"] == {"image": "louislam/uptime-kuma:2.0.2"}
    assert provider.diff("s", kuma, {**kuma, "name": "kuma"}).replaces == ["name"]


def test_deletes_remove_what_we_created_and_tolerate_what_is_gone(fake: FakeRailway) -> None:
    outs = create_whole_railway_part()
    for key, provider in [
        ("kuma_domain", ServiceDomainProvider()),
        ("api_domain", CustomDomainProvider()),
        ("kuma_volume", VolumeProvider()),
        ("kuma", ServiceProvider()),
        ("api", ServiceProvider()),
        ("env", EnvironmentProvider()),
        ("project", ProjectProvider()),
    ]:
        ready(provider).delete(outs[key]["id"], outs[key])
    assert fake.projects == {} and fake.services == {} and fake.volumes == {}
    ready(ServiceProvider()).delete(outs["api"]["id"], outs["api"])  # already gone: fine


def test_retries_never_resend_a_create(fake: FakeRailway) -> None:
    """A 5xx on serviceCreate is not retried (the server may have created it)."""
    provider = ProjectProvider(policy=RetryPolicy(max_attempts=5))
    fake.lose_reply_of = "ProjectCreate"
    with pytest.raises(ApiUnavailableError):
        ready(provider).create({"name": "careers-crm", "workspace_id": WORKSPACE_ID})
    assert fake.operations == ["Projects", "ProjectCreate"]


def test_a_refresh_of_the_whole_railway_part_costs_one_read_per_resource(
    fake: FakeRailway,
) -> None:
    outs = create_whole_railway_part()
    providers: dict[str, ResourceProvider] = {
        "project": ProjectProvider(),
        "env": EnvironmentProvider(),
        "api": ServiceProvider(),
        "api_settings": ServiceInstanceProvider(),
        "api_vars": VariablesProvider(),
        "api_domain": CustomDomainProvider(),
        "kuma": ServiceProvider(),
        "kuma_settings": ServiceInstanceProvider(),
        "kuma_volume": VolumeProvider(),
        "kuma_domain": ServiceDomainProvider(),
        "api_auto_deploy": AutoDeployProvider(),
    }
    fake.operations.clear()
    for key, provider in providers.items():
        read = ready(provider).read(outs[key]["id"], outs[key]).outs
        diff = ready(provider).diff(outs[key]["id"], read, outs[key])
        assert diff.changes is False, key  # no drift right after create: no perpetual diff
    assert len(fake.operations) == len(providers) == 11


PROVIDERS: dict[str, type[ResourceProvider]] = {
    "Project": ProjectProvider,
    "Environment": EnvironmentProvider,
    "Service": ServiceProvider,
    "ServiceInstance": ServiceInstanceProvider,
    "Variables": VariablesProvider,
    "CustomDomain": CustomDomainProvider,
    "ServiceDomain": ServiceDomainProvider,
    "Volume": VolumeProvider,
    "AutoDeploy": AutoDeployProvider,
}


def test_replaying_the_prod_plans_railway_part_costs_the_same_requests(fake: FakeRailway) -> None:
    """The component as planned (not a hand-made copy): every Railway resource of the prod
    plan is created in dependency order, plan ids swapped for the fake's."""
    graph = prod_graph()
    planned = [r for r in graph.resources if r["type"].startswith(DYN)]
    ids: dict[str, str] = {}  # planned (mock) id -> id the fake issued
    created: set[str] = set()
    while len(created) < len(planned):
        for resource in planned:
            deps = {d for d in resource["dependencies"] if "dynamic/railway" in d}
            if resource["urn"] in created or not deps <= created:
                continue
            kind = resource["type"].removeprefix(DYN)
            props = {
                k: ids.get(v, v) if isinstance(v, str) else v
                for k, v in resource["inputs"].items()
                if k != "__provider"
            }
            if props.get("secret_variables") == "[secret]":
                props["secret_variables"] = {"R2_SECRET_ACCESS_KEY": "fake-r2-secret"}
            result = ready(PROVIDERS[kind]()).create(props)
            planned_id = RESOURCES[resource["type"]](resource["name"], resource["inputs"])[0]
            ids[planned_id] = result.id
            created.add(resource["urn"])
    assert len(planned) == 15
    assert len(fake.operations) == 24  # the figure noted in docs/hosting.md
    [api] = [s for s in fake.services.values() if s["name"] == "api"]
    instance = next(i for (sid, _e), i in fake.instances.items() if sid == api["id"])
    assert instance["healthcheckPath"] == "/readyz"
    assert instance["railwayConfigFile"] == "app/railway.json"


def test_auto_deploy_off_removes_railways_push_trigger_and_can_be_turned_on(
    fake: FakeRailway,
) -> None:
    outs = create_whole_railway_part()
    assert fake.triggers == {}  # the trigger serviceCreate made is gone: deploys are gated
    state = {k: v for k, v in outs["api_auto_deploy"].items() if k != "id"}
    provider = ready(AutoDeployProvider())
    on = {**state, "enabled": True}
    assert provider.diff("a", state, on).changes is True
    provider.update("a", state, on)
    [trigger] = fake.triggers.values()
    assert trigger["branch"] == "main" and trigger["checkSuites"] is True
    provider.update("a", on, on)  # converges: no second trigger
    assert len(fake.triggers) == 1
    assert provider.read("a", state).outs["enabled"] is True  # drift seen by refresh

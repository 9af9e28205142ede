"""The Infisical providers' CRUD, adoption, drift and failure behaviour against the
contract-held stand-in, with the values the engine really passes (numbers as floats)."""

from __future__ import annotations

import logging
from typing import Any

import dill
import httpx
import pytest

from infra.http_api.errors import ApiAuthError, ApiResponseError, ApiUnavailableError
from infra.http_api.transport import RetryPolicy
from infra.infisical.client import CLIENT_ID_ENV, CLIENT_SECRET_ENV, TOKEN_ENV
from infra.infisical.component import _read_permission
from infra.infisical.kinds import (
    ClientSecretProvider,
    EnvironmentProvider,
    FolderProvider,
    IdentityProvider,
    MembershipProvider,
    OidcAuthProvider,
    ProjectProvider,
    RoleProvider,
    SecretProvider,
    UniversalAuthProvider,
)
from infra.infisical.provider import DRIFTED, sha256
from tests.infra.infisical.conftest import API_URL
from tests.infra.infisical.fake_api import ORG_ID, FakeInfisical

FAST = RetryPolicy(max_attempts=2, base_delay_s=0.0, max_delay_s=0.0)


def project(fake: FakeInfisical) -> dict[str, Any]:
    result = ProjectProvider(FAST).create(
        {"api_url": API_URL, "name": "Careers CRM", "slug": "careers-crm", "project_id": None}
    )
    assert result.outs is not None
    return result.outs


def test_project_create_read_update_and_drift(fake: FakeInfisical) -> None:
    provider = ProjectProvider(FAST)
    outs = project(fake)
    assert fake.project_by_slug("careers-crm") is not None
    read = provider.read(outs["project_id"], outs)
    assert provider.diff(read.id or "", read.outs, dict(outs)).changes is False
    fake.project_by_slug("careers-crm")["name"] = "renamed in the dashboard"  # type: ignore[index]
    drifted = provider.read(outs["project_id"], outs).outs
    assert drifted["name"] == "renamed in the dashboard"
    assert provider.diff(outs["project_id"], drifted, dict(outs)).changes is True
    provider.update(outs["project_id"], drifted, dict(outs))
    assert fake.project_by_slug("careers-crm")["name"] == "Careers CRM"  # type: ignore[index]
    moved = provider.diff(outs["project_id"], outs, {**outs, "slug": "careers-crm-2"})
    assert moved.replaces == ["slug"]


def test_environment_adopts_the_prod_a_new_project_already_has(fake: FakeInfisical) -> None:
    ws = project(fake)["project_id"]
    provider = EnvironmentProvider(FAST)
    props = {
        "api_url": API_URL,
        "workspace_id": ws,
        "name": "Production",
        "slug": "prod",
        "position": 1.0,
    }
    prod = provider.create(dict(props))
    preview = provider.create({**props, "name": "Preview", "slug": "preview", "position": 2.0})
    envs = [e for e in fake.environments.values() if e["projectId"] == ws]
    assert sorted(e["slug"] for e in envs) == ["dev", "preview", "prod", "staging"]
    assert ("POST", f"/api/v1/workspace/{ws}/environments") in [(m, p) for m, p, _ in fake.requests]
    assert sum(1 for m, p, _ in fake.requests if m == "POST" and p.endswith("/environments")) == 1
    fake.environments[prod.id]["name"] = "PROD!"
    read = provider.read(prod.id, prod.outs or {})
    assert provider.diff(prod.id, read.outs, dict(props)).changes is True
    provider.delete(preview.id, preview.outs or {})
    assert preview.id not in fake.environments
    gone = provider.read(preview.id, preview.outs or {})
    assert gone.id is None  # deleted outside Pulumi: the next `up` creates it again


def test_folder_create_adopt_read_delete(fake: FakeInfisical) -> None:
    ws = project(fake)["project_id"]
    provider = FolderProvider(FAST)
    props = {"api_url": API_URL, "workspace_id": ws, "environment": "prod", "name": "api"}
    first = provider.create(dict(props))
    again = provider.create(dict(props))  # e.g. a half-finished earlier `up`
    assert first.id == again.id and len(fake.folders) == 1
    read = provider.read(first.id, first.outs or {})
    assert read.outs["environment"] == "prod" and read.outs["name"] == "api"
    assert provider.diff(first.id, first.outs or {}, {**props, "name": "web"}).replaces == ["name"]
    provider.delete(first.id, first.outs or {})
    provider.delete(first.id, first.outs or {})  # already gone is fine
    assert not fake.folders


def test_identity_with_universal_auth_and_a_client_secret_that_logs_in(fake: FakeInfisical) -> None:
    ident = IdentityProvider(FAST).create(
        {"api_url": API_URL, "organization_id": ORG_ID, "name": "crm-api-prod"}
    )
    ua_props = {
        "api_url": API_URL,
        "identity_id": ident.id,
        "access_token_ttl": 3600.0,
        "access_token_max_ttl": 3600.0,
        "trusted_ips": ["0.0.0.0/0", "::/0"],
        "client_id": None,
    }
    ua = UniversalAuthProvider(FAST).create(dict(ua_props))
    assert fake.universal_auth[ident.id]["accessTokenTTL"] == 3600
    cs = ClientSecretProvider(FAST).create(
        {"api_url": API_URL, "identity_id": ident.id, "description": "railway api", "ttl": 0.0}
    )
    assert cs.outs is not None and ua.outs is not None
    from infra.infisical.client import universal_auth_login

    token = universal_auth_login(ua.outs["client_id"], cs.outs["client_secret"], base_url=API_URL)
    assert fake.tokens[token] == ident.id
    # Drift: someone widened the token lifetime in the dashboard.
    fake.universal_auth[ident.id]["accessTokenTTL"] = 2592000
    read = UniversalAuthProvider(FAST).read(ua.id, ua.outs)
    assert UniversalAuthProvider(FAST).diff(ua.id, read.outs, dict(ua_props)).changes is True
    UniversalAuthProvider(FAST).update(ua.id, read.outs, dict(ua_props))
    assert fake.universal_auth[ident.id]["accessTokenTTL"] == 3600
    # A client secret revoked by hand is gone; replacing makes the new one before revoking.
    ClientSecretProvider(FAST).delete(cs.id, cs.outs)
    assert ClientSecretProvider(FAST).read(cs.id, cs.outs).id is None
    diff = ClientSecretProvider(FAST).diff(cs.id, cs.outs, {**cs.outs, "description": "rotated"})
    assert diff.replaces == ["description"] and diff.delete_before_replace is False


def test_oidc_auth_drift_on_the_bound_subject_is_seen_and_repaired(fake: FakeInfisical) -> None:
    ident = IdentityProvider(FAST).create(
        {"api_url": API_URL, "organization_id": ORG_ID, "name": "github-prod"}
    )
    props = {
        "api_url": API_URL,
        "identity_id": ident.id,
        "discovery_url": "https://token.actions.githubusercontent.com",
        "issuer": "https://token.actions.githubusercontent.com",
        "audiences": "https://github.com/careers-crm",
        "subject": "repo:careers-crm/careers-crm-platform:environment:prod",
        "claims": {"repository": "careers-crm/careers-crm-platform", "environment": "prod"},
        "access_token_ttl": 900.0,
    }
    provider = OidcAuthProvider(FAST)
    created = provider.create(dict(props))
    fake.oidc_auth[ident.id]["boundSubject"] = ""  # loosened by hand: any workflow of any repo
    read = provider.read(created.id, created.outs or {})
    assert provider.changed(read.outs, dict(props)) == ["subject"]
    provider.update(created.id, read.outs, dict(props))
    assert fake.oidc_auth[ident.id]["boundSubject"] == props["subject"]


def test_role_and_membership(fake: FakeInfisical) -> None:
    ws = project(fake)["project_id"]
    ident = IdentityProvider(FAST).create(
        {"api_url": API_URL, "organization_id": ORG_ID, "name": "crm-worker-prod"}
    )
    perms = [_read_permission("prod", ["worker"], ["read"])]
    role = RoleProvider(FAST).create(
        {
            "api_url": API_URL,
            "project_slug": "careers-crm",
            "slug": "worker-prod",
            "name": "worker-prod",
            "description": "",
            "permissions": perms,
        }
    )
    assert fake.roles[role.id]["permissions"] == perms
    props = {
        "api_url": API_URL,
        "workspace_id": ws,
        "identity_id": ident.id,
        "roles": ["worker-prod"],
    }
    member = MembershipProvider(FAST).create(dict(props))
    fake.memberships[(ws, ident.id)]["roles"] = ["admin"]  # escalated by hand
    read = MembershipProvider(FAST).read(member.id, member.outs or {})
    assert read.outs["roles"] == ["admin"]
    MembershipProvider(FAST).update(member.id, read.outs, dict(props))
    assert fake.memberships[(ws, ident.id)]["roles"] == ["worker-prod"]


def test_secret_create_adopt_drift_and_delete(fake: FakeInfisical) -> None:
    ws = project(fake)["project_id"]
    provider = SecretProvider(FAST)
    props = {
        "api_url": API_URL,
        "workspace_id": ws,
        "environment": "prod",
        "path": "/api",
        "name": "METRICS_TOKEN",
        "value": "fake-metrics-one",
        "comment": "managed by Pulumi",
        "value_sha256": None,
    }
    created = provider.create(dict(props))
    assert created.outs is not None
    assert created.outs["value_sha256"] == sha256("fake-metrics-one")
    key = (ws, "prod", "/api", "METRICS_TOKEN")
    assert fake.secrets[key]["value"] == "fake-metrics-one"
    same = provider.read(created.id, created.outs)
    assert provider.diff(created.id, same.outs, {**props}).changes is False
    fake.put_secret(*key, "fake-changed-by-hand")
    drifted = provider.read(created.id, created.outs)
    assert drifted.outs["value"] == DRIFTED
    assert "fake-changed-by-hand" not in str(drifted.outs)
    provider.update(created.id, drifted.outs, dict(props))
    assert fake.secrets[key]["value"] == "fake-metrics-one"
    provider.delete(created.id, created.outs)
    assert key not in fake.secrets
    assert provider.read(created.id, created.outs).id is None
    # A secret made by hand under the same name is adopted, not duplicated.
    fake.put_secret(*key, "fake-made-by-hand")
    provider.create(dict(props))
    assert fake.secrets[key]["value"] == "fake-metrics-one"


def test_check_names_the_missing_input() -> None:
    failures = SecretProvider().check({}, {"api_url": API_URL, "workspace_id": "w"}).failures
    assert {f.property for f in failures} == {"environment", "path", "name", "value"}


def test_universal_auth_credentials_from_the_environment(
    fake: FakeInfisical, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = IdentityProvider(FAST).create(
        {"api_url": API_URL, "organization_id": ORG_ID, "name": "pulumi"}
    )
    client_id = fake.add_universal_auth_client(ident.id, "fake-pulumi-client-secret")
    fake.tokens.clear()
    monkeypatch.delenv(TOKEN_ENV)
    monkeypatch.setenv(CLIENT_ID_ENV, client_id)
    monkeypatch.setenv(CLIENT_SECRET_ENV, "fake-pulumi-client-secret")
    project(fake)
    assert fake.keys()[-3:] == [
        "POST /api/v1/auth/universal-auth/login",
        "GET /api/v2/workspace/{slug}",
        "POST /api/v2/workspace",
    ]
    monkeypatch.delenv(CLIENT_SECRET_ENV)
    with pytest.raises(ApiResponseError, match=CLIENT_SECRET_ENV):
        project(fake)


def test_failures_are_bounded_clear_and_secret_free(
    fake: FakeInfisical, caplog: pytest.LogCaptureFixture
) -> None:
    ws = project(fake)["project_id"]
    props = {
        "api_url": API_URL,
        "workspace_id": ws,
        "environment": "prod",
        "path": "/api",
        "name": "R2_SECRET_ACCESS_KEY",
        "value": "fake-r2-secret-value-xyz",
        "comment": "",
        "value_sha256": None,
    }
    fake.failures = [lambda r: httpx.Response(503)] * 2
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiUnavailableError, match="server error 503 after 2 attempts"):
        SecretProvider(FAST).create(dict(props))
    assert not [p for m, p, _ in fake.requests if m == "POST" and "/secrets/raw/" in p]
    fake.failures = [
        lambda r: httpx.Response(400, json={"message": "bad value fake-r2-secret-value-xyz"})
    ]
    fake.put_secret(ws, "prod", "/api", "R2_SECRET_ACCESS_KEY", "old")
    with pytest.raises(ApiResponseError) as refused:
        SecretProvider(FAST).create(dict(props))
    assert "fake-r2-secret-value-xyz" not in str(refused.value)
    fake.tokens.clear()
    with pytest.raises(ApiAuthError, match="INFISICAL_TOKEN"):
        SecretProvider(FAST).create(dict(props))
    assert "fake-r2-secret-value-xyz" not in caplog.text


def test_providers_pickle_without_credentials(fake: FakeInfisical) -> None:
    for cls in (ProjectProvider, SecretProvider, ClientSecretProvider, OidcAuthProvider):
        blob = dill.dumps(cls(FAST), recurse=True)
        assert fake.admin_token.encode() not in blob
    provider: ProjectProvider = dill.loads(dill.dumps(ProjectProvider(FAST), recurse=True))
    assert provider.create({"api_url": API_URL, "name": "Careers CRM", "slug": "careers-crm"}).id


def test_a_job_without_credentials_keeps_state_and_says_so(
    fake: FakeInfisical, monkeypatch: pytest.MonkeyPatch
) -> None:
    outs = project(fake)
    sent = len(fake.requests)
    monkeypatch.delenv(TOKEN_ENV)
    warnings: list[str] = []
    monkeypatch.setattr("pulumi.log.warn", lambda message, *a, **k: warnings.append(message))
    read = ProjectProvider(FAST).read(outs["project_id"], outs)
    assert read.id == outs["project_id"] and read.outs == outs
    assert len(fake.requests) == sent and "not refreshed" in warnings[0]
    with pytest.raises(ApiResponseError, match="no Infisical credentials"):
        ProjectProvider(FAST).update(outs["project_id"], outs, {**outs, "name": "x"})

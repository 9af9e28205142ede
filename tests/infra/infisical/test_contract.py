"""Every request the Infisical client can send is one the vendored contract allows, exactly;
and the validator itself rejects what the real API would not take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from infra.infisical import operations as ops
from infra.infisical.client import InfisicalClient, oidc_login, universal_auth_login
from infra.infisical.component import _read_permission
from tests.infra.infisical import contract
from tests.infra.infisical.conftest import API_URL
from tests.infra.infisical.fake_api import ORG_ID, FakeInfisical, fake_jwt


def _world(fake: FakeInfisical) -> dict[str, str]:
    """A project with a folder, an identity with both auth methods, a role and a secret."""
    with InfisicalClient(fake.admin_token, base_url=API_URL) as c:
        project = c.create_project("Careers CRM", "careers-crm")
        env = next(e for e in project["environments"] if e["slug"] == "prod")
        folder = c.create_folder(project["id"], "prod", "api")
        ident = c.create_identity("crm-api-prod", ORG_ID)
        ua = c.attach_universal_auth(
            ident["id"],
            {
                "accessTokenTTL": 3600,
                "accessTokenMaxTTL": 3600,
                "clientSecretTrustedIps": [{"ipAddress": "0.0.0.0/0"}],
            },
        )
        cs = c.create_client_secret(ident["id"], description="railway api", ttl=0)
        role = c.create_role(
            "careers-crm",
            {
                "slug": "api-read",
                "name": "api-read",
                "permissions": [_read_permission("prod", ["api"], ["read"])],
            },
        )
        c.create_membership(project["id"], ident["id"], ["api-read"])
        c.create_secret(project["id"], "prod", "/api", "METRICS_TOKEN", "fake-metrics-token", "")
        oidc_ident = c.create_identity("github-prod", ORG_ID)
        c.attach_oidc_auth(oidc_ident["id"], OIDC_FIELDS)
    return {
        "project": project["id"],
        "env": env["id"],
        "folder": folder["id"],
        "identity": ident["id"],
        "client_id": ua["clientId"],
        "client_secret": cs["clientSecret"],
        "cs_id": cs["clientSecretData"]["id"],
        "role": role["id"],
        "oidc": oidc_ident["id"],
    }


OIDC_FIELDS = {
    "oidcDiscoveryUrl": "https://token.actions.githubusercontent.com",
    "boundIssuer": "https://token.actions.githubusercontent.com",
    "boundAudiences": "https://github.com/careers-crm",
    "boundSubject": "repo:careers-crm/careers-crm-platform:environment:prod",
    "boundClaims": {"repository": "careers-crm/careers-crm-platform", "environment": "prod"},
    "accessTokenTTL": 900,
    "accessTokenMaxTTL": 900,
    "accessTokenNumUsesLimit": 0,
}

CALLS: dict[str, Callable[[InfisicalClient, dict[str, str]], Any]] = {
    "get_project": lambda c, w: c.get_project("careers-crm"),
    "update_project": lambda c, w: c.update_project("careers-crm", name="Careers CRM prod"),
    "get_workspace": lambda c, w: c.get_workspace(w["project"]),
    "create_environment": lambda c, w: c.create_environment(
        w["project"], name="Preview", slug="preview", position=2
    ),
    "get_environment": lambda c, w: c.get_environment(w["project"], w["env"]),
    "update_environment": lambda c, w: c.update_environment(
        w["project"], w["env"], {"name": "Prod", "position": 1}
    ),
    "list_folders": lambda c, w: c.list_folders(w["project"], "prod"),
    "get_folder": lambda c, w: c.get_folder(w["folder"]),
    "update_folder": lambda c, w: c.update_folder(w["folder"], w["project"], "prod", "api"),
    "get_identity": lambda c, w: c.get_identity(w["identity"]),
    "update_identity": lambda c, w: c.update_identity(w["identity"], name="crm-api"),
    "get_universal_auth": lambda c, w: c.get_universal_auth(w["identity"]),
    "update_universal_auth": lambda c, w: c.update_universal_auth(
        w["identity"], {"accessTokenTTL": 1800}
    ),
    "get_client_secret": lambda c, w: c.get_client_secret(w["identity"], w["cs_id"]),
    "get_oidc_auth": lambda c, w: c.get_oidc_auth(w["oidc"]),
    "update_oidc_auth": lambda c, w: c.update_oidc_auth(w["oidc"], OIDC_FIELDS),
    "get_role": lambda c, w: c.get_role("careers-crm", "api-read"),
    "update_role": lambda c, w: c.update_role("careers-crm", w["role"], {"name": "api readers"}),
    "get_membership": lambda c, w: c.get_membership(w["project"], w["identity"]),
    "update_membership": lambda c, w: c.update_membership(w["project"], w["identity"], ["viewer"]),
    "list_secrets": lambda c, w: c.list_secrets(w["project"], "prod", "/api"),
    "get_secret": lambda c, w: c.get_secret(w["project"], "prod", "/api", "METRICS_TOKEN"),
    "update_secret": lambda c, w: c.update_secret(
        w["project"], "prod", "/api", "METRICS_TOKEN", "fake-2"
    ),
    "delete_secret": lambda c, w: c.delete_secret(w["project"], "prod", "/api", "METRICS_TOKEN"),
    "revoke_client_secret": lambda c, w: c.revoke_client_secret(w["identity"], w["cs_id"]),
    "delete_membership": lambda c, w: c.delete_membership(w["project"], w["identity"]),
    "delete_role": lambda c, w: c.delete_role("careers-crm", w["role"]),
    "revoke_oidc_auth": lambda c, w: c.revoke_oidc_auth(w["oidc"]),
    "revoke_universal_auth": lambda c, w: c.revoke_universal_auth(w["identity"]),
    "delete_identity": lambda c, w: c.delete_identity(w["identity"]),
    "delete_folder": lambda c, w: c.delete_folder(w["folder"], w["project"], "prod"),
    "delete_environment": lambda c, w: c.delete_environment(w["project"], w["env"]),
    "delete_project": lambda c, w: c.delete_project("careers-crm"),
}


def test_every_public_client_method_is_exercised() -> None:
    public = {n for n in vars(InfisicalClient) if not n.startswith("_")}
    made_by_world = {
        "create_project",
        "create_folder",
        "create_identity",
        "attach_universal_auth",
        "create_client_secret",
        "create_role",
        "create_membership",
        "create_secret",
        "attach_oidc_auth",
    }
    assert public == set(CALLS) | made_by_world


def test_every_call_is_a_contract_operation_in_the_operations_list(fake: FakeInfisical) -> None:
    world = _world(fake)
    token = universal_auth_login(world["client_id"], world["client_secret"], base_url=API_URL)
    assert fake.tokens[token] == world["identity"]
    with InfisicalClient(fake.admin_token, base_url=API_URL) as client:
        for call in CALLS.values():  # insertion order: reads, updates, then deletes
            call(client, world)
    sent = set(fake.keys())
    declared = {f"{op.method} {op.path}" for op in ops.ALL}
    templated = {contract.find(op.method, _example(op.path)).key for op in ops.ALL}
    assert len(templated) == len(declared), "two operations map to one contract operation"
    assert sent <= templated
    missing = templated - sent - {"POST /api/v1/auth/oidc-auth/login"}
    assert not missing, f"declared but never sent in this test: {sorted(missing)}"


def _example(path: str) -> str:
    return path.format(
        **{
            k: "x1"
            for k in (
                "slug",
                "workspace_id",
                "env_id",
                "folder_id",
                "identity_id",
                "client_secret_id",
                "project_slug",
                "role_slug",
                "role_id",
                "secret_name",
            )
        }
    ).replace("/api/v2/workspace/x1", "/api/v2/workspace/slug1")


def test_oidc_login_checks_subject_and_environment_claims(fake: FakeInfisical) -> None:
    world = _world(fake)
    claims = {
        "iss": OIDC_FIELDS["boundIssuer"],
        "aud": "https://github.com/careers-crm",
        "sub": OIDC_FIELDS["boundSubject"],
        "repository": "careers-crm/careers-crm-platform",
        "environment": "prod",
    }
    token = oidc_login(world["oidc"], fake_jwt(claims), base_url=API_URL)
    assert fake.tokens[token] == world["oidc"]
    other_repo = {
        **claims,
        "repository": "someone/fork",
        "sub": "repo:someone/fork:environment:prod",
    }
    with pytest.raises(Exception, match="rejected"):
        oidc_login(world["oidc"], fake_jwt(other_repo), base_url=API_URL)
    preview = {
        **claims,
        "environment": "preview",
        "sub": "repo:careers-crm/careers-crm-platform:environment:preview",
    }
    with pytest.raises(Exception, match="rejected"):
        oidc_login(world["oidc"], fake_jwt(preview), base_url=API_URL)


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "why"),
    [
        (
            "POST",
            "/api/v1/folders",
            {},
            {"workspaceId": "w", "environment": "prod", "name": "api", "nmae": "x"},
            "nmae",
        ),
        ("POST", "/api/v1/folders", {}, {"workspaceId": "w", "name": "api"}, "environment"),
        (
            "GET",
            "/api/v3/secrets/raw",
            {"workspaceId": "w", "secretpath": "/api"},
            None,
            "secretpath",
        ),
        ("GET", "/api/v1/folders", {"workspaceId": "w"}, None, "environment"),
        ("PUT", "/api/v1/folders", {}, None, "not an operation"),
        ("POST", "/api/v2/workspace", {}, {"projectName": "x", "slug": "abc"}, "too short"),
        ("POST", "/api/v1/auth/universal-auth/identities/i", {}, {"accessTokenTTL": 0}, "minimum"),
        ("GET", "/api/v1/identities/i", {}, {"name": "x"}, "no request body"),
    ],
)
def test_the_validator_rejects_what_the_contract_does_not_allow(
    method: str, path: str, query: dict[str, str], body: Any, why: str
) -> None:
    with pytest.raises(contract.ContractViolation, match=why):
        contract.validate_request(method, path, query, body)


def test_the_fake_refuses_calls_without_a_token(fake: FakeInfisical) -> None:
    with httpx.Client(base_url=API_URL) as http:
        reply = http.get("/api/v1/identities/abc")
    assert reply.status_code == 401

"""Typed client for the Infisical API (Bearer machine-identity access token), on http_api.

Only operations from `infra.infisical.operations` can be sent; bodies carry only the fields a
caller passes. Secret values (secret bodies, client secrets the API returns) are registered
with the redactor before anything is sent or raised, so no log line or error can carry one.
"""

from __future__ import annotations

import dataclasses
import random
import re
import time
from collections.abc import Mapping
from typing import Any, Unpack

import httpx

from infra.http_api.client import BearerClient, ClientOptions
from infra.http_api.errors import ApiResponseError
from infra.http_api.transport import AuthHint, Exchange, Redactor, RetryPolicy, decode_json
from infra.infisical import operations as ops
from infra.infisical.operations import Operation

DEFAULT_API_URL = "https://app.infisical.com"
# The provider process reads its credentials from the environment, never from stack config:
# an OIDC-issued access token in CI, or universal-auth client id/secret on an operator machine
# (the names the Infisical CLI uses).
TOKEN_ENV = "INFISICAL_TOKEN"
CLIENT_ID_ENV = "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"
CLIENT_SECRET_ENV = "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"


@dataclasses.dataclass(frozen=True)
class EnvAuthHint(AuthHint):
    """Infisical credentials come from the environment, not Pulumi config: say so on 401/403."""

    def message(self, status: int) -> str:
        problem = "was rejected (401)" if status == 401 else "lacks permission (403)"
        return (
            f"the Infisical machine identity {problem}; check {TOKEN_ENV} (or "
            f"{CLIENT_ID_ENV}/{CLIENT_SECRET_ENV}) and that the identity may `{self.scope}`"
        )


_HINT = EnvAuthHint(TOKEN_ENV, "")
_PATH_PARAM = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")

JsonObject = dict[str, Any]


class InfisicalClient(BearerClient):
    """One client per provider call; providers never hold (or pickle) a client or token."""

    def __init__(
        self, token: str, *, base_url: str = DEFAULT_API_URL, **options: Unpack[ClientOptions]
    ) -> None:
        super().__init__(
            token,
            service="infisical",
            token_name="access token",
            token_placeholder="machine identity access token",
            auth_hint=_HINT,
            base_url=base_url,
            **options,
        )

    # -- project (workspace) ------------------------------------------------------------------
    def create_project(self, name: str, slug: str) -> JsonObject:
        reply = self._call(ops.CREATE_PROJECT, {}, {"projectName": name, "slug": slug})
        return _field(ops.CREATE_PROJECT, reply, "project")

    def get_project(self, slug: str) -> JsonObject:
        return self._call(ops.GET_PROJECT, {"slug": slug})

    def update_project(self, slug: str, *, name: str) -> JsonObject:
        return self._call(ops.UPDATE_PROJECT, {"slug": slug}, {"name": name})

    def delete_project(self, slug: str) -> JsonObject:
        return self._call(ops.DELETE_PROJECT, {"slug": slug})

    def get_workspace(self, workspace_id: str) -> JsonObject:
        reply = self._call(ops.GET_WORKSPACE, {"workspace_id": workspace_id})
        return _field(ops.GET_WORKSPACE, reply, "workspace")

    # -- environments -------------------------------------------------------------------------
    def create_environment(
        self, workspace_id: str, *, name: str, slug: str, position: int
    ) -> JsonObject:
        body = {"name": name, "slug": slug, "position": position}
        reply = self._call(ops.CREATE_ENVIRONMENT, {"workspace_id": workspace_id}, body)
        return _field(ops.CREATE_ENVIRONMENT, reply, "environment")

    def get_environment(self, workspace_id: str, env_id: str) -> JsonObject:
        params = {"workspace_id": workspace_id, "env_id": env_id}
        return _field(ops.GET_ENVIRONMENT, self._call(ops.GET_ENVIRONMENT, params), "environment")

    def update_environment(
        self, workspace_id: str, env_id: str, fields: Mapping[str, Any]
    ) -> JsonObject:
        params = {"workspace_id": workspace_id, "env_id": env_id}
        reply = self._call(ops.UPDATE_ENVIRONMENT, params, dict(fields))
        return _field(ops.UPDATE_ENVIRONMENT, reply, "environment")

    def delete_environment(self, workspace_id: str, env_id: str) -> None:
        self._call(ops.DELETE_ENVIRONMENT, {"workspace_id": workspace_id, "env_id": env_id})

    # -- folders ------------------------------------------------------------------------------
    def create_folder(self, workspace_id: str, environment: str, name: str) -> JsonObject:
        body = {"workspaceId": workspace_id, "environment": environment, "name": name, "path": "/"}
        return _field(ops.CREATE_FOLDER, self._call(ops.CREATE_FOLDER, {}, body), "folder")

    def list_folders(self, workspace_id: str, environment: str) -> list[JsonObject]:
        query = {"workspaceId": workspace_id, "environment": environment, "path": "/"}
        reply = self._call(ops.LIST_FOLDERS, {}, query=query)
        return _list(ops.LIST_FOLDERS, reply, "folders")

    def get_folder(self, folder_id: str) -> JsonObject:
        return _field(
            ops.GET_FOLDER, self._call(ops.GET_FOLDER, {"folder_id": folder_id}), "folder"
        )

    def update_folder(
        self, folder_id: str, workspace_id: str, environment: str, name: str
    ) -> JsonObject:
        body = {"workspaceId": workspace_id, "environment": environment, "name": name, "path": "/"}
        reply = self._call(ops.UPDATE_FOLDER, {"folder_id": folder_id}, body)
        return _field(ops.UPDATE_FOLDER, reply, "folder")

    def delete_folder(self, folder_id: str, workspace_id: str, environment: str) -> None:
        body = {"workspaceId": workspace_id, "environment": environment, "path": "/"}
        self._call(ops.DELETE_FOLDER, {"folder_id": folder_id}, body)

    # -- machine identities -------------------------------------------------------------------
    def create_identity(self, name: str, organization_id: str) -> JsonObject:
        # Organization role no-access: everything it may read comes from project memberships.
        body = {"name": name, "organizationId": organization_id, "role": "no-access"}
        return _field(ops.CREATE_IDENTITY, self._call(ops.CREATE_IDENTITY, {}, body), "identity")

    def get_identity(self, identity_id: str) -> JsonObject:
        reply = self._call(ops.GET_IDENTITY, {"identity_id": identity_id})
        return _field(ops.GET_IDENTITY, reply, "identity")

    def update_identity(self, identity_id: str, *, name: str) -> JsonObject:
        reply = self._call(ops.UPDATE_IDENTITY, {"identity_id": identity_id}, {"name": name})
        return _field(ops.UPDATE_IDENTITY, reply, "identity")

    def delete_identity(self, identity_id: str) -> None:
        self._call(ops.DELETE_IDENTITY, {"identity_id": identity_id})

    def attach_universal_auth(self, identity_id: str, fields: Mapping[str, Any]) -> JsonObject:
        reply = self._call(ops.ATTACH_UNIVERSAL_AUTH, {"identity_id": identity_id}, dict(fields))
        return _field(ops.ATTACH_UNIVERSAL_AUTH, reply, "identityUniversalAuth")

    def get_universal_auth(self, identity_id: str) -> JsonObject:
        reply = self._call(ops.GET_UNIVERSAL_AUTH, {"identity_id": identity_id})
        return _field(ops.GET_UNIVERSAL_AUTH, reply, "identityUniversalAuth")

    def update_universal_auth(self, identity_id: str, fields: Mapping[str, Any]) -> JsonObject:
        reply = self._call(ops.UPDATE_UNIVERSAL_AUTH, {"identity_id": identity_id}, dict(fields))
        return _field(ops.UPDATE_UNIVERSAL_AUTH, reply, "identityUniversalAuth")

    def revoke_universal_auth(self, identity_id: str) -> None:
        self._call(ops.REVOKE_UNIVERSAL_AUTH, {"identity_id": identity_id})

    def create_client_secret(self, identity_id: str, *, description: str, ttl: int) -> JsonObject:
        body = {"description": description, "ttl": ttl, "numUsesLimit": 0}
        reply = self._call(ops.CREATE_CLIENT_SECRET, {"identity_id": identity_id}, body)
        secret = reply.get("clientSecret")
        if isinstance(secret, str):
            self.redactor.add(secret)
        return reply

    def get_client_secret(self, identity_id: str, client_secret_id: str) -> JsonObject:
        params = {"identity_id": identity_id, "client_secret_id": client_secret_id}
        reply = self._call(ops.GET_CLIENT_SECRET, params)
        return _field(ops.GET_CLIENT_SECRET, reply, "clientSecretData")

    def revoke_client_secret(self, identity_id: str, client_secret_id: str) -> None:
        params = {"identity_id": identity_id, "client_secret_id": client_secret_id}
        self._call(ops.REVOKE_CLIENT_SECRET, params)

    def attach_oidc_auth(self, identity_id: str, fields: Mapping[str, Any]) -> JsonObject:
        reply = self._call(ops.ATTACH_OIDC_AUTH, {"identity_id": identity_id}, dict(fields))
        return _field(ops.ATTACH_OIDC_AUTH, reply, "identityOidcAuth")

    def get_oidc_auth(self, identity_id: str) -> JsonObject:
        reply = self._call(ops.GET_OIDC_AUTH, {"identity_id": identity_id})
        return _field(ops.GET_OIDC_AUTH, reply, "identityOidcAuth")

    def update_oidc_auth(self, identity_id: str, fields: Mapping[str, Any]) -> JsonObject:
        reply = self._call(ops.UPDATE_OIDC_AUTH, {"identity_id": identity_id}, dict(fields))
        return _field(ops.UPDATE_OIDC_AUTH, reply, "identityOidcAuth")

    def revoke_oidc_auth(self, identity_id: str) -> None:
        self._call(ops.REVOKE_OIDC_AUTH, {"identity_id": identity_id})

    # -- project roles and memberships --------------------------------------------------------
    def create_role(self, project_slug: str, fields: Mapping[str, Any]) -> JsonObject:
        reply = self._call(ops.CREATE_ROLE, {"project_slug": project_slug}, dict(fields))
        return _field(ops.CREATE_ROLE, reply, "role")

    def get_role(self, project_slug: str, role_slug: str) -> JsonObject:
        params = {"project_slug": project_slug, "role_slug": role_slug}
        return _field(ops.GET_ROLE, self._call(ops.GET_ROLE, params), "role")

    def update_role(self, project_slug: str, role_id: str, fields: Mapping[str, Any]) -> JsonObject:
        params = {"project_slug": project_slug, "role_id": role_id}
        return _field(ops.UPDATE_ROLE, self._call(ops.UPDATE_ROLE, params, dict(fields)), "role")

    def delete_role(self, project_slug: str, role_id: str) -> None:
        self._call(ops.DELETE_ROLE, {"project_slug": project_slug, "role_id": role_id})

    def create_membership(
        self, workspace_id: str, identity_id: str, roles: list[str]
    ) -> JsonObject:
        params = {"workspace_id": workspace_id, "identity_id": identity_id}
        body = {"roles": [{"role": r, "isTemporary": False} for r in roles]}
        reply = self._call(ops.CREATE_MEMBERSHIP, params, body)
        return _field(ops.CREATE_MEMBERSHIP, reply, "identityMembership")

    def get_membership(self, workspace_id: str, identity_id: str) -> JsonObject:
        params = {"workspace_id": workspace_id, "identity_id": identity_id}
        reply = self._call(ops.GET_MEMBERSHIP, params)
        return _field(ops.GET_MEMBERSHIP, reply, "identityMembership")

    def update_membership(self, workspace_id: str, identity_id: str, roles: list[str]) -> None:
        params = {"workspace_id": workspace_id, "identity_id": identity_id}
        body = {"roles": [{"role": r, "isTemporary": False} for r in roles]}
        self._call(ops.UPDATE_MEMBERSHIP, params, body)

    def delete_membership(self, workspace_id: str, identity_id: str) -> None:
        self._call(
            ops.DELETE_MEMBERSHIP, {"workspace_id": workspace_id, "identity_id": identity_id}
        )

    # -- secrets (raw: the server encrypts them at rest) --------------------------------------
    def list_secrets(self, workspace_id: str, environment: str, path: str) -> list[JsonObject]:
        query = {"workspaceId": workspace_id, "environment": environment, "secretPath": path}
        reply = self._call(ops.LIST_SECRETS, {}, query=query)
        secrets = list(_list(ops.LIST_SECRETS, reply, "secrets"))
        self.redactor.add_all(str(s.get("secretValue") or "") for s in secrets)
        return secrets

    def get_secret(self, workspace_id: str, environment: str, path: str, name: str) -> JsonObject:
        query = {"workspaceId": workspace_id, "environment": environment, "secretPath": path}
        reply = self._call(ops.GET_SECRET, {"secret_name": name}, query=query)
        secret = _field(ops.GET_SECRET, reply, "secret")
        self.redactor.add(str(secret.get("secretValue") or ""))
        return secret

    def create_secret(
        self, workspace_id: str, environment: str, path: str, name: str, value: str, comment: str
    ) -> JsonObject:
        self.redactor.add(value)
        body = {
            "workspaceId": workspace_id,
            "environment": environment,
            "secretPath": path,
            "secretValue": value,
            "secretComment": comment,
            "type": "shared",
        }
        reply = self._call(ops.CREATE_SECRET, {"secret_name": name}, body)
        return _field(ops.CREATE_SECRET, reply, "secret")

    def update_secret(
        self, workspace_id: str, environment: str, path: str, name: str, value: str
    ) -> JsonObject:
        self.redactor.add(value)
        body = {
            "workspaceId": workspace_id,
            "environment": environment,
            "secretPath": path,
            "secretValue": value,
            "type": "shared",
        }
        reply = self._call(ops.UPDATE_SECRET, {"secret_name": name}, body)
        return _field(ops.UPDATE_SECRET, reply, "secret")

    def delete_secret(self, workspace_id: str, environment: str, path: str, name: str) -> None:
        body = {
            "workspaceId": workspace_id,
            "environment": environment,
            "secretPath": path,
            "type": "shared",
        }
        self._call(ops.DELETE_SECRET, {"secret_name": name}, body)

    # -- plumbing -----------------------------------------------------------------------------
    def _call(
        self,
        op: Operation,
        params: Mapping[str, str],
        body: JsonObject | None = None,
        *,
        query: Mapping[str, str] | None = None,
    ) -> JsonObject:
        for key, value in params.items():
            if not _PATH_PARAM.match(value):
                raise ApiResponseError(
                    op.name, f"{key} {value!r} is not an Infisical id, slug or secret name"
                )
        request = self._http.build_request(
            op.method, op.path.format(**params), json=body, params=dict(query or {})
        )
        response = self._exchange.send(op.name, request, scope=op.scope, idempotent=op.idempotent)
        reply = decode_json(op.name, response)
        if not isinstance(reply, dict):
            raise ApiResponseError(op.name, "expected a JSON object in the reply")
        return reply


def _field(op: Operation, reply: JsonObject, name: str) -> JsonObject:
    value = reply.get(name)
    if not isinstance(value, dict):
        raise ApiResponseError(op.name, f"the reply has no `{name}` object")
    return value


def _list(op: Operation, reply: JsonObject, name: str) -> list[JsonObject]:
    value = reply.get(name)
    if not isinstance(value, list):
        raise ApiResponseError(op.name, f"the reply has no `{name}` list")
    return [item for item in value if isinstance(item, dict)]


def universal_auth_login(
    client_id: str,
    client_secret: str,
    *,
    base_url: str = DEFAULT_API_URL,
    **options: Unpack[ClientOptions],
) -> str:
    """Exchange a machine identity's client id/secret for a short-lived access token."""
    if not client_id or not client_secret:
        raise ApiResponseError(
            ops.UNIVERSAL_AUTH_LOGIN.name,
            f"no Infisical credentials: set {TOKEN_ENV}, or {CLIENT_ID_ENV} and "
            f"{CLIENT_SECRET_ENV} (the Pulumi machine identity, docs/runbooks.md)",
        )
    body = {"clientId": client_id, "clientSecret": client_secret}
    return _login(ops.UNIVERSAL_AUTH_LOGIN, body, [client_secret], base_url, options)


def oidc_login(
    identity_id: str, jwt: str, *, base_url: str = DEFAULT_API_URL, **options: Unpack[ClientOptions]
) -> str:
    """Exchange a CI job's OIDC token for an access token of the identity bound to that job."""
    body = {"identityId": identity_id, "jwt": jwt}
    return _login(ops.OIDC_AUTH_LOGIN, body, [jwt], base_url, options)


def _login(
    op: Operation,
    body: JsonObject,
    secrets: list[str],
    base_url: str,
    options: ClientOptions,
) -> str:
    policy = options.get("policy") or RetryPolicy()
    redactor = Redactor()
    redactor.add_all(secrets)
    with httpx.Client(
        base_url=base_url, timeout=policy.timeout_s, transport=options.get("transport")
    ) as http:
        exchange = Exchange(
            client=http,
            auth_hint=EnvAuthHint(CLIENT_SECRET_ENV, "log in"),
            redactor=redactor,
            policy=policy,
            sleep=options.get("sleep", time.sleep),
            rng=options.get("rng") or random.Random(),
        )
        request = http.build_request(op.method, op.path, json=body)
        reply = decode_json(op.name, exchange.send(op.name, request, scope=op.scope))
    token = reply.get("accessToken") if isinstance(reply, dict) else None
    if not isinstance(token, str) or not token:
        raise ApiResponseError(op.name, "the reply carries no accessToken")
    return token

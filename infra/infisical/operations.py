"""Every Infisical API operation our client may send: the single list the contract tests check.

Paths are those of the vendored contract (tests/contracts/infisical-api.openapi.json, upstream
commit 09d28156). `scope` names what the Pulumi machine identity needs for the operation, so
a 401/403 tells the operator which grant is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    scope: str
    idempotent: bool = True


UNIVERSAL_AUTH_LOGIN = Operation(
    "universal-auth-login", "POST", "/api/v1/auth/universal-auth/login", "universal auth", True
)
OIDC_AUTH_LOGIN = Operation("oidc-auth-login", "POST", "/api/v1/auth/oidc-auth/login", "oidc auth")

CREATE_PROJECT = Operation(
    "create-project", "POST", "/api/v2/workspace", "organization: create projects", False
)
GET_PROJECT = Operation("get-project", "GET", "/api/v2/workspace/{slug}", "project: read")
UPDATE_PROJECT = Operation("update-project", "PATCH", "/api/v2/workspace/{slug}", "project: edit")
DELETE_PROJECT = Operation(
    "delete-project", "DELETE", "/api/v2/workspace/{slug}", "project: delete"
)
GET_WORKSPACE = Operation(
    "get-workspace", "GET", "/api/v1/workspace/{workspace_id}", "project: read"
)

CREATE_ENVIRONMENT = Operation(
    "create-environment",
    "POST",
    "/api/v1/workspace/{workspace_id}/environments",
    "project: environments create",
    False,
)
GET_ENVIRONMENT = Operation(
    "get-environment",
    "GET",
    "/api/v1/workspace/{workspace_id}/environments/{env_id}",
    "project: environments read",
)
UPDATE_ENVIRONMENT = Operation(
    "update-environment",
    "PATCH",
    "/api/v1/workspace/{workspace_id}/environments/{env_id}",
    "project: environments edit",
)
DELETE_ENVIRONMENT = Operation(
    "delete-environment",
    "DELETE",
    "/api/v1/workspace/{workspace_id}/environments/{env_id}",
    "project: environments delete",
)

CREATE_FOLDER = Operation(
    "create-folder", "POST", "/api/v1/folders", "secret folders: create", False
)
LIST_FOLDERS = Operation("list-folders", "GET", "/api/v1/folders", "secret folders: read")
GET_FOLDER = Operation("get-folder", "GET", "/api/v1/folders/{folder_id}", "secret folders: read")
UPDATE_FOLDER = Operation(
    "update-folder", "PATCH", "/api/v1/folders/{folder_id}", "secret folders: edit"
)
DELETE_FOLDER = Operation(
    "delete-folder", "DELETE", "/api/v1/folders/{folder_id}", "secret folders: delete"
)

CREATE_IDENTITY = Operation(
    "create-identity", "POST", "/api/v1/identities", "organization: identities create", False
)
GET_IDENTITY = Operation(
    "get-identity", "GET", "/api/v1/identities/{identity_id}", "organization: identities read"
)
UPDATE_IDENTITY = Operation(
    "update-identity", "PATCH", "/api/v1/identities/{identity_id}", "organization: identities edit"
)
DELETE_IDENTITY = Operation(
    "delete-identity",
    "DELETE",
    "/api/v1/identities/{identity_id}",
    "organization: identities delete",
)

_UA = "/api/v1/auth/universal-auth/identities/{identity_id}"
ATTACH_UNIVERSAL_AUTH = Operation(
    "attach-universal-auth", "POST", _UA, "organization: identities edit", False
)
GET_UNIVERSAL_AUTH = Operation("get-universal-auth", "GET", _UA, "organization: identities read")
UPDATE_UNIVERSAL_AUTH = Operation(
    "update-universal-auth", "PATCH", _UA, "organization: identities edit"
)
REVOKE_UNIVERSAL_AUTH = Operation(
    "revoke-universal-auth", "DELETE", _UA, "organization: identities edit"
)
CREATE_CLIENT_SECRET = Operation(
    "create-client-secret",
    "POST",
    _UA + "/client-secrets",
    "organization: identities create client secrets",
    False,
)
GET_CLIENT_SECRET = Operation(
    "get-client-secret",
    "GET",
    _UA + "/client-secrets/{client_secret_id}",
    "organization: identities read client secrets",
)
REVOKE_CLIENT_SECRET = Operation(
    "revoke-client-secret",
    "POST",
    _UA + "/client-secrets/{client_secret_id}/revoke",
    "organization: identities delete client secrets",
)

_OIDC = "/api/v1/auth/oidc-auth/identities/{identity_id}"
ATTACH_OIDC_AUTH = Operation(
    "attach-oidc-auth", "POST", _OIDC, "organization: identities edit", False
)
GET_OIDC_AUTH = Operation("get-oidc-auth", "GET", _OIDC, "organization: identities read")
UPDATE_OIDC_AUTH = Operation("update-oidc-auth", "PATCH", _OIDC, "organization: identities edit")
REVOKE_OIDC_AUTH = Operation("revoke-oidc-auth", "DELETE", _OIDC, "organization: identities edit")

_ROLES = "/api/v1/workspace/{project_slug}/roles"
CREATE_ROLE = Operation("create-project-role", "POST", _ROLES, "project: roles create", False)
GET_ROLE = Operation("get-project-role", "GET", _ROLES + "/slug/{role_slug}", "project: roles read")
UPDATE_ROLE = Operation(
    "update-project-role", "PATCH", _ROLES + "/{role_id}", "project: roles edit"
)
DELETE_ROLE = Operation(
    "delete-project-role", "DELETE", _ROLES + "/{role_id}", "project: roles delete"
)

_MEMBERSHIP = "/api/v2/workspace/{workspace_id}/identity-memberships/{identity_id}"
CREATE_MEMBERSHIP = Operation(
    "create-identity-membership", "POST", _MEMBERSHIP, "project: identities create", False
)
GET_MEMBERSHIP = Operation(
    "get-identity-membership", "GET", _MEMBERSHIP, "project: identities read"
)
UPDATE_MEMBERSHIP = Operation(
    "update-identity-membership", "PATCH", _MEMBERSHIP, "project: identities edit"
)
DELETE_MEMBERSHIP = Operation(
    "delete-identity-membership", "DELETE", _MEMBERSHIP, "project: identities delete"
)

_SECRET = "/api/v3/secrets/raw/{secret_name}"
LIST_SECRETS = Operation("list-secrets", "GET", "/api/v3/secrets/raw", "secrets: read")
GET_SECRET = Operation("get-secret", "GET", _SECRET, "secrets: read")
CREATE_SECRET = Operation("create-secret", "POST", _SECRET, "secrets: create", False)
UPDATE_SECRET = Operation("update-secret", "PATCH", _SECRET, "secrets: edit")
DELETE_SECRET = Operation("delete-secret", "DELETE", _SECRET, "secrets: delete")

ALL = tuple(v for v in list(globals().values()) if isinstance(v, Operation))

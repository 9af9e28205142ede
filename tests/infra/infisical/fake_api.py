"""A stateful stand-in for the Infisical API endpoints we use, held to the vendored contract.

Every request is validated against the OpenAPI document (strict bodies, known query
parameters) before it is answered, every reply against the document's response schema.
Behaviour follows the server at that commit: a new project comes with dev/staging/prod
environments; secrets are addressed by (environment, path, name); logins hand out bearer
tokens that every other call must present; OIDC logins check the JWT's claims against the
identity's bound subject, audience and claims (signatures are the real server's business).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.infra.infisical import contract

ORG_ID = "0b9c6d1e-6a4f-4f0a-9d51-2f8f0c1a7e11"
NOW = "2026-11-30T12:00:00.000Z"
Reply = tuple[int, Any]
_CS = "/api/v1/auth/universal-auth/identities/{identityId}/client-secrets/{clientSecretId}"
_CS_GET = f"GET {_CS}"
_CS_REVOKE = f"POST {_CS}/revoke"


def fake_jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT-shaped token carrying `claims` (the fake reads claims only)."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


def _claims(jwt: str) -> dict[str, Any]:
    try:
        payload = jwt.split(".")[1]
        decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * 4))
        return decoded
    except (IndexError, ValueError):
        return {}


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class FakeInfisical:
    """Call it with an httpx.Request (respx side effect or httpx.MockTransport handler)."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    folders: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    identities: dict[str, dict[str, Any]] = field(default_factory=dict)
    universal_auth: dict[str, dict[str, Any]] = field(default_factory=dict)  # by identity
    client_secrets: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    oidc_auth: dict[str, dict[str, Any]] = field(default_factory=dict)  # by identity
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    memberships: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (project id, env slug, path, name) -> {"value", "version", "id"}
    secrets: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> identity id
    admin_token: str = "fake-infisical-admin-token"
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    failures: list[Callable[[httpx.Request], httpx.Response]] = field(default_factory=list)
    down: bool = False  # every request fails to connect, as during an outage

    def __post_init__(self) -> None:
        self.tokens[self.admin_token] = "admin"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content) if request.content else None
        query = dict(request.url.params)
        self.requests.append((request.method, request.url.path, body))
        op, params = contract.validate_request(request.method, request.url.path, query, body)
        if self.failures:
            return self.failures.pop(0)(request)
        if op.needs_token or op.key.startswith(("GET /api/v3", "GET /api/v2/workspace/{slug}")):
            auth = request.headers.get("authorization", "")
            if auth.removeprefix("Bearer ") not in self.tokens:
                return httpx.Response(401, json={"message": "Token missing or invalid"})
        status, reply = self._answer(op.key, params, query, body or {})
        if status == 200:
            contract.validate_response(op, status, reply)
        return httpx.Response(status, json=reply)

    # -- helpers for tests --------------------------------------------------------------------
    def keys(self) -> list[str]:
        return [contract.find(m, p).key for m, p, _ in self.requests]

    def project_by_slug(self, slug: str) -> dict[str, Any] | None:
        return next((p for p in self.projects.values() if p["slug"] == slug), None)

    def put_secret(self, project_id: str, env: str, path: str, name: str, value: str) -> None:
        key = (project_id, env, path, name)
        old = self.secrets.get(key)
        version = old["version"] + 1 if old else 1
        self.secrets[key] = {"value": value, "version": version, "id": old["id"] if old else _id()}

    def add_universal_auth_client(self, identity_id: str, client_secret: str) -> str:
        """A client id/secret pair for `identity_id`, as the dashboard would create it."""
        ua = self.universal_auth.setdefault(identity_id, self._ua_record(identity_id, {}))
        self.client_secrets[_id()] = {
            "secret": client_secret,
            "identity": identity_id,
            "revoked": False,
        }
        return str(ua["clientId"])

    # -- answers ------------------------------------------------------------------------------
    def _answer(self, key: str, p: dict[str, str], q: dict[str, str], b: dict[str, Any]) -> Reply:
        match key:
            case "POST /api/v1/auth/universal-auth/login":
                return self._ua_login(b)
            case "POST /api/v1/auth/oidc-auth/login":
                return self._oidc_login(b)
            case "POST /api/v2/workspace":
                return self._create_project(b)
            case "GET /api/v2/workspace/{slug}":
                project = self.project_by_slug(p["slug"])
                return (200, self._project_view(project)) if project else _missing("project")
            case "PATCH /api/v2/workspace/{slug}":
                project = self.project_by_slug(p["slug"])
                if project is None:
                    return _missing("project")
                project.update({k: v for k, v in b.items() if k == "name"})
                view = self._project_view(project)
                return 200, {k: v for k, v in view.items() if k not in ("_id", "environments")}
            case "DELETE /api/v2/workspace/{slug}":
                project = self.project_by_slug(p["slug"])
                if project is None:
                    return _missing("project")
                del self.projects[project["id"]]
                view = self._project_view(project)
                return 200, {k: v for k, v in view.items() if k not in ("_id", "environments")}
            case "GET /api/v1/workspace/{workspaceId}":
                project = self.projects.get(p["workspaceId"])
                return (
                    (200, {"workspace": self._project_view(project)})
                    if project
                    else _missing("project")
                )
            case "POST /api/v1/workspace/{workspaceId}/environments":
                return self._create_env(p["workspaceId"], b)
            case "GET /api/v1/workspace/{workspaceId}/environments/{envId}":
                env = self.environments.get(p["envId"])
                return (200, {"environment": env}) if env else _missing("environment")
            case "PATCH /api/v1/workspace/{workspaceId}/environments/{id}":
                env = self.environments.get(p["id"])
                if env is None:
                    return _missing("environment")
                env.update(b)
                return 200, self._env_reply(env)
            case "DELETE /api/v1/workspace/{workspaceId}/environments/{id}":
                env = self.environments.pop(p["id"], None)
                return (200, self._env_reply(env)) if env else _missing("environment")
            case "POST /api/v1/folders":
                return self._create_folder(b)
            case "GET /api/v1/folders":
                env = self._env_by_slug(q["workspaceId"], q["environment"])
                folders = [f for f in self.folders.values() if env and f["envId"] == env["id"]]
                return 200, {"folders": [_folder_view(f) for f in folders]}
            case "GET /api/v1/folders/{id}":
                return self._folder_detail(p["id"])
            case "PATCH /api/v1/folders/{folderId}":
                folder = self.folders.get(p["folderId"])
                if folder is None:
                    return _missing("folder")
                folder["name"] = b["name"]
                return 200, {"folder": _folder_view(folder)}
            case "DELETE /api/v1/folders/{folderIdOrName}":
                folder = self.folders.pop(p["folderIdOrName"], None)
                return (200, {"folder": _folder_view(folder)}) if folder else _missing("folder")
            case "POST /api/v1/identities":
                ident = {
                    "id": _id(),
                    "name": b["name"],
                    "authMethod": None,
                    "role": b.get("role", "no-access"),
                }
                self.identities[ident["id"]] = ident
                return 200, {"identity": self._identity_view(ident)}
            case "GET /api/v1/identities/{identityId}":
                return self._identity_detail(p["identityId"])
            case "PATCH /api/v1/identities/{identityId}":
                ident = self.identities.get(p["identityId"])
                if ident is None:
                    return _missing("identity")
                ident.update({k: v for k, v in b.items() if k in ("name", "role")})
                return 200, {"identity": self._identity_view(ident)}
            case "DELETE /api/v1/identities/{identityId}":
                ident = self.identities.pop(p["identityId"], None)
                self.universal_auth.pop(p["identityId"], None)
                self.oidc_auth.pop(p["identityId"], None)
                return (
                    (200, {"identity": self._identity_view(ident)})
                    if ident
                    else _missing("identity")
                )
            case "POST /api/v1/auth/universal-auth/identities/{identityId}":
                if p["identityId"] not in self.identities:
                    return _missing("identity")
                if p["identityId"] in self.universal_auth:
                    return 400, {
                        "message": "Failed to add universal auth to already configured identity"
                    }
                record = self._ua_record(p["identityId"], b)
                self.universal_auth[p["identityId"]] = record
                self.identities[p["identityId"]]["authMethod"] = "universal-auth"
                return 200, {"identityUniversalAuth": record}
            case "GET /api/v1/auth/universal-auth/identities/{identityId}":
                ua = self.universal_auth.get(p["identityId"])
                return (200, {"identityUniversalAuth": ua}) if ua else _missing("universal auth")
            case "PATCH /api/v1/auth/universal-auth/identities/{identityId}":
                ua = self.universal_auth.get(p["identityId"])
                if ua is None:
                    return _missing("universal auth")
                ua.update(b)
                return 200, {"identityUniversalAuth": ua}
            case "DELETE /api/v1/auth/universal-auth/identities/{identityId}":
                ua = self.universal_auth.pop(p["identityId"], None)
                return (200, {"identityUniversalAuth": ua}) if ua else _missing("universal auth")
            case "POST /api/v1/auth/universal-auth/identities/{identityId}/client-secrets":
                return self._create_client_secret(p["identityId"], b)
            case _ if key == _CS_GET:
                cs = self.client_secrets.get(p["clientSecretId"])
                if cs is None:
                    return _missing("client secret")
                return 200, {"clientSecretData": self._client_secret_view(p["clientSecretId"], cs)}
            case _ if key == _CS_REVOKE:
                cs = self.client_secrets.get(p["clientSecretId"])
                if cs is None:
                    return _missing("client secret")
                cs["revoked"] = True
                return 200, {"clientSecretData": self._client_secret_view(p["clientSecretId"], cs)}
            case "POST /api/v1/auth/oidc-auth/identities/{identityId}":
                if p["identityId"] not in self.identities:
                    return _missing("identity")
                record = self._oidc_record(p["identityId"], b)
                self.oidc_auth[p["identityId"]] = record
                self.identities[p["identityId"]]["authMethod"] = "oidc-auth"
                return 200, {"identityOidcAuth": record}
            case "GET /api/v1/auth/oidc-auth/identities/{identityId}":
                oidc = self.oidc_auth.get(p["identityId"])
                return (200, {"identityOidcAuth": oidc}) if oidc else _missing("oidc auth")
            case "PATCH /api/v1/auth/oidc-auth/identities/{identityId}":
                oidc = self.oidc_auth.get(p["identityId"])
                if oidc is None:
                    return _missing("oidc auth")
                oidc.update(b)
                return 200, {"identityOidcAuth": oidc}
            case "DELETE /api/v1/auth/oidc-auth/identities/{identityId}":
                oidc = self.oidc_auth.pop(p["identityId"], None)
                if oidc is None:
                    return _missing("oidc auth")
                return 200, {"identityOidcAuth": {k: v for k, v in oidc.items() if k != "caCert"}}
            case "POST /api/v1/workspace/{projectSlug}/roles":
                project = self.project_by_slug(p["projectSlug"])
                if project is None:
                    return _missing("project")
                role = {
                    "id": _id(),
                    "projectId": project["id"],
                    "description": b.get("description"),
                    "slug": b["slug"],
                    "name": b["name"],
                    "permissions": b.get("permissions", []),
                    "createdAt": NOW,
                    "updatedAt": NOW,
                }
                self.roles[role["id"]] = role
                return 200, {"role": role}
            case "GET /api/v1/workspace/{projectSlug}/roles/slug/{slug}":
                role = next((r for r in self.roles.values() if r["slug"] == p["slug"]), None)
                return (200, {"role": role}) if role else _missing("role")
            case "PATCH /api/v1/workspace/{projectSlug}/roles/{roleId}":
                role = self.roles.get(p["roleId"])
                if role is None:
                    return _missing("role")
                role.update(b)
                return 200, {"role": role}
            case "DELETE /api/v1/workspace/{projectSlug}/roles/{roleId}":
                role = self.roles.pop(p["roleId"], None)
                return (200, {"role": role}) if role else _missing("role")
            case "POST /api/v2/workspace/{projectId}/identity-memberships/{identityId}":
                return self._create_membership(p["projectId"], p["identityId"], b)
            case "GET /api/v2/workspace/{projectId}/identity-memberships/{identityId}":
                return self._membership_detail(p["projectId"], p["identityId"])
            case "PATCH /api/v2/workspace/{projectId}/identity-memberships/{identityId}":
                m = self.memberships.get((p["projectId"], p["identityId"]))
                if m is None:
                    return _missing("membership")
                m["roles"] = [r["role"] for r in b["roles"]]
                return 200, {
                    "roles": [
                        {
                            "id": _id(),
                            "role": r,
                            "projectMembershipId": m["id"],
                            "createdAt": NOW,
                            "updatedAt": NOW,
                        }
                        for r in m["roles"]
                    ]
                }
            case "DELETE /api/v2/workspace/{projectId}/identity-memberships/{identityId}":
                m = self.memberships.pop((p["projectId"], p["identityId"]), None)
                return (
                    (200, {"identityMembership": _membership_view(m)})
                    if m
                    else _missing("membership")
                )
            case "GET /api/v3/secrets/raw":
                path = q.get("secretPath", "/")
                found = [
                    self._secret_view(k, v) | {"secretPath": path}
                    for k, v in self.secrets.items()
                    if k[0] == q.get("workspaceId")
                    and k[1] == q.get("environment")
                    and k[2] == path
                ]
                return 200, {"secrets": found, "imports": []}
            case "GET /api/v3/secrets/raw/{secretName}":
                k = (
                    q.get("workspaceId", ""),
                    q.get("environment", ""),
                    q.get("secretPath", "/"),
                    p["secretName"],
                )
                s = self.secrets.get(k)
                return (200, {"secret": self._secret_view(k, s)}) if s else _missing("secret")
            case "POST /api/v3/secrets/raw/{secretName}":
                k = (b["workspaceId"], b["environment"], b.get("secretPath", "/"), p["secretName"])
                if k in self.secrets:
                    return 400, {"message": "Secret already exist"}
                self.put_secret(*k, b["secretValue"])
                return 200, {"secret": self._secret_view(k, self.secrets[k])}
            case "PATCH /api/v3/secrets/raw/{secretName}":
                k = (b["workspaceId"], b["environment"], b.get("secretPath", "/"), p["secretName"])
                if k not in self.secrets:
                    return _missing("secret")
                self.put_secret(*k, b["secretValue"])
                return 200, {"secret": self._secret_view(k, self.secrets[k])}
            case "DELETE /api/v3/secrets/raw/{secretName}":
                k = (b["workspaceId"], b["environment"], b.get("secretPath", "/"), p["secretName"])
                s = self.secrets.pop(k, None)
                return (200, {"secret": self._secret_view(k, s)}) if s else _missing("secret")
        raise contract.ContractViolation(f"the fake does not answer {key}")

    # -- logins -------------------------------------------------------------------------------
    def _issue(self, identity_id: str) -> Reply:
        token = f"fake-access-token-{uuid.uuid4().hex}"
        self.tokens[token] = identity_id
        return 200, {
            "accessToken": token,
            "expiresIn": 7200,
            "accessTokenMaxTTL": 7200,
            "tokenType": "Bearer",
        }

    def _ua_login(self, b: dict[str, Any]) -> Reply:
        ident = next(
            (i for i, ua in self.universal_auth.items() if ua["clientId"] == b["clientId"]), None
        )
        ok = ident is not None and any(
            cs["identity"] == ident and cs["secret"] == b["clientSecret"] and not cs["revoked"]
            for cs in self.client_secrets.values()
        )
        if not ok or ident is None:
            return 401, {"message": "Invalid credentials"}
        return self._issue(ident)

    def _oidc_login(self, b: dict[str, Any]) -> Reply:
        oidc = self.oidc_auth.get(b["identityId"])
        claims = _claims(b["jwt"])
        if oidc is None or claims.get("iss") != oidc["boundIssuer"]:
            return 401, {"message": "Access denied: OIDC issuer not allowed"}
        if oidc["boundSubject"] and claims.get("sub") != oidc["boundSubject"]:
            return 401, {"message": "Access denied: OIDC subject not allowed"}
        audiences = [a.strip() for a in oidc["boundAudiences"].split(",") if a.strip()]
        if audiences and claims.get("aud") not in audiences:
            return 401, {"message": "Access denied: OIDC audience not allowed"}
        for name, wanted in (oidc.get("boundClaims") or {}).items():
            if str(claims.get(name)) not in [w.strip() for w in str(wanted).split(",")]:
                return 401, {"message": f"Access denied: OIDC claim not allowed for {name}"}
        return self._issue(b["identityId"])

    # -- projects, environments, folders ------------------------------------------------------
    def _create_project(self, b: dict[str, Any]) -> Reply:
        slug = b.get("slug") or b["projectName"].lower().replace(" ", "-")
        if self.project_by_slug(slug):
            return 400, {"message": "Project with this slug already exists"}
        project = {"id": _id(), "name": b["projectName"], "slug": slug}
        self.projects[project["id"]] = project
        for position, (name, env_slug) in enumerate(
            (("Development", "dev"), ("Staging", "staging"), ("Production", "prod")), start=1
        ):
            env = {
                "id": _id(),
                "name": name,
                "slug": env_slug,
                "position": position,
                "projectId": project["id"],
                "createdAt": NOW,
                "updatedAt": NOW,
            }
            self.environments[env["id"]] = env
        return 200, {"project": self._project_view(project)}

    def _project_view(self, project: dict[str, Any]) -> dict[str, Any]:
        envs = [e for e in self.environments.values() if e["projectId"] == project["id"]]
        return {
            "id": project["id"],
            "_id": project["id"],
            "name": project["name"],
            "slug": project["slug"],
            "orgId": ORG_ID,
            "createdAt": NOW,
            "updatedAt": NOW,
            "version": 3,
            "autoCapitalization": False,
            "environments": [{"name": e["name"], "slug": e["slug"], "id": e["id"]} for e in envs],
        }

    def _env_by_slug(self, project_id: str, slug: str) -> dict[str, Any] | None:
        return next(
            (
                e
                for e in self.environments.values()
                if e["projectId"] == project_id and e["slug"] == slug
            ),
            None,
        )

    def _create_env(self, project_id: str, b: dict[str, Any]) -> Reply:
        if project_id not in self.projects:
            return _missing("project")
        if self._env_by_slug(project_id, b["slug"]):
            return 400, {"message": "Environment with slug already exists"}
        env = {
            "id": _id(),
            "name": b["name"],
            "slug": b["slug"],
            "position": b.get("position", 1),
            "projectId": project_id,
            "createdAt": NOW,
            "updatedAt": NOW,
        }
        self.environments[env["id"]] = env
        return 200, self._env_reply(env)

    @staticmethod
    def _env_reply(env: dict[str, Any]) -> dict[str, Any]:
        return {"message": "ok", "workspace": env["projectId"], "environment": env}

    def _create_folder(self, b: dict[str, Any]) -> Reply:
        env = self._env_by_slug(b["workspaceId"], b["environment"])
        if env is None:
            return _missing("environment")
        if any(f["envId"] == env["id"] and f["name"] == b["name"] for f in self.folders.values()):
            return 400, {"message": "Folder already exists"}
        folder = {"id": _id(), "name": b["name"], "envId": env["id"], "projectId": b["workspaceId"]}
        self.folders[folder["id"]] = folder
        return 200, {"folder": _folder_view(folder)}

    def _folder_detail(self, folder_id: str) -> Reply:
        folder = self.folders.get(folder_id)
        if folder is None:
            return _missing("folder")
        env = self.environments[folder["envId"]]
        return 200, {
            "folder": _folder_view(folder)
            | {
                "environment": {"envId": env["id"], "envName": env["name"], "envSlug": env["slug"]},
                "path": f"/{folder['name']}",
                "projectId": folder["projectId"],
            }
        }

    # -- identities ---------------------------------------------------------------------------
    @staticmethod
    def _identity_view(ident: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": ident["id"],
            "name": ident["name"],
            "authMethod": ident["authMethod"],
            "createdAt": NOW,
            "updatedAt": NOW,
        }

    def _identity_detail(self, identity_id: str) -> Reply:
        ident = self.identities.get(identity_id)
        if ident is None:
            return _missing("identity")
        return 200, {
            "identity": {
                "id": _id(),
                "role": ident["role"],
                "orgId": ORG_ID,
                "createdAt": NOW,
                "updatedAt": NOW,
                "identityId": ident["id"],
                "identity": {
                    "name": ident["name"],
                    "id": ident["id"],
                    "authMethod": ident["authMethod"],
                },
            }
        }

    @staticmethod
    def _ua_record(identity_id: str, b: dict[str, Any]) -> dict[str, Any]:
        anywhere = [{"ipAddress": "0.0.0.0/0"}, {"ipAddress": "::/0"}]
        return {
            "id": _id(),
            "clientId": str(uuid.uuid4()),
            "identityId": identity_id,
            "accessTokenTTL": b.get("accessTokenTTL", 2592000),
            "accessTokenMaxTTL": b.get("accessTokenMaxTTL", 2592000),
            "accessTokenNumUsesLimit": b.get("accessTokenNumUsesLimit", 0),
            "clientSecretTrustedIps": b.get("clientSecretTrustedIps", anywhere),
            "accessTokenTrustedIps": b.get("accessTokenTrustedIps", anywhere),
            "createdAt": NOW,
            "updatedAt": NOW,
        }

    @staticmethod
    def _oidc_record(identity_id: str, b: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _id(),
            "identityId": identity_id,
            "oidcDiscoveryUrl": b["oidcDiscoveryUrl"],
            "boundIssuer": b["boundIssuer"],
            "boundAudiences": b.get("boundAudiences", ""),
            "boundClaims": b["boundClaims"],
            "boundSubject": b.get("boundSubject", ""),
            "caCert": b.get("caCert", ""),
            "accessTokenTTL": b.get("accessTokenTTL", 2592000),
            "accessTokenMaxTTL": b.get("accessTokenMaxTTL", 2592000),
            "accessTokenNumUsesLimit": b.get("accessTokenNumUsesLimit", 0),
            "accessTokenTrustedIps": b.get("accessTokenTrustedIps", [{"ipAddress": "0.0.0.0/0"}]),
            "createdAt": NOW,
            "updatedAt": NOW,
        }

    def _create_client_secret(self, identity_id: str, b: dict[str, Any]) -> Reply:
        if identity_id not in self.universal_auth:
            return _missing("universal auth")
        secret = f"fake-client-secret-{uuid.uuid4().hex}"
        cs_id = _id()
        self.client_secrets[cs_id] = {
            "secret": secret,
            "identity": identity_id,
            "revoked": False,
            "description": b.get("description", ""),
            "ttl": b.get("ttl", 0),
        }
        return 200, {
            "clientSecret": secret,
            "clientSecretData": self._client_secret_view(cs_id, self.client_secrets[cs_id]),
        }

    def _client_secret_view(self, cs_id: str, cs: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": cs_id,
            "createdAt": NOW,
            "updatedAt": NOW,
            "description": cs.get("description", ""),
            "clientSecretPrefix": cs["secret"][:4],
            "clientSecretTTL": cs.get("ttl", 0),
            "identityUAId": self.universal_auth[cs["identity"]]["id"],
            "isClientSecretRevoked": cs["revoked"],
        }

    def _create_membership(self, project_id: str, identity_id: str, b: dict[str, Any]) -> Reply:
        if project_id not in self.projects or identity_id not in self.identities:
            return _missing("project or identity")
        if (project_id, identity_id) in self.memberships:
            return 400, {"message": "Identity membership already exists"}
        roles = [r["role"] for r in b.get("roles", [])] or [b.get("role", "no-access")]
        m = {"id": _id(), "projectId": project_id, "identityId": identity_id, "roles": roles}
        self.memberships[(project_id, identity_id)] = m
        return 200, {"identityMembership": _membership_view(m)}

    def _membership_detail(self, project_id: str, identity_id: str) -> Reply:
        m = self.memberships.get((project_id, identity_id))
        if m is None:
            return _missing("membership")
        ident = self.identities[identity_id]
        return 200, {
            "identityMembership": {
                "id": m["id"],
                "identityId": identity_id,
                "createdAt": NOW,
                "updatedAt": NOW,
                "roles": [{"id": _id(), "role": r, "isTemporary": False} for r in m["roles"]],
                "identity": {
                    "name": ident["name"],
                    "id": identity_id,
                    "authMethod": ident["authMethod"],
                },
                "project": {"name": self.projects[project_id]["name"], "id": project_id},
            }
        }

    @staticmethod
    def _secret_view(k: tuple[str, str, str, str], s: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": s["id"],
            "_id": s["id"],
            "workspace": k[0],
            "environment": k[1],
            "version": s["version"],
            "type": "shared",
            "secretKey": k[3],
            "secretValue": s["value"],
            "secretComment": "",
            "createdAt": NOW,
            "updatedAt": NOW,
        }


def _folder_view(folder: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": folder["id"],
        "name": folder["name"],
        "envId": folder["envId"],
        "version": 1,
        "createdAt": NOW,
        "updatedAt": NOW,
        "parentId": None,
        "isReserved": False,
    }


def _membership_view(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": m["id"],
        "projectId": m["projectId"],
        "identityId": m["identityId"],
        "createdAt": NOW,
        "updatedAt": NOW,
    }


def _missing(what: str) -> Reply:
    return 404, {"message": f"{what} not found"}

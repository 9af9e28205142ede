"""The Infisical objects Pulumi owns, one provider per kind, on the InfisicalProvider skeleton."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import DiffResult

from infra.http_api.errors import ApiNotFoundError
from infra.infisical.client import InfisicalClient, JsonObject
from infra.infisical.provider import DRIFTED, InfisicalProvider, sha256, whole

WORKSPACE_ID = "workspace_id"
IDENTITY_ID = "identity_id"


class ProjectProvider(InfisicalProvider):
    """The project (the API calls it a workspace); `project_id` is what everything else uses."""

    kind = "project"
    required = ("name", "slug")
    replace_on = ("slug",)
    computed = ("project_id",)

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        slug = str(props["slug"])
        try:
            project = client.get_project(slug)
            if project["name"] != props["name"]:
                client.update_project(slug, name=str(props["name"]))
        except ApiNotFoundError:
            project = client.create_project(str(props["name"]), slug)
        return str(project["id"]), {"project_id": str(project["id"])}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        project = client.get_project(str(props["slug"]))
        return {"name": project["name"], "slug": project["slug"], "project_id": project["id"]}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        client.update_project(str(news["slug"]), name=str(news["name"]))
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_project(str(props["slug"]))


class EnvironmentProvider(InfisicalProvider):
    kind = "environment"
    required = (WORKSPACE_ID, "name", "slug", "position")
    replace_on = (WORKSPACE_ID, "slug")

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        workspace = str(props[WORKSPACE_ID])
        existing = next(
            (
                e
                for e in client.get_workspace(workspace)["environments"]
                if e["slug"] == props["slug"]
            ),
            None,
        )
        name, position = str(props["name"]), whole(props["position"])
        if existing is not None:  # a new project already has dev, staging and prod
            fields = {"name": name, "position": position}
            client.update_environment(workspace, str(existing["id"]), fields)
            return str(existing["id"]), {}
        env = client.create_environment(
            workspace, name=name, slug=str(props["slug"]), position=position
        )
        return str(env["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        env = client.get_environment(str(props[WORKSPACE_ID]), id_)
        return {"name": env["name"], "slug": env["slug"], "position": env["position"]}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        fields = {"name": str(news["name"]), "position": whole(news["position"])}
        client.update_environment(str(news[WORKSPACE_ID]), id_, fields)
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_environment(str(props[WORKSPACE_ID]), id_)


class FolderProvider(InfisicalProvider):
    """A top-level folder per consumer (/api, /worker, /web, /ci) in one environment."""

    kind = "folder"
    required = (WORKSPACE_ID, "environment", "name")
    replace_on = (WORKSPACE_ID, "environment", "name")

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        workspace, env, name = (
            str(props[WORKSPACE_ID]),
            str(props["environment"]),
            str(props["name"]),
        )
        existing = next((f for f in client.list_folders(workspace, env) if f["name"] == name), None)
        folder = existing or client.create_folder(workspace, env, name)
        return str(folder["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        folder = client.get_folder(id_)
        return {"name": folder["name"], "environment": folder["environment"]["envSlug"]}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        return {}  # every field replaces

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_folder(id_, str(props[WORKSPACE_ID]), str(props["environment"]))


class IdentityProvider(InfisicalProvider):
    """A machine identity with no organization role: access comes from project memberships."""

    kind = "machine identity"
    required = ("organization_id", "name")
    replace_on = ("organization_id",)

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        ident = client.create_identity(str(props["name"]), str(props["organization_id"]))
        return str(ident["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        return {"name": client.get_identity(id_)["identity"]["name"]}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        client.update_identity(id_, name=str(news["name"]))
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_identity(id_)


def _ips(cidrs: Any) -> list[dict[str, str]]:
    return [{"ipAddress": str(c)} for c in cidrs]


def _cidrs(ips: Any) -> list[str]:
    return [str(i.get("ipAddress")) for i in ips or [] if isinstance(i, dict)]


class UniversalAuthProvider(InfisicalProvider):
    """Universal auth on an identity: short access tokens, used by the API and the worker."""

    kind = "universal auth"
    required = (IDENTITY_ID, "access_token_ttl", "access_token_max_ttl", "trusted_ips")
    replace_on = (IDENTITY_ID,)
    computed = ("client_id",)

    @staticmethod
    def _fields(props: dict[str, Any]) -> JsonObject:
        return {
            "accessTokenTTL": whole(props["access_token_ttl"]),
            "accessTokenMaxTTL": whole(props["access_token_max_ttl"]),
            "accessTokenNumUsesLimit": 0,
            "clientSecretTrustedIps": _ips(props["trusted_ips"]),
            "accessTokenTrustedIps": _ips(props["trusted_ips"]),
        }

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        ua = client.attach_universal_auth(str(props[IDENTITY_ID]), self._fields(props))
        return str(ua["id"]), {"client_id": str(ua["clientId"])}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        ua = client.get_universal_auth(str(props[IDENTITY_ID]))
        return {
            "access_token_ttl": ua.get("accessTokenTTL"),
            "access_token_max_ttl": ua.get("accessTokenMaxTTL"),
            "trusted_ips": _cidrs(ua.get("clientSecretTrustedIps")),
            "client_id": ua["clientId"],
        }

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        client.update_universal_auth(str(news[IDENTITY_ID]), self._fields(news))
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.revoke_universal_auth(str(props[IDENTITY_ID]))


class ClientSecretProvider(InfisicalProvider):
    """A universal-auth client secret: the bootstrap credential Railway holds. Replace it
    (`pulumi up --replace <urn>`) to rotate; the old one is revoked after the new one exists."""

    kind = "client secret"
    required = (IDENTITY_ID, "description")
    replace_on = (IDENTITY_ID, "description", "ttl")
    computed = ("client_secret", "client_secret_id")

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        reply = client.create_client_secret(
            str(props[IDENTITY_ID]),
            description=str(props["description"]),
            ttl=whole(props.get("ttl", 0)),
        )
        cs_id = str(reply["clientSecretData"]["id"])
        return cs_id, {"client_secret": str(reply["clientSecret"]), "client_secret_id": cs_id}

    def do_read(
        self, client: InfisicalClient, id_: str, props: dict[str, Any]
    ) -> JsonObject | None:
        data = client.get_client_secret(str(props[IDENTITY_ID]), id_)
        return None if data.get("isClientSecretRevoked") else {}

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = super().diff(id_, olds, news)
        result.delete_before_replace = False  # the new secret exists before the old is revoked
        return result

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.revoke_client_secret(str(props[IDENTITY_ID]), id_)


class OidcAuthProvider(InfisicalProvider):
    """OIDC auth on an identity: GitHub Actions jobs log in with their short-lived job token."""

    kind = "OIDC auth"
    required = (IDENTITY_ID, "discovery_url", "issuer", "audiences", "subject", "claims")
    replace_on = (IDENTITY_ID,)

    @staticmethod
    def _fields(props: dict[str, Any]) -> JsonObject:
        return {
            "oidcDiscoveryUrl": str(props["discovery_url"]),
            "boundIssuer": str(props["issuer"]),
            "boundAudiences": str(props["audiences"]),
            "boundSubject": str(props["subject"]),
            "boundClaims": {str(k): str(v) for k, v in dict(props["claims"]).items()},
            "accessTokenTTL": whole(props.get("access_token_ttl", 900)),
            "accessTokenMaxTTL": whole(props.get("access_token_ttl", 900)),
            "accessTokenNumUsesLimit": 0,
        }

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        oidc = client.attach_oidc_auth(str(props[IDENTITY_ID]), self._fields(props))
        return str(oidc["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        oidc = client.get_oidc_auth(str(props[IDENTITY_ID]))
        return {
            "discovery_url": oidc["oidcDiscoveryUrl"],
            "issuer": oidc["boundIssuer"],
            "audiences": oidc["boundAudiences"],
            "subject": oidc.get("boundSubject") or "",
            "claims": dict(oidc.get("boundClaims") or {}),
            "access_token_ttl": oidc.get("accessTokenTTL"),
        }

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        client.update_oidc_auth(str(news[IDENTITY_ID]), self._fields(news))
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.revoke_oidc_auth(str(props[IDENTITY_ID]))


class RoleProvider(InfisicalProvider):
    """A project role scoped to one environment and folder: least privilege per consumer."""

    kind = "project role"
    required = ("project_slug", "slug", "name", "permissions")
    replace_on = ("project_slug", "slug")

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        fields = {
            "slug": str(props["slug"]),
            "name": str(props["name"]),
            "description": str(props.get("description", "")),
            "permissions": list(props["permissions"]),
        }
        try:
            role = client.get_role(str(props["project_slug"]), str(props["slug"]))
            client.update_role(str(props["project_slug"]), str(role["id"]), fields)
        except ApiNotFoundError:
            role = client.create_role(str(props["project_slug"]), fields)
        return str(role["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        role = client.get_role(str(props["project_slug"]), str(props["slug"]))
        return {"name": role["name"], "permissions": role["permissions"]}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        fields = {
            "name": str(news["name"]),
            "description": str(news.get("description", "")),
            "permissions": list(news["permissions"]),
        }
        client.update_role(str(news["project_slug"]), id_, fields)
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_role(str(props["project_slug"]), id_)


class MembershipProvider(InfisicalProvider):
    """An identity's membership of the project, with the project roles it holds."""

    kind = "identity membership"
    required = (WORKSPACE_ID, IDENTITY_ID, "roles")
    replace_on = (WORKSPACE_ID, IDENTITY_ID)

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        workspace, identity = str(props[WORKSPACE_ID]), str(props[IDENTITY_ID])
        roles = [str(r) for r in props["roles"]]
        membership = client.create_membership(workspace, identity, roles)
        return str(membership["id"]), {}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        membership = client.get_membership(str(props[WORKSPACE_ID]), str(props[IDENTITY_ID]))
        roles = [r.get("customRoleSlug") or r["role"] for r in membership["roles"]]
        return {"roles": roles}

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        roles = [str(r) for r in news["roles"]]
        client.update_membership(str(news[WORKSPACE_ID]), str(news[IDENTITY_ID]), roles)
        return {}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_membership(str(props[WORKSPACE_ID]), str(props[IDENTITY_ID]))


class SecretProvider(InfisicalProvider):
    """A secret Pulumi generates or reads (R2 tokens, the metrics token...), written into the
    consumer's folder. Person-made secrets are never resources: Pulumi never holds them."""

    kind = "secret"
    required = (WORKSPACE_ID, "environment", "path", "name", "value")
    replace_on = (WORKSPACE_ID, "environment", "path", "name")
    computed = ("value_sha256",)

    @staticmethod
    def _where(props: dict[str, Any]) -> tuple[str, str, str, str]:
        return (
            str(props[WORKSPACE_ID]),
            str(props["environment"]),
            str(props["path"]),
            str(props["name"]),
        )

    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        where, value = self._where(props), str(props["value"])
        client.redactor.add(value)  # before any call: a refusal may echo it
        try:
            client.get_secret(*where)
            secret = client.update_secret(*where, value)
        except ApiNotFoundError:
            secret = client.create_secret(*where, value, str(props.get("comment", "")))
        return str(secret["id"]), {"value_sha256": sha256(value)}

    def do_read(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> JsonObject:
        live = str(client.get_secret(*self._where(props))["secretValue"])
        if sha256(live) == props.get("value_sha256"):
            return {}
        return {"value": DRIFTED}  # the next `up` writes Pulumi's value back

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        value = str(news["value"])
        client.redactor.add(value)
        client.update_secret(*self._where(news), value)
        return {"value_sha256": sha256(value)}

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        client.delete_secret(*self._where(props))

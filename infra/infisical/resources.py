"""Dynamic resources for the Infisical objects Pulumi owns, with flat inputs policies can read.

Every resource carries `api_url` (Infisical Cloud or a self-hosted instance) as an input, so
the provider needs nothing but credentials from its environment. Secret values are
`Output.secret` and listed in additional_secret_outputs so state keeps them encrypted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic

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

Opts = pulumi.ResourceOptions | None


class Project(pulumi.dynamic.Resource, module="infisical", name="Project"):
    """The Infisical project (workspace) holding every secret of this stack."""

    project_id: pulumi.Output[str]
    slug: pulumi.Output[str]

    def __init__(self, name: str, *, api_url: str, title: str, slug: str, opts: Opts = None):
        props = {"api_url": api_url, "name": title, "slug": slug, "project_id": None}
        super().__init__(ProjectProvider(), name, props, opts)


class Environment(pulumi.dynamic.Resource, module="infisical", name="Environment"):
    slug: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        workspace_id: pulumi.Input[str],
        title: str,
        slug: str,
        position: int,
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "workspace_id": workspace_id,
            "name": title,
            "slug": slug,
            "position": position,
        }
        super().__init__(EnvironmentProvider(), name, props, opts)


class Folder(pulumi.dynamic.Resource, module="infisical", name="Folder"):
    """One consumer's folder (/api, /worker, /web, /ci...) in one environment."""

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        workspace_id: pulumi.Input[str],
        environment: pulumi.Input[str],
        folder: str,
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "workspace_id": workspace_id,
            "environment": environment,
            "name": folder,
        }
        super().__init__(FolderProvider(), name, props, opts)


class Identity(pulumi.dynamic.Resource, module="infisical", name="Identity"):
    """A machine identity (no organization role; access through project memberships)."""

    def __init__(
        self, name: str, *, api_url: str, organization_id: str, title: str, opts: Opts = None
    ):
        props = {"api_url": api_url, "organization_id": organization_id, "name": title}
        super().__init__(IdentityProvider(), name, props, opts)


class UniversalAuth(pulumi.dynamic.Resource, module="infisical", name="UniversalAuth"):
    client_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        identity_id: pulumi.Input[str],
        access_token_ttl: int,
        trusted_ips: Sequence[str],
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "identity_id": identity_id,
            "access_token_ttl": access_token_ttl,
            "access_token_max_ttl": access_token_ttl,
            "trusted_ips": list(trusted_ips),
            "client_id": None,
        }
        super().__init__(UniversalAuthProvider(), name, props, opts)


class ClientSecret(pulumi.dynamic.Resource, module="infisical", name="ClientSecret"):
    """A universal-auth client secret; the value is a Pulumi secret, shown nowhere."""

    client_secret: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        identity_id: pulumi.Input[str],
        description: str,
        ttl: int = 0,
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "identity_id": identity_id,
            "description": description,
            "ttl": ttl,
            "client_secret": None,
            "client_secret_id": None,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["client_secret"])
        )
        super().__init__(ClientSecretProvider(), name, props, opts)


class OidcAuth(pulumi.dynamic.Resource, module="infisical", name="OidcAuth"):
    """OIDC auth bound to one repository and one GitHub environment (subject and claims)."""

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        identity_id: pulumi.Input[str],
        discovery_url: str,
        issuer: str,
        audiences: str,
        subject: str,
        claims: Mapping[str, str],
        access_token_ttl: int,
        opts: Opts = None,
    ):
        props: dict[str, Any] = {
            "api_url": api_url,
            "identity_id": identity_id,
            "discovery_url": discovery_url,
            "issuer": issuer,
            "audiences": audiences,
            "subject": subject,
            "claims": dict(claims),
            "access_token_ttl": access_token_ttl,
        }
        super().__init__(OidcAuthProvider(), name, props, opts)


class ProjectRole(pulumi.dynamic.Resource, module="infisical", name="ProjectRole"):
    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        project_slug: pulumi.Input[str],
        slug: str,
        title: str,
        description: str,
        permissions: Sequence[Mapping[str, Any]],
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "project_slug": project_slug,
            "slug": slug,
            "name": title,
            "description": description,
            "permissions": [dict(p) for p in permissions],
        }
        super().__init__(RoleProvider(), name, props, opts)


class IdentityMembership(pulumi.dynamic.Resource, module="infisical", name="IdentityMembership"):
    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        workspace_id: pulumi.Input[str],
        identity_id: pulumi.Input[str],
        roles: Sequence[pulumi.Input[str]],
        opts: Opts = None,
    ):
        props = {
            "api_url": api_url,
            "workspace_id": workspace_id,
            "identity_id": identity_id,
            "roles": list(roles),
        }
        super().__init__(MembershipProvider(), name, props, opts)


class Secret(pulumi.dynamic.Resource, module="infisical", name="Secret"):
    """A secret Pulumi generates or reads, written once into its consumer's folder."""

    def __init__(
        self,
        name: str,
        *,
        api_url: str,
        workspace_id: pulumi.Input[str],
        environment: pulumi.Input[str],
        path: str,
        key: str,
        value: pulumi.Input[str],
        comment: str,
        sensitive: bool = True,
        opts: Opts = None,
    ):
        # sensitive=False only for settings such as the rotation interval: plain in the
        # plan, so a policy can check them.
        props = {
            "api_url": api_url,
            "workspace_id": workspace_id,
            "environment": environment,
            "path": path,
            "name": key,
            "value": pulumi.Output.secret(value) if sensitive else value,
            "comment": comment,
            "sensitive": sensitive,
            "value_sha256": None,
        }
        if sensitive:
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=["value", "value_sha256"])
            )
        super().__init__(SecretProvider(), name, props, opts)

"""The stack's Infisical project as one component: environments, a folder per consumer, one
machine identity per consumer with a role that reads only its own folder, and the secrets
Pulumi generates or reads written into those folders.

Who reads what: the API and the worker (Railway) log in with universal auth, their client id
and secret being the only secrets Railway holds; GitHub Actions jobs log in with OIDC, each
identity bound to this repository and one GitHub environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from infra.infisical.resources import (
    ClientSecret,
    Environment,
    Folder,
    Identity,
    IdentityMembership,
    OidcAuth,
    Project,
    ProjectRole,
    Secret,
    UniversalAuth,
)

GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


@dataclass(frozen=True)
class RuntimeIdentity:
    """A long-running process (Railway service) reading one folder with universal auth."""

    consumer: str  # the folder it reads: api, worker
    environment: str = "prod"


@dataclass(frozen=True)
class CiIdentity:
    """A GitHub Actions environment's jobs, logging in with the job's OIDC token."""

    github_environment: str
    environment: str
    reads: tuple[str, ...]
    writes: tuple[str, ...] = ()  # folders whose secrets it may update (the rotation job)


@dataclass(frozen=True)
class InfisicalArgs:
    api_url: str
    organization_id: str
    project_name: str
    project_slug: str
    repository: str  # owner/name, the OIDC subject's repository
    environments: Sequence[tuple[str, str]] = (("prod", "Production"), ("preview", "Preview"))
    # environment -> its folders, one per consumer.
    folders: Mapping[str, Sequence[str]] = field(
        default_factory=lambda: {"prod": ("api", "worker", "web", "ci"), "preview": ("ci",)}
    )
    runtime: Sequence[RuntimeIdentity] = ()
    ci: Sequence[CiIdentity] = ()
    # Railway has no static egress IPs: client secrets are usable from anywhere, so they are
    # kept short-lived in use (access tokens) and only ever live in Railway's secret variables.
    trusted_ips: Sequence[str] = ("0.0.0.0/0", "::/0")
    runtime_token_ttl_s: int = 3600
    ci_token_ttl_s: int = 900
    # (environment, folder) -> {NAME: value}: what Pulumi itself generates or reads.
    secrets: Mapping[tuple[str, str], Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)


def _read_permission(
    environment: str, folders: Sequence[str], actions: list[str]
) -> dict[str, Any]:
    paths = [f"/{f}" for f in folders]
    return {
        "subject": "secrets",
        "action": actions,
        "conditions": {"environment": environment, "secretPath": {"$in": paths}},
    }


@dataclass(frozen=True)
class Credentials:
    client_id: pulumi.Output[str]
    client_secret: pulumi.Output[str]


class InfisicalSecrets(pulumi.ComponentResource):
    """Everything Infisical holds for this stack, except the secrets only a person can make."""

    def __init__(self, name: str, args: InfisicalArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("crm:infisical:Secrets", name, None, opts)
        self._name = name
        child = pulumi.ResourceOptions(parent=self)
        url = args.api_url
        # Deleting the project would delete the secrets people entered: protected.
        project = Project(
            f"{name}-project",
            api_url=url,
            title=args.project_name,
            slug=args.project_slug,
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        self.project_id = project.project_id
        ws = project.project_id
        envs: dict[str, Environment] = {}
        folders: dict[tuple[str, str], Folder] = {}
        for position, (slug, title) in enumerate(args.environments, start=1):
            envs[slug] = Environment(
                f"{name}-env-{slug}",
                api_url=url,
                workspace_id=ws,
                title=title,
                slug=slug,
                position=position,
                opts=child,
            )
            for folder in args.folders.get(slug, ()):
                folders[(slug, folder)] = Folder(
                    f"{name}-{slug}-{folder}",
                    api_url=url,
                    workspace_id=ws,
                    environment=envs[slug].slug,
                    folder=folder,
                    opts=child,
                )

        self.runtime: dict[str, Credentials] = {}
        for rt in args.runtime:
            ident_name = f"{name}-{rt.consumer}-{rt.environment}"
            identity = Identity(
                ident_name,
                api_url=url,
                organization_id=args.organization_id,
                title=f"crm-{rt.consumer}-{rt.environment}",
                opts=child,
            )
            auth = UniversalAuth(
                f"{ident_name}-ua",
                api_url=url,
                identity_id=identity.id,
                access_token_ttl=args.runtime_token_ttl_s,
                trusted_ips=args.trusted_ips,
                opts=child,
            )
            secret = ClientSecret(
                f"{ident_name}-client-secret",
                api_url=url,
                identity_id=identity.id,
                description=f"Railway {rt.consumer} service ({rt.environment})",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[auth]),
            )
            self._grant(
                ident_name,
                url,
                project,
                identity,
                [_read_permission(rt.environment, [rt.consumer], ["read"])],
                f"{rt.consumer} service reads {rt.environment}:/{rt.consumer}",
                [folders[(rt.environment, rt.consumer)]],
            )
            self.runtime[rt.consumer] = Credentials(auth.client_id, secret.client_secret)

        self.ci_identity_ids: dict[str, pulumi.Output[str]] = {}
        owner = args.repository.split("/", 1)[0]
        for ci in args.ci:
            ident_name = f"{name}-ci-{ci.github_environment}"
            identity = Identity(
                ident_name,
                api_url=url,
                organization_id=args.organization_id,
                title=f"github-{ci.github_environment}",
                opts=child,
            )
            OidcAuth(
                f"{ident_name}-oidc",
                api_url=url,
                identity_id=identity.id,
                discovery_url=GITHUB_OIDC_ISSUER,
                issuer=GITHUB_OIDC_ISSUER,
                audiences=f"https://github.com/{owner}",
                subject=f"repo:{args.repository}:environment:{ci.github_environment}",
                claims={"repository": args.repository, "environment": ci.github_environment},
                access_token_ttl=args.ci_token_ttl_s,
                opts=child,
            )
            permissions = [_read_permission(ci.environment, ci.reads, ["read"])]
            if ci.writes:
                permissions.append(_read_permission(ci.environment, ci.writes, ["read", "edit"]))
            self._grant(
                ident_name,
                url,
                project,
                identity,
                permissions,
                f"GitHub environment {ci.github_environment}",
                [folders[(ci.environment, f)] for f in (*ci.reads, *ci.writes)],
            )
            self.ci_identity_ids[ci.github_environment] = identity.id

        self._url, self._envs, self._folders = url, envs, folders
        self.register_outputs({"project_id": self.project_id})

    def publish(
        self,
        environment: str,
        folder: str,
        values: Mapping[str, pulumi.Input[str]],
        *,
        sensitive: bool = True,
    ) -> list[Secret]:
        """Write secrets Pulumi generates or reads (or, sensitive=False, plain settings a
        consumer reads alongside them) into `environment:/folder`."""
        target = self._folders[(environment, folder)]
        return [
            Secret(
                f"{self._name}-{environment}-{folder}-{key.lower().replace('_', '-')}",
                api_url=self._url,
                workspace_id=self.project_id,
                environment=self._envs[environment].slug,
                path=f"/{folder}",
                key=key,
                value=value,
                comment="managed by Pulumi (stacks/secrets.py)",
                sensitive=sensitive,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[target]),
            )
            for key, value in sorted(values.items())
        ]

    def _grant(
        self,
        ident_name: str,
        url: str,
        project: Project,
        identity: Identity,
        permissions: list[dict[str, Any]],
        description: str,
        folders: list[Folder],
    ) -> None:
        role_slug = ident_name.removeprefix("infisical-")[:60]
        role = ProjectRole(
            f"{ident_name}-role",
            api_url=url,
            project_slug=project.slug,
            slug=role_slug,
            title=role_slug,
            description=description,
            permissions=permissions,
            opts=pulumi.ResourceOptions(parent=self, depends_on=folders),
        )
        IdentityMembership(
            f"{ident_name}-membership",
            api_url=url,
            workspace_id=project.project_id,
            identity_id=identity.id,
            roles=[role_slug],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role]),
        )

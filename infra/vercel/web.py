"""The CRM's static web front on Vercel: project from `app/web`, env vars, domain on our zone.

The domain's CNAME target comes from Vercel's own domain config (recommended CNAME), exposed
as `cname_target` for the Cloudflare record: no copied targets. The Supabase anon key is
public by design but still marked sensitive (write-only in Vercel's UI); the service role key
must never reach the browser, so any variable that looks like it is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumiverse_vercel as vercel

# Sensitive variables cannot target Vercel's `development` environment.
TARGETS = ["production", "preview"]
_FORBIDDEN = re.compile(r"SERVICE_ROLE|SERVICE_KEY|SECRET", re.IGNORECASE)


class WebConfigError(ValueError):
    """A web front setting that would expose a secret to browsers."""


@dataclass(frozen=True)
class WebFrontArgs:
    project_name: str
    repo: str  # GitHub owner/name of this repository
    hostname: str  # e.g. app.careers.example.edu
    api_url: pulumi.Input[str]
    supabase_url: pulumi.Input[str]
    supabase_anon_key: pulumi.Input[str]
    team_id: str | None = None
    production_branch: str = "main"
    root_directory: str = "app/web"
    extra_variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class WebFront(pulumi.ComponentResource):
    cname_target: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebFrontArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        for key in args.extra_variables:
            if _FORBIDDEN.search(key):
                raise WebConfigError(
                    f"web variable {key!r} looks like a server secret; browsers can read every "
                    "web front variable, so keep it on Railway (API) instead"
                )
        super().__init__("crm:vercel:WebFront", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.project = vercel.Project(
            f"{name}-project",
            name=args.project_name,
            team_id=args.team_id,
            framework=None,
            root_directory=args.root_directory,
            git_repository=vercel.ProjectGitRepositoryArgs(
                type="github", repo=args.repo, production_branch=args.production_branch
            ),
            # Previews are protected; production is public (it is the product).
            vercel_authentication=vercel.ProjectVercelAuthenticationArgs(
                deployment_type="only_preview_deployments"
            ),
            public_source=False,
            directory_listing=False,
            opts=child,
        )
        variables: dict[str, tuple[pulumi.Input[str], bool]] = {
            "API_URL": (args.api_url, False),
            "SUPABASE_URL": (args.supabase_url, False),
            "SUPABASE_ANON_KEY": (pulumi.Output.secret(args.supabase_anon_key), True),
            **{k: (v, False) for k, v in args.extra_variables.items()},
        }
        self.variables = [
            vercel.ProjectEnvironmentVariable(
                f"{name}-env-{key.lower().replace('_', '-')}",
                project_id=self.project.id,
                team_id=args.team_id,
                key=key,
                value=value,
                targets=TARGETS,
                sensitive=sensitive,
                opts=child,
            )
            for key, (value, sensitive) in variables.items()
        ]
        self.domain = vercel.ProjectDomain(
            f"{name}-domain",
            project_id=self.project.id,
            team_id=args.team_id,
            domain=args.hostname,
            opts=child,
        )
        config = vercel.get_domain_config_output(
            domain=self.domain.domain,
            project_id_or_name=self.project.id,
            team_id=args.team_id,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.cname_target = config.recommended_cname.apply(lambda v: v.rstrip("."))
        self.register_outputs({"cname_target": self.cname_target})

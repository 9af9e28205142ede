"""The Supabase project's settings we own, as one component: auth, SSL, network, data API, DB."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.supabase.resources import (
    AuthConfig,
    AuthConfigArgs,
    NetworkRestrictions,
    NetworkRestrictionsArgs,
    PostgresArgs,
    PostgresConfig,
    PostgrestArgs,
    PostgrestConfig,
    SslEnforcement,
)


@dataclass(frozen=True)
class SupabaseProjectArgs:
    auth: AuthConfigArgs
    network: NetworkRestrictionsArgs
    postgrest: PostgrestArgs
    postgres: PostgresArgs


class SupabaseProject(pulumi.ComponentResource):
    """Hardens an existing Supabase project (created in the dashboard: the API cannot on Free)."""

    def __init__(
        self, name: str, args: SupabaseProjectArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:supabase:Project", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.ssl = SslEnforcement(f"{name}-ssl", args.auth.project_ref, True, opts=child)
        self.network = NetworkRestrictions(f"{name}-network", args.network, opts=child)
        self.postgres = PostgresConfig(f"{name}-postgres", args.postgres, opts=child)
        self.postgrest = PostgrestConfig(f"{name}-postgrest", args.postgrest, opts=child)
        self.auth = AuthConfig(f"{name}-auth", args.auth, opts=child)
        self.api_url = pulumi.Output.from_input(f"https://{args.auth.project_ref}.supabase.co")
        self.register_outputs({"api_url": self.api_url})

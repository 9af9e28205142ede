"""The stack's configuration, read once into typed, immutable objects and validated.

Every problem is collected first, then raised together as one `ConfigError` naming each key
and its fix, so an engineer fixes the whole stack config in one go instead of one error per
run. Secrets are only ever held as `pulumi.Output`s.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi.runtime.config import CONFIG

from stacks.config.cache import UpstashConfig, read_upstash
from stacks.config.declared import declared_keys
from stacks.config.edge import CloudflareConfig, DnsConfig, read_cloudflare, read_dns
from stacks.config.email import EmailConfig, read_email
from stacks.config.github import GitHubConfig, read_github
from stacks.config.hosting import (
    AppConfig,
    OAuthClientConfig,
    RailwayConfig,
    SupabaseConfig,
    VercelConfig,
    read_app,
    read_railway,
    read_supabase,
    read_vercel,
)
from stacks.config.infisical import InfisicalConfig, read_infisical
from stacks.config.observability import (
    AlertingConfig,
    GrafanaConfig,
    SentryConfig,
    TelemetryConfig,
    UptimeKumaConfig,
    read_alerting,
    read_grafana,
    read_sentry,
    read_telemetry,
    read_uptime_kuma,
)
from stacks.config.reader import PROJECT, ConfigError, Reader
from stacks.config.storage import R2Config, read_r2

__all__ = [
    "PROJECT",
    "AlertingConfig",
    "AppConfig",
    "CloudflareConfig",
    "ConfigError",
    "DnsConfig",
    "EmailConfig",
    "GitHubConfig",
    "GrafanaConfig",
    "InfisicalConfig",
    "OAuthClientConfig",
    "R2Config",
    "RailwayConfig",
    "SentryConfig",
    "StackConfig",
    "SupabaseConfig",
    "TelemetryConfig",
    "UpstashConfig",
    "UptimeKumaConfig",
    "VercelConfig",
    "load",
]


@dataclass(frozen=True)
class StackConfig:
    stack: str
    dns: DnsConfig
    cloudflare: CloudflareConfig
    r2: R2Config
    github: GitHubConfig
    supabase: SupabaseConfig
    railway: RailwayConfig
    app: AppConfig
    email: EmailConfig
    vercel: VercelConfig
    alerting: AlertingConfig
    grafana: GrafanaConfig
    uptime_kuma: UptimeKumaConfig
    telemetry: TelemetryConfig
    sentry: SentryConfig
    infisical: InfisicalConfig
    upstash: UpstashConfig


def load(stack: str | None = None, source: pulumi.Config | None = None) -> StackConfig:
    """Read and validate the whole stack configuration, or raise one ConfigError."""
    reader = Reader(source or pulumi.Config(PROJECT))
    stack_name = stack or pulumi.get_stack()
    dns = read_dns(reader)
    alerting = read_alerting(reader)
    config = StackConfig(
        stack=stack_name,
        dns=dns,
        cloudflare=read_cloudflare(reader),
        r2=read_r2(reader, stack_name),
        github=read_github(reader),
        supabase=read_supabase(reader, dns),
        railway=read_railway(reader),
        app=read_app(reader, dns.domain),
        email=read_email(reader, dns.domain),
        vercel=read_vercel(reader),
        alerting=alerting,
        grafana=read_grafana(reader),
        uptime_kuma=read_uptime_kuma(reader),
        telemetry=read_telemetry(reader),
        sentry=read_sentry(reader, alerting.webhook_kind),
        infisical=read_infisical(reader),
        upstash=read_upstash(reader),
    )
    if source is None:  # the engine's (or the offline runtime's) whole config
        reader.known_keys(CONFIG.get().keys(), declared_keys())
    if reader.problems:
        raise ConfigError(reader.problems)
    return config

"""Telemetry part of the prod composition: the Sentry project and the Grafana Cloud token,
turned into what both services (API and worker) run with.

Built before hosting, so the services get the DSN and the OTLP credentials from the same
plan that declares them: nothing is copied by hand. The credentials (`secret_variables`) are
written to Infisical's prod:/api and prod:/worker folders, which the services read at start;
the plain settings (`variables`) go to Railway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi

from infra.grafana.telemetry_token import TelemetryToken, TelemetryTokenArgs
from infra.sentry.project import SentryArgs, SentryProject
from stacks.config import ConfigError, StackConfig


@dataclass(frozen=True)
class ServiceTelemetry:
    """Variables for a service, by sensitivity; `service_name` is filled in per service."""

    sentry: SentryProject
    grafana_token: TelemetryToken
    variables: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_variables: dict[str, pulumi.Input[str]] = field(default_factory=dict)

    def plain_for(self, service_name: str) -> dict[str, pulumi.Input[str]]:
        """Railway's plain variables for one service (its OTEL_SERVICE_NAME included)."""
        return {**self.variables, "OTEL_SERVICE_NAME": service_name}


def _secret(value: pulumi.Output[str] | None, key: str) -> pulumi.Output[str]:
    if value is None:  # load() already reported it; this keeps the types honest
        raise ConfigError([f"careers-crm:{key}: secret is required"])
    return value


def build(cfg: StackConfig) -> ServiceTelemetry:
    tcfg, scfg = cfg.telemetry, cfg.sentry
    kind: Literal["discord", "slack"] = (
        "slack" if cfg.alerting.webhook_kind == "slack" else "discord"
    )
    sentry = SentryProject(
        "sentry",
        SentryArgs(
            organization=scfg.organization,
            team=scfg.team,
            project_slug=scfg.project,
            auth_token=_secret(scfg.auth_token, "sentry.authToken"),
            channel_kind=kind,
            integration_id=scfg.alert_integration_id,
            channel=scfg.alert_channel,
            key_rate_limit_per_hour=scfg.key_rate_limit_per_hour,
        ),
    )
    token = TelemetryToken(
        "grafana-telemetry",
        TelemetryTokenArgs(
            environment=cfg.stack,
            region=tcfg.grafana_region,
            stack_id=cfg.grafana.stack_id,
            otlp_instance_id=tcfg.otlp_instance_id,
            cloud_access_policy_token=_secret(
                tcfg.cloud_access_policy_token, "grafana.cloudAccessPolicyToken"
            ),
        ),
    )
    return ServiceTelemetry(
        sentry=sentry,
        grafana_token=token,
        variables={
            "OTEL_EXPORTER_OTLP_ENDPOINT": token.otlp_endpoint,
            "OTEL_RESOURCE_ATTRIBUTES": f"deployment.environment.name={cfg.stack}",
            "TRACES_SAMPLE_RATIO": str(tcfg.traces_sample_ratio),
            "BETTERSTACK_INGESTING_HOST": tcfg.betterstack_ingesting_host,
        },
        secret_variables={
            "OTEL_EXPORTER_OTLP_HEADERS": token.otlp_headers,
            "SENTRY_DSN": sentry.dsn,
            "BETTERSTACK_SOURCE_TOKEN": _secret(
                tcfg.betterstack_source_token, "betterstack.sourceToken"
            ),
        },
    )

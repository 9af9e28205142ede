"""The Grafana Cloud access policy and token the API and the worker send telemetry with.

Least privilege: the policy grants only `traces:write`, `logs:write` and `metrics:write`
(what an OTLP exporter needs), on this one stack. The token is delivered to the services as
the standard OTLP variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (the stack region's OTLP gateway)
and `OTEL_EXPORTER_OTLP_HEADERS` = `Authorization=Basic%20base64(<instance id>:<token>)`
(the SDK percent-decodes header values; a raw space is not allowed there), a secret.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi
import pulumiverse_grafana as grafana

TELEMETRY_SCOPES = ("traces:write", "logs:write", "metrics:write")


@dataclass(frozen=True)
class TelemetryTokenArgs:
    environment: str
    region: str  # Grafana Cloud region slug, e.g. prod-us-east-0
    stack_id: str  # the realm the policy is limited to
    otlp_instance_id: str  # the OpenTelemetry card's Instance ID (the Basic auth user)
    cloud_access_policy_token: pulumi.Input[str]  # accesspolicies:read/write/delete only


def otlp_endpoint(region: str) -> str:
    return f"https://otlp-gateway-{region}.grafana.net/otlp"


def otlp_headers(instance_id: str, token: str) -> str:
    basic = base64.b64encode(f"{instance_id}:{token}".encode()).decode()
    return f"Authorization=Basic%20{basic}"


class TelemetryToken(pulumi.ComponentResource):
    """Access policy + token; `otlp_headers` is the secret value for OTEL_EXPORTER_OTLP_HEADERS."""

    otlp_endpoint: str
    otlp_headers: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelemetryTokenArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:grafana:TelemetryToken", name, None, opts)
        self.provider = grafana.Provider(
            f"{name}-cloud-provider",
            cloud_access_policy_token=pulumi.Output.secret(args.cloud_access_policy_token),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        self.policy = grafana.cloud.AccessPolicy(
            f"{name}-policy",
            region=args.region,
            name=f"careers-crm-telemetry-{args.environment}",
            display_name=f"careers-crm telemetry writers ({args.environment})",
            scopes=list(TELEMETRY_SCOPES),
            realms=[grafana.cloud.AccessPolicyRealmArgs(type="stack", identifier=args.stack_id)],
            opts=child,
        )
        self.token = grafana.cloud.AccessPolicyToken(
            f"{name}-token",
            region=args.region,
            access_policy_id=self.policy.policy_id,
            name=f"careers-crm-services-{args.environment}",
            display_name="careers-crm API and worker (OTLP)",
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(additional_secret_outputs=["token"])
            ),
        )
        self.otlp_endpoint = otlp_endpoint(args.region)
        self.otlp_headers = pulumi.Output.secret(
            self.token.token.apply(lambda token: otlp_headers(args.otlp_instance_id, token))
        )
        self.register_outputs({"otlp_endpoint": self.otlp_endpoint})

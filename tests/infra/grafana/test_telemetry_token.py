"""The Grafana Cloud telemetry access policy and token, as planned for prod, and how the
token reaches the services: the standard OTLP variables, the credentials only as secrets."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pulumi

from infra.grafana.telemetry_token import TelemetryToken, TelemetryTokenArgs, otlp_headers
from stacks.offline.outputs import OfflineMocks
from tests.support.config import problems
from tests.support.plan import prod_graph


def test_policy_grants_only_telemetry_writes_on_the_stack() -> None:
    graph = prod_graph()
    policy = graph.named("grafana-telemetry-policy")["inputs"]
    assert sorted(policy["scopes"]) == ["logs:write", "metrics:write", "traces:write"]
    assert policy["realms"] == [{"type": "stack", "identifier": "123456"}]
    assert policy["region"] == "prod-us-east-0"
    token = graph.named("grafana-telemetry-token")
    assert token["inputs"]["region"] == "prod-us-east-0"
    provider = graph.named("grafana-telemetry-cloud-provider")
    assert provider["inputs"]["cloudAccessPolicyToken"] == "[secret]"
    assert token["provider"].startswith(provider["urn"])
    assert "token" in graph.options[token["urn"]]["additionalSecretOutputs"]


def test_services_get_the_standard_otlp_variables_and_credentials_via_infisical() -> None:
    graph = prod_graph()
    for service, name in (("railway-api-vars", "crm-api"), ("railway-worker-vars", "crm-worker")):
        plain = graph.named(service)["inputs"]["variables"]
        assert plain["OTEL_EXPORTER_OTLP_ENDPOINT"] == (
            "https://otlp-gateway-prod-us-east-0.grafana.net/otlp"
        )
        assert plain["OTEL_SERVICE_NAME"] == name
        assert plain["TRACES_SAMPLE_RATIO"] == "0.2"
        assert plain["BETTERSTACK_INGESTING_HOST"].endswith(".betterstackdata.com")
        for credential in ("OTEL_EXPORTER_OTLP_HEADERS", "BETTERSTACK_SOURCE_TOKEN"):
            assert credential not in plain
    written = {
        (r["inputs"]["path"], r["inputs"]["name"]): r
        for r in graph.of_type("pulumi-python:dynamic/infisical:Secret")
    }
    token_urn = graph.named("grafana-telemetry-token")["urn"]
    for folder in ("/api", "/worker"):  # Infisical, read by the services at start
        headers = written[(folder, "OTEL_EXPORTER_OTLP_HEADERS")]
        assert headers["inputs"]["value"] == "[secret]"
        assert token_urn in headers["dependencies"]
        assert written[(folder, "BETTERSTACK_SOURCE_TOKEN")]["inputs"]["value"] == "[secret]"
    assert "glc_" not in graph.text()


def test_header_is_percent_encoded_basic_auth_of_instance_and_token() -> None:
    header = otlp_headers("654321", "glc_abc")
    name, value = header.split("=", 1)
    assert name == "Authorization" and " " not in value
    scheme, credentials = unquote(value).split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(credentials).decode() == "654321:glc_abc"


@pulumi.runtime.test
def test_component_headers_use_the_instance_id_and_stay_secret() -> pulumi.Output[None]:
    pulumi.runtime.set_mocks(OfflineMocks(), preview=False)
    token = TelemetryToken(
        "t-telemetry",
        TelemetryTokenArgs(
            environment="prod",
            region="prod-eu-west-2",
            stack_id="42",
            otlp_instance_id="777",
            cloud_access_policy_token="tok",
        ),
    )
    assert token.otlp_endpoint == "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp"

    def check(args: list[object]) -> None:
        headers, raw = args
        credentials = unquote(str(headers)).split(" ")[1]
        assert base64.b64decode(credentials).decode() == f"777:{raw}"

    return pulumi.Output.all(token.otlp_headers, token.token.token).apply(check)


def test_telemetry_config_mistakes_are_named() -> None:
    found = problems(
        **{
            "grafana.cloudRegion": "us-east",
            "grafana.otlpInstanceId": "abc",
            "telemetry.tracesSampleRatio": "1.5",
            "betterstack.ingestingHost": "https://in.logs.betterstack.com",
        }
    )
    for key in (
        "grafana.cloudRegion",
        "grafana.otlpInstanceId",
        "telemetry.tracesSampleRatio",
        "betterstack.ingestingHost",
    ):
        assert any(p.startswith(f"careers-crm:{key}:") for p in found), key

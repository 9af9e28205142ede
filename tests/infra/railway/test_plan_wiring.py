"""Railway in the prod plan: the API host's DNS record is fed by the custom domain's required
CNAME, the app's R2 credentials are secret variables, key settings are plain inputs."""

from __future__ import annotations

from infra.uptime_kuma.image import uptime_kuma_image
from tests.support.plan import prod_graph

DYN = "pulumi-python:dynamic/railway:"


def test_api_dns_record_uses_the_custom_domains_required_target() -> None:
    graph = prod_graph()
    domain = graph.named("railway-api-domain")
    record = graph.named("edge-api")
    assert domain["inputs"]["domain"] == record["inputs"]["name"] == "api.careers.example.edu"
    assert record["inputs"]["content"].endswith(".up.railway.app")
    assert domain["urn"] in record["dependencies"]  # wired, not copied


def test_r2_credentials_and_database_url_come_from_infisical_not_railway() -> None:
    graph = prod_graph()
    variables = graph.named("railway-api-vars")["inputs"]
    assert variables["secret_variables"] == "[secret]"
    # Railway holds only the Infisical login; the R2 token goes to Infisical prod:/api.
    assert variables["secret_names"] == ["INFISICAL_CLIENT_ID", "INFISICAL_CLIENT_SECRET"]
    plain = variables["variables"]
    assert plain["R2_UPLOADS_BUCKET"] == "careers-crm-prod-uploads"
    assert plain["INFISICAL_PATH"] == "/api"
    assert not {"R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "DATABASE_URL"} & set(plain)
    r2_secret = graph.named("infisical-prod-api-r2-secret-access-key")
    token_urns = {r["urn"] for r in graph.of_type("cloudflare:index/apiToken:ApiToken")}
    assert token_urns & set(r2_secret["dependencies"])  # wired, not copied
    assert r2_secret["inputs"]["value"] == "[secret]"
    assert "offline-fake" not in str(variables)
    options = graph.options.get(graph.named("railway-api-vars")["urn"], {})
    assert "secret_variables" in str(options)


def test_api_settings_are_plain_inputs_policies_can_read() -> None:
    settings = prod_graph().named("railway-api-settings")["inputs"]
    assert settings["healthcheckPath"] == "/readyz"
    assert settings["rootDirectory"] == "app"
    assert settings["railwayConfigFile"] == "app/railway.json"
    assert settings["restartPolicyType"] == "ON_FAILURE"
    assert settings["numReplicas"] == 1


def test_uptime_kuma_runs_from_its_image_with_a_volume_and_a_public_domain() -> None:
    graph = prod_graph()
    kuma = graph.named("railway-uptime-kuma")
    # The digest-pinned reference Dependabot keeps current (infra/uptime_kuma/image/Dockerfile).
    assert kuma["inputs"]["image"] == uptime_kuma_image()
    assert kuma["inputs"]["image"].startswith("louislam/uptime-kuma:2.")
    volume = graph.named("railway-uptime-kuma-data")
    assert volume["inputs"]["mount_path"] == "/app/data"
    assert kuma["urn"] in volume["dependencies"]
    assert graph.named("railway-uptime-kuma-domain")["inputs"]["target_port"] == 3001
    assert len(graph.of_type(f"{DYN}Project")) == 1


def test_railways_push_trigger_is_off_so_deploys_go_through_the_gated_workflow() -> None:
    graph = prod_graph()
    auto = graph.named("railway-api-auto-deploy")["inputs"]
    assert auto["enabled"] is False
    assert auto["repo"] == "careers-crm/careers-crm-platform"
    assert (
        graph.named("railway-api")["urn"] in graph.named("railway-api-auto-deploy")["dependencies"]
    )

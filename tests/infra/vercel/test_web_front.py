"""The web front in the prod plan: Vercel project, variables (anon key sensitive, never the
service role key) and the domain whose recommended CNAME feeds the Cloudflare record."""

from __future__ import annotations

import pytest

from infra.vercel.web import WebConfigError, WebFront, WebFrontArgs
from stacks.offline.outputs import _vercel_domain_config
from tests.support.plan import prod_graph

ENV_VAR = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


def test_project_builds_the_static_front_from_app_web() -> None:
    [project] = prod_graph().of_type("vercel:index/project:Project")
    inputs = project["inputs"]
    assert inputs["rootDirectory"] == "app/web"
    assert inputs["gitRepository"] == {
        "productionBranch": "main",
        "repo": "careers-crm/careers-crm-platform",
        "type": "github",
    }
    assert inputs["vercelAuthentication"] == {"deploymentType": "only_preview_deployments"}


def test_variables_mark_the_anon_key_sensitive_and_never_carry_the_service_role_key() -> None:
    variables = {r["inputs"]["key"]: r["inputs"] for r in prod_graph().of_type(ENV_VAR)}
    assert set(variables) == {
        "API_URL",
        "SUPABASE_URL",
        "SUPABASE_ANON_KEY",
        "TURNSTILE_WIDGET_ID",  # public widget key (CAPTCHA on /otp)
        "AUTH_PROVIDERS",  # the social buttons the front shows
    }
    assert variables["SUPABASE_ANON_KEY"]["sensitive"] is True
    assert variables["SUPABASE_ANON_KEY"]["value"] == "[secret]"
    assert variables["API_URL"]["sensitive"] is False
    for inputs in variables.values():
        assert "development" not in inputs["targets"]  # sensitive vars cannot target it
    assert "service_role" not in prod_graph().text().lower()


def test_the_web_dns_record_points_at_vercels_recommended_cname() -> None:
    graph = prod_graph()
    record = graph.named("edge-app")["inputs"]
    [domain] = graph.of_type("vercel:index/projectDomain:ProjectDomain")
    assert domain["inputs"]["domain"] == record["name"] == "app.careers.example.edu"
    expected = _vercel_domain_config({"domain": record["name"]})["recommendedCname"]
    assert record["content"] == expected.rstrip(".")
    assert record["type"] == "CNAME" and record["proxied"] is True


@pytest.mark.parametrize("key", ["SUPABASE_SERVICE_ROLE_KEY", "STRIPE_SECRET", "service_key"])
def test_server_secrets_are_refused_before_anything_is_registered(key: str) -> None:
    args = WebFrontArgs(
        project_name="web",
        repo="o/r",
        hostname="app.example.edu",
        api_url="https://api.example.edu",
        supabase_url="https://x.supabase.co",
        supabase_anon_key="fake-anon-key",
        extra_variables={key: "fake-value"},
    )
    with pytest.raises(WebConfigError, match=key):
        WebFront("web", args)

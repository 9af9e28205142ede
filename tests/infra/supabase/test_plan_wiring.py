"""Supabase in the prod plan (settings as plain inputs, secrets as secrets) and its config
section's validation (every problem listed together, naming the key)."""

from __future__ import annotations

import pytest

from stacks.plan import PlanError
from tests.support.plan import make_graph, prod_graph

SECRETS = (
    "smtp_pass",
    "security_captcha_secret",
    "external_google_secret",
    "external_github_secret",
    "external_linkedin_oidc_secret",
)


def test_auth_settings_are_plain_inputs_and_secrets_are_secret() -> None:
    graph = prod_graph()
    auth = graph.named("supabase-auth")
    inputs = auth["inputs"]
    assert inputs["site_url"] == "https://app.careers.example.edu"
    assert inputs["uri_allow_list"] == (
        "https://app.careers.example.edu/**,https://api.careers.example.edu/**"
    )
    assert inputs["mailer_otp_exp"] <= 3600
    assert inputs["mailer_autoconfirm"] is False  # email confirmation required
    assert inputs["password_min_length"] >= 12
    assert inputs["mfa_totp_enroll_enabled"] and inputs["mfa_totp_verify_enabled"]
    assert inputs["refresh_token_rotation_enabled"] is True
    assert inputs["security_captcha_enabled"] and inputs["security_captcha_provider"] == "turnstile"
    assert inputs["external_linkedin_oidc_enabled"] is True
    assert "password_hibp_enabled" not in inputs  # Free plan: left unset
    for name in SECRETS:
        assert inputs[name] == "[secret]", name
    options = str(graph.options.get(auth["urn"], {}))
    assert all(name in options for name in SECRETS)


def test_database_hardening_resources() -> None:
    graph = prod_graph()
    assert graph.named("supabase-ssl")["inputs"]["database"] is True
    assert graph.named("supabase-network")["inputs"]["db_allowed_cidrs"] == ["0.0.0.0/0"]
    postgrest = graph.named("supabase-postgrest")["inputs"]
    assert postgrest["db_schema"] == "api" and postgrest["max_rows"] == 500
    assert graph.named("supabase-postgres")["inputs"]["statement_timeout"] == "8s"


def test_every_supabase_config_problem_is_reported_at_once() -> None:
    with pytest.raises(PlanError) as caught:
        make_graph(
            **{
                "supabase.projectRef": "Not-A-Ref",
                "supabase.otpExpiry": "86400",
                "supabase.exposedSchemas": '["api", "auth"]',
                "supabase.allowedCidrs": '["10.0.0.300/8"]',
                "supabase.statementTimeout": "forever",
                "railway.region": "mars-north1",
                "railway.sourceRepo": "no-slash",
            }
        )
    text = str(caught.value)
    for key in (
        "supabase.projectRef",
        "supabase.otpExpiry",
        "supabase.exposedSchemas",
        "supabase.allowedCidrs",
        "supabase.statementTimeout",
        "railway.region",
        "railway.sourceRepo",
    ):
        assert f"careers-crm:{key}" in text, key
    assert "at most 3600" in text
    assert "Traceback" not in text


def test_sign_in_providers_without_a_client_id_stay_disabled() -> None:
    graph = make_graph(**{"supabase.googleClientId": "", "supabase.linkedinClientId": ""})
    inputs = graph.named("supabase-auth")["inputs"]
    assert inputs["external_google_enabled"] is False
    assert inputs["external_linkedin_oidc_enabled"] is False
    assert "external_google_secret" not in inputs
    assert inputs["external_github_enabled"] is True

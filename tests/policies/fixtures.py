"""Resource kinds the pack guards, added to a graph only where the prod program does not
(yet) declare them, shaped exactly as the infra components declare them. Once the program
composes a component, its real resources are used instead."""

from __future__ import annotations

from typing import Any

from tests.policies.graphs import add, of_type

REF = "abcdefghijklmnopqrst"
PY = "pulumi-python:dynamic/"

AUTH = {
    "project_ref": REF,
    "site_url": "https://app.careers.example.edu",
    "jwt_exp": 3600,
    "disable_signup": False,
    "external_email_enabled": True,
    "mailer_autoconfirm": False,
    "password_min_length": 12,
    "mailer_otp_exp": 3600,
    "mailer_otp_length": 8,
    "mfa_totp_enroll_enabled": True,
    "mfa_totp_verify_enabled": True,
    "refresh_token_rotation_enabled": True,
    "security_refresh_token_reuse_interval": 10,
    "security_captcha_enabled": True,
    "security_captcha_provider": "turnstile",
    "security_captcha_secret": "[secret]",
    "smtp_pass": "[secret]",
}
KINDS: list[tuple[str, str, dict[str, Any]]] = [
    (PY + "supabase:AuthConfig", "supabase-auth", AUTH),
    (PY + "supabase:SslEnforcement", "supabase-ssl", {"project_ref": REF, "database": True}),
    (
        PY + "supabase:NetworkRestrictions",
        "supabase-network",
        {"project_ref": REF, "db_allowed_cidrs": ["203.0.113.0/24"], "db_allowed_cidrs_v6": []},
    ),
    (
        PY + "supabase:PostgrestConfig",
        "supabase-postgrest",
        {"project_ref": REF, "db_schema": "api", "max_rows": 500},
    ),
    (
        PY + "railway:ServiceInstance",
        "railway-api-settings",
        {"healthcheckPath": "/readyz", "numReplicas": 1, "region": "us-west2"},
    ),
    (
        PY + "railway:Variables",
        "railway-api-vars",
        {
            "variables": {"PORT": "8000", "R2_UPLOADS_BUCKET": "careers-crm-prod-uploads"},
            "secret_variables": "[secret]",
        },
    ),
    (
        "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
        "web-env-supabase-anon-key",
        {
            "key": "SUPABASE_ANON_KEY",
            "sensitive": True,
            "targets": ["production", "preview"],
            "value": "[secret]",
        },
    ),
]


def complete(data: dict[str, Any]) -> dict[str, Any]:
    for type_token, name, inputs in KINDS:
        if not of_type(data, type_token):
            add(data, type_token, name, dict(inputs))
    return data

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


CONTACT = "careers-crm discord + email"


def _hosts(data: dict[str, Any]) -> list[str]:
    records = of_type(data, "cloudflare:index/dnsRecord:DnsRecord")
    return sorted(r["inputs"]["name"] for r in records)


def _observability(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    hosts = _hosts(data)
    kinds: list[tuple[str, str, dict[str, Any]]] = [
        (
            PY + "uptimekuma:Notification",
            "uptime-notify",
            {"name": "careers-crm discord", "channel": "discord", "webhook_url": "[secret]"},
        ),
        (
            "grafana:alerting/contactPoint:ContactPoint",
            "grafana-contact-point",
            {"name": CONTACT, "discords": [{"url": "[secret]"}]},
        ),
        (
            "grafana:alerting/notificationPolicy:NotificationPolicy",
            "grafana-notification-policy",
            {"contactPoint": CONTACT, "groupBies": ["alertname", "hostname"]},
        ),
        (
            "grafana:alerting/ruleGroup:RuleGroup",
            "grafana-rules",
            {
                "name": "careers-crm",
                "folderUid": "careers-crm",
                "intervalSeconds": 60,
                "rules": [
                    {"name": f"Endpoint down: {h}", "labels": {"hostname": h}, "for": "2m"}
                    for h in hosts
                ],
            },
        ),
    ]
    for host in hosts:
        kinds.append(
            (
                PY + "uptimekuma:Monitor",
                f"uptime-https-{host}",
                {
                    "spec": {
                        "kind": "http",
                        "name": f"HTTPS {host}",
                        "url": f"https://{host}/",
                        "notification_ids": [485],
                    }
                },
            )
        )
    return kinds


def complete(data: dict[str, Any]) -> dict[str, Any]:
    kinds = KINDS + _observability(data)
    missing = {t for t, _, _ in kinds if not of_type(data, t)}
    for type_token, name, inputs in kinds:
        if type_token in missing:
            add(data, type_token, name, dict(inputs))
    return data

"""A stateful fake of the Management API endpoints we use, held to the official contract.

Every request is validated against the OpenAPI spec (strict bodies) before it is answered,
every reply is validated against the spec's response schema, and replies look like what the
API records for a fresh Free project (defaults as the dashboard shows them). Secrets are
answered hashed, as the real API does, so drift on them cannot be read back.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.infra.supabase import contract

PROJECT_REF = "abcdefghijklmnopqrst"
SECRET_FIELDS = {
    "smtp_pass",
    "security_captcha_secret",
    "external_google_secret",
    "external_github_secret",
    "external_linkedin_oidc_secret",
}

# Values a freshly created project answers with (recorded shape; defaults per Supabase docs).
_FRESH_AUTH = {
    "site_url": "http://localhost:3000",
    "uri_allow_list": "",
    "jwt_exp": 3600,
    "disable_signup": False,
    "external_email_enabled": True,
    "external_phone_enabled": False,
    "mailer_autoconfirm": False,
    "mailer_secure_email_change_enabled": True,
    "mailer_otp_exp": 86400,
    "mailer_otp_length": 6,
    "password_min_length": 6,
    "password_required_characters": "",
    "password_hibp_enabled": False,
    "mfa_totp_enroll_enabled": True,
    "mfa_totp_verify_enabled": True,
    "mfa_max_enrolled_factors": 10,
    "refresh_token_rotation_enabled": True,
    "security_refresh_token_reuse_interval": 10,
    "rate_limit_email_sent": 2,
    "rate_limit_verify": 30,
    "rate_limit_token_refresh": 150,
    "rate_limit_otp": 30,
    "rate_limit_anonymous_users": 30,
    "rate_limit_sms_sent": 30,
    "rate_limit_web3": 30,
    "smtp_max_frequency": 60,
    "sms_otp_exp": 60,
    "sms_otp_length": 6,
    "sms_max_frequency": 60,
    "security_captcha_provider": "hcaptcha",
    "db_max_pool_size": 10,
    "api_max_request_duration": 10,
}


def hashed(value: str) -> str:
    return "hash:" + hashlib.sha256(value.encode()).hexdigest()


def _default_for(schema: dict[str, Any]) -> Any:
    if schema.get("nullable"):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    defaults = {"string": "", "boolean": False, "integer": 0, "number": 0, "array": []}
    return defaults.get(str(schema.get("type")))


def fresh_auth_config() -> dict[str, Any]:
    schema = contract.spec()["components"]["schemas"]["AuthConfigResponse"]["properties"]
    config = {name: _default_for(prop) for name, prop in schema.items()}
    config.update(_FRESH_AUTH)
    return config


@dataclass
class FakeSupabase:
    """Call it with an httpx.Request (respx side effect or MockTransport handler)."""

    auth: dict[str, Any] = field(default_factory=fresh_auth_config)
    ssl_database: bool = False
    cidrs: tuple[list[str], list[str]] = (["0.0.0.0/0"], ["::/0"])
    postgrest: dict[str, Any] = field(
        default_factory=lambda: {
            "db_schema": "public,graphql_public",
            "max_rows": 1000,
            "db_extra_search_path": "public,extensions",
            "db_pool": None,
            "jwt_secret": "fake-jwt-secret-never-leaves-the-fake",
        }
    )
    postgres: dict[str, Any] = field(default_factory=lambda: {"max_connections": 60})
    pooler: dict[str, Any] = field(
        default_factory=lambda: {
            "identifier": PROJECT_REF,
            "database_type": "PRIMARY",
            "is_using_scram_auth": True,
            "db_user": f"postgres.{PROJECT_REF}",
            "db_host": "aws-0-eu-central-1.pooler.supabase.com",
            "db_port": 6543,
            "db_name": "postgres",
            "connection_string": f"postgresql://postgres.{PROJECT_REF}:[YOUR-PASSWORD]@"
            "aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
            "connectionString": f"postgresql://postgres.{PROJECT_REF}:[YOUR-PASSWORD]@"
            "aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
            "default_pool_size": 15,
            "max_client_conn": 200,
            "pool_mode": "transaction",
        }
    )
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    # Scripted failures: consumed in order, each returns a response instead of answering.
    failures: list[Callable[[httpx.Request], httpx.Response]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        op = contract.validate_request(request.method, request.url.path, body)
        if self.failures:
            return self.failures.pop(0)(request)
        status, reply = self._answer(op.operation_id, body)
        contract.validate_response(op, status, reply)
        return httpx.Response(status, json=reply)

    def operation_ids(self) -> list[str]:
        return [contract.find(m, p).operation_id for m, p, _ in self.requests]

    def _auth_view(self) -> dict[str, Any]:
        view = copy.deepcopy(self.auth)
        for name in SECRET_FIELDS:
            if view.get(name):
                view[name] = hashed(str(view[name]))
        return view

    def _network_view(self) -> dict[str, Any]:
        return {
            "entitlement": "allowed",
            "config": {"dbAllowedCidrs": self.cidrs[0], "dbAllowedCidrsV6": self.cidrs[1]},
            "status": "applied",
            "updated_at": "2026-11-27T10:00:00.000Z",
            "applied_at": "2026-11-27T10:00:05.000Z",
        }

    def _answer(self, operation_id: str, body: Any) -> tuple[int, Any]:
        match operation_id:
            case "v1-get-auth-service-config":
                return 200, self._auth_view()
            case "v1-update-auth-service-config":
                self.auth.update(body)
                return 200, self._auth_view()
            case "v1-get-ssl-enforcement-config":
                return 200, {
                    "currentConfig": {"database": self.ssl_database},
                    "appliedSuccessfully": True,
                }
            case "v1-update-ssl-enforcement-config":
                self.ssl_database = body["requestedConfig"]["database"]
                return 200, {
                    "currentConfig": {"database": self.ssl_database},
                    "appliedSuccessfully": True,
                }
            case "v1-get-network-restrictions":
                return 200, self._network_view()
            case "v1-update-network-restrictions":
                self.cidrs = (list(body["dbAllowedCidrs"]), list(body["dbAllowedCidrsV6"]))
                return 201, self._network_view()
            case "v1-get-postgrest-service-config":
                return 200, dict(self.postgrest)
            case "v1-update-postgrest-service-config":
                self.postgrest.update(body)
                return 200, {k: v for k, v in self.postgrest.items() if k != "jwt_secret"}
            case "v1-get-postgres-config":
                return 200, dict(self.postgres)
            case "v1-update-postgres-config":
                self.postgres.update(body)
                return 200, dict(self.postgres)
            case "v1-get-pooler-config":
                return 200, [dict(self.pooler)]
            case "v1-update-pooler-config":
                self.pooler.update(body)
                return 200, {k: self.pooler[k] for k in ("default_pool_size", "pool_mode")}
            case "v1-list-all-backups":
                return 200, {
                    "region": "eu-central-1",
                    "walg_enabled": True,
                    "pitr_enabled": False,
                    "backups": [
                        {
                            "id": 48213,
                            "is_physical_backup": True,
                            "status": "COMPLETED",
                            "inserted_at": "2026-11-26T03:12:44.000Z",
                        }
                    ],
                    "physical_backup_data": {},
                }
            case "v1-get-security-advisors":
                return 200, {
                    "lints": [
                        {
                            "name": "auth_otp_long_expiry",
                            "title": "Auth OTP long expiry",
                            "level": "WARN",
                            "facing": "EXTERNAL",
                            "categories": ["SECURITY"],
                            "description": "OTP expiry exceeds recommended threshold",
                            "detail": "We have detected that you have enabled the email provider"
                            " with the OTP expiry set to more than an hour.",
                            "remediation": "https://supabase.com/docs/guides/platform/"
                            "going-into-prod#security",
                            "metadata": {"type": "auth", "entity": "Auth"},
                            "cache_key": "auth_otp_long_expiry",
                        }
                    ]
                }
        raise contract.ContractViolation(f"the fake does not answer {operation_id}")

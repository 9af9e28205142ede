"""Settings fail with every problem named; logs and Sentry events never carry credentials."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from fastapi.testclient import TestClient

from app.observability import JsonFormatter, scrub_event
from app.settings import Settings, SettingsError
from tests.app import seed
from tests.app.identity import Identity

GOOD = {
    "DATABASE_URL": "postgresql://crm@db.example.test/crm",
    "JWT_ISSUER": "https://abcdefghijklmnopqrst.supabase.co/auth/v1",
}


def test_every_settings_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(
            {
                "JWT_ALGORITHMS": "none,RS256",
                "LOG_LEVEL": "loud",
                "DB_POOL_MIN_SIZE": "20",
                "DB_POOL_MAX_SIZE": "5",
                "DB_PREPARE_THRESHOLD": "sometimes",
                "REDIS_URL": "http://x",
            }
        )
    text = str(err.value)
    for name in (
        "DATABASE_URL",
        "JWT_ISSUER",
        "JWT_ALGORITHMS",
        "LOG_LEVEL",
        "DB_POOL_MIN_SIZE",
        "DB_PREPARE_THRESHOLD",
        "REDIS_URL",
    ):
        assert name in text, name


def test_valid_settings_hide_secrets_in_repr() -> None:
    s = Settings.from_env(
        {
            **GOOD,
            "SUPABASE_JWT_SECRET": "fake-" + "s" * 40,
            "DB_PREPARE_THRESHOLD": "none",
            "METRICS_TOKEN": "fake-metrics",
        }
    )
    assert s.prepare_threshold is None
    assert s.effective_jwks_url.endswith("/auth/v1/.well-known/jwks.json")
    shown = repr(s)
    assert "fake-" not in shown and "crm@db" not in shown


def test_json_log_lines_redact_tokens() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    record = logging.LogRecord(
        "app",
        logging.WARNING,
        __file__,
        1,
        "upstream said Bearer fake-abc123 and %s",
        (token,),
        None,
    )
    line = json.loads(JsonFormatter().format(record))
    assert "fake-abc123" not in line["msg"] and token not in line["msg"]
    assert line["level"] == "warning" and "[redacted]" in line["msg"]


def test_access_log_has_request_id_and_route_not_query(
    api: TestClient, identity: Identity, module_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    who = seed.member(module_dsn, seed.organization(module_dsn, "Logs"))
    token = identity.token(who.user_id)
    with caplog.at_level(logging.INFO, logger="app.access"):
        r = api.get(
            "/students",
            params={"q": "secret-search-term"},
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-42"},
        )
    assert r.headers["x-request-id"] == "req-42"
    records = [rec for rec in caplog.records if rec.name == "app.access"]
    assert records and records[-1].request_id == "req-42"  # type: ignore[attr-defined]
    assert records[-1].route == "/students"  # type: ignore[attr-defined]
    formatted = JsonFormatter().format(records[-1])
    assert "secret-search-term" not in formatted and token not in formatted
    r = api.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces"
    uuid.UUID(r.headers["x-request-id"])


def test_sentry_events_lose_credentials() -> None:
    event = {
        "request": {
            "headers": {"Authorization": "Bearer fake-t", "Accept": "*/*"},
            "query_string": "q=name",
        }
    }
    out = scrub_event(event, None)
    assert out["request"]["headers"] == {"Authorization": "[redacted]", "Accept": "*/*"}
    assert out["request"]["query_string"] == "[redacted]"

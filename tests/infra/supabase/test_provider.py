"""The settings provider's CRUD, drift and diff against the contract-held fake, and pickling."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dill
import httpx
import pytest
import respx
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from infra.http_api.transport import RetryPolicy
from infra.railway.providers import ServiceInstanceProvider
from infra.supabase.provider import DRIFTED, SECRET_HASHES, SettingsProvider
from infra.supabase.settings import (
    AuthSettings,
    NetworkRestrictionSettings,
    PostgresSettings,
    PostgrestSettings,
    SslEnforcementSettings,
)
from tests.infra.supabase.fake_api import PROJECT_REF, FakeSupabase, hashed

FAKE_TOKEN = "fake-supabase-pat-provider"
AUTH_PROPS: dict[str, Any] = {
    "project_ref": PROJECT_REF,
    "site_url": "https://app.careers.example.org",
    "uri_allow_list": "https://app.careers.example.org/**,https://api.careers.example.org/**",
    "mailer_otp_exp": 3600.0,  # the engine hands numbers over as floats
    "password_min_length": 12.0,
    "smtp_pass": "fake-smtp-password-one",
    "security_captcha_secret": "fake-turnstile-secret-one",
}


@pytest.fixture
def fake() -> Iterator[FakeSupabase]:
    api = FakeSupabase()
    with respx.mock(assert_all_called=False) as router:
        router.route(host="api.supabase.com").mock(side_effect=api)
        yield api


def configured(provider: SettingsProvider) -> SettingsProvider:
    config = Config({"careers-crm:supabase.accessToken": FAKE_TOKEN}, "careers-crm")
    provider.configure(ConfigureRequest(config))
    return provider


def auth_provider() -> SettingsProvider:
    return configured(SettingsProvider(AuthSettings(), policy=RetryPolicy(max_attempts=1)))


def test_create_patches_only_managed_fields(fake: FakeSupabase) -> None:
    result = auth_provider().create(dict(AUTH_PROPS))
    [(method, _path, body)] = fake.requests
    assert method == "PATCH"
    assert set(body) == set(AUTH_PROPS) - {"project_ref"}
    assert body["mailer_otp_exp"] == 3600 and isinstance(body["mailer_otp_exp"], int)
    assert fake.auth["mailer_otp_exp"] == 3600
    assert fake.auth["jwt_exp"] == 3600  # untouched
    assert result.outs is not None
    assert result.outs[SECRET_HASHES]["smtp_pass"] == hashed("fake-smtp-password-one")
    assert result.id == f"{PROJECT_REF}/auth-config"


def test_read_shows_drift_and_no_perpetual_diff_on_hashed_secrets(fake: FakeSupabase) -> None:
    provider = auth_provider()
    outs = provider.create(dict(AUTH_PROPS)).outs
    assert outs is not None
    refreshed = provider.read(f"{PROJECT_REF}/auth-config", outs).outs
    # the API answers secrets hashed; unchanged secrets must not look changed
    assert refreshed["smtp_pass"] == "fake-smtp-password-one"
    assert provider.diff("x", refreshed, dict(AUTH_PROPS)).changes is False

    fake.auth["mailer_otp_exp"] = 86400  # someone edits the dashboard
    fake.auth["smtp_pass"] = "fake-changed-in-dashboard"
    drifted = provider.read(f"{PROJECT_REF}/auth-config", refreshed).outs
    assert drifted["mailer_otp_exp"] == 86400
    assert drifted["smtp_pass"] == DRIFTED
    diff = provider.diff("x", drifted, dict(AUTH_PROPS))
    assert diff.changes is True and diff.replaces == []
    fake.requests.clear()
    provider.update("x", drifted, dict(AUTH_PROPS))  # the next `up` restores both
    [(_m, _p, body)] = fake.requests
    assert body == {"mailer_otp_exp": 3600, "smtp_pass": "fake-smtp-password-one"}
    assert fake.auth["smtp_pass"] == "fake-smtp-password-one"


def test_update_sends_only_changed_fields_and_restores_secrets(fake: FakeSupabase) -> None:
    provider = auth_provider()
    outs = provider.create(dict(AUTH_PROPS)).outs
    assert outs is not None
    fake.requests.clear()
    news = {**AUTH_PROPS, "password_min_length": 14.0, "smtp_pass": "fake-smtp-password-two"}
    assert provider.diff("x", outs, news).changes is True
    updated = provider.update("x", outs, news).outs
    [(_m, _p, body)] = fake.requests
    assert body == {"password_min_length": 14, "smtp_pass": "fake-smtp-password-two"}
    assert updated is not None
    assert updated[SECRET_HASHES]["smtp_pass"] == hashed("fake-smtp-password-two")
    assert updated[SECRET_HASHES]["security_captcha_secret"] == hashed("fake-turnstile-secret-one")


def test_project_ref_change_replaces() -> None:
    diff = auth_provider().diff("x", dict(AUTH_PROPS), {**AUTH_PROPS, "project_ref": "z" * 20})
    assert diff.replaces == ["project_ref"]


def test_delete_leaves_the_settings_and_sends_nothing(
    fake: FakeSupabase, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = configured(SettingsProvider(SslEnforcementSettings(), write_all=True))
    outs = provider.create({"project_ref": PROJECT_REF, "database": True}).outs
    fake.requests.clear()
    provider.delete(f"{PROJECT_REF}/ssl-enforcement", outs or {})
    assert fake.requests == []
    assert fake.ssl_database is True


def test_network_restrictions_compare_as_sets_and_always_send_both_lists(
    fake: FakeSupabase,
) -> None:
    provider = configured(SettingsProvider(NetworkRestrictionSettings(), write_all=True))
    props = {
        "project_ref": PROJECT_REF,
        "db_allowed_cidrs": ["203.0.113.0/24", "198.51.100.7/32"],
        "db_allowed_cidrs_v6": [],
    }
    outs = provider.create(props).outs
    assert fake.cidrs == (["203.0.113.0/24", "198.51.100.7/32"], [])
    assert outs is not None
    reordered = {**props, "db_allowed_cidrs": ["198.51.100.7/32", "203.0.113.0/24"]}
    assert provider.diff("x", outs, reordered).changes is False
    fake.requests.clear()
    provider.update("x", outs, {**props, "db_allowed_cidrs_v6": ["2001:db8::/32"]})
    [(_m, _p, body)] = fake.requests
    assert body["dbAllowedCidrs"] == props["db_allowed_cidrs"]
    assert body["dbAllowedCidrsV6"] == ["2001:db8::/32"]


def test_postgrest_and_postgres_round_trip(fake: FakeSupabase) -> None:
    postgrest = configured(SettingsProvider(PostgrestSettings()))
    props = {"project_ref": PROJECT_REF, "db_schema": "api", "max_rows": 500.0}
    outs = postgrest.create(props).outs
    assert outs is not None and "jwt_secret" not in str(outs)
    assert postgrest.read("x", outs).outs["max_rows"] == 500
    postgres = configured(SettingsProvider(PostgresSettings(), write_all=True))
    pg_outs = postgres.create({"project_ref": PROJECT_REF, "statement_timeout": "8s"}).outs
    fake.postgres["statement_timeout"] = "2min"
    assert postgres.read("x", pg_outs or {}).outs["statement_timeout"] == "2min"


def test_a_half_failed_create_is_safe_to_repeat(fake: FakeSupabase) -> None:
    """Settings PATCHes are idempotent: a retried create converges, never duplicates."""
    provider = auth_provider()
    fake.failures = [lambda _r: httpx.Response(500)]
    with pytest.raises(Exception, match="server error 500"):
        provider.create(dict(AUTH_PROPS))
    outs = provider.create(dict(AUTH_PROPS)).outs
    assert outs is not None and fake.auth["password_min_length"] == 12


def test_check_refuses_a_bad_project_ref() -> None:
    result = auth_provider().check({}, {**AUTH_PROPS, "project_ref": "nope"})
    assert [f.property for f in result.failures] == ["project_ref"]


@pytest.mark.parametrize(
    "kind",
    [
        AuthSettings(),
        SslEnforcementSettings(),
        NetworkRestrictionSettings(),
        PostgrestSettings(),
        PostgresSettings(),
    ],
)
def test_provider_survives_pickling_and_runs_crud(fake: FakeSupabase, kind: Any) -> None:
    original = SettingsProvider(kind, write_all=True)
    blob = dill.dumps(original, recurse=True)
    assert FAKE_TOKEN.encode() not in blob
    provider: SettingsProvider = configured(dill.loads(blob))
    props: dict[str, Any] = {
        AuthSettings: {"project_ref": PROJECT_REF, "jwt_exp": 1800},
        SslEnforcementSettings: {"project_ref": PROJECT_REF, "database": True},
        NetworkRestrictionSettings: {
            "project_ref": PROJECT_REF,
            "db_allowed_cidrs": ["203.0.113.0/24"],
            "db_allowed_cidrs_v6": [],
        },
        PostgrestSettings: {"project_ref": PROJECT_REF, "max_rows": 100},
        PostgresSettings: {"project_ref": PROJECT_REF, "statement_timeout": "5s"},
    }[type(kind)]
    created = provider.create(dict(props))
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert provider.diff(created.id, read.outs, dict(props)).changes is False
    provider.update(created.id, read.outs, dict(props))
    provider.delete(created.id, read.outs)


def test_serialized_providers_load_in_a_fresh_provider_process() -> None:
    """Pulumi's own serializer, then a new interpreter (as the dynamic provider host runs,
    from the project root): the provider classes must load by import and run."""
    blobs = [
        serialize_provider(SettingsProvider(AuthSettings())),
        serialize_provider(ServiceInstanceProvider()),
    ]
    script = (
        "import base64, sys, dill\n"
        "for blob in sys.argv[1:]:\n"
        "    p = dill.loads(base64.b64decode(blob))\n"
        "    d = p.diff('x', {'project_ref': 'a', 'numReplicas': 1.0},"
        " {'project_ref': 'a', 'numReplicas': 2})\n"
        "    print(type(p).__name__, d.changes)\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", script, *blobs],
        cwd=root,
        text=True,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["SettingsProvider", "True", "ServiceInstanceProvider", "True"]
    assert all(base64.b64decode(b) for b in blobs)

"""Rate limits, server errors, timeouts, garbage and bad tokens: bounded, clear, secret-free."""

from __future__ import annotations

import logging
import random

import httpx
import pytest

from infra.http_api.errors import (
    ApiAuthError,
    ApiRateLimitError,
    ApiResponseError,
    ApiUnavailableError,
)
from infra.http_api.transport import RetryPolicy
from infra.supabase.client import SupabaseClient
from tests.infra.supabase.fake_api import PROJECT_REF, FakeSupabase

FAKE_TOKEN = "fake-supabase-pat-abc123"
FAKE_SMTP_PASSWORD = "fake-smtp-password-xyz"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(
    fake: FakeSupabase, sleeps: Sleeps, policy: RetryPolicy | None = None
) -> SupabaseClient:
    return SupabaseClient(
        FAKE_TOKEN,
        transport=httpx.MockTransport(fake),
        sleep=sleeps,
        policy=policy,
        rng=random.Random(7),
    )


def reply(status: int, **kwargs: object) -> object:
    return lambda _request: httpx.Response(status, **kwargs)  # type: ignore[arg-type]


def test_429_waits_as_told_then_succeeds() -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [
        reply(
            429,
            headers={"Retry-After": "3", "X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "0"},
            json={"message": "Too many requests"},
        ),
        reply(429, headers={"X-RateLimit-Reset": "2", "X-RateLimit-Remaining": "0"}),
    ]
    with make_client(fake, sleeps) as client:
        assert client.get_ssl_enforcement(PROJECT_REF)["currentConfig"]["database"] is False
        assert client.requests_sent == 3
    assert sleeps == [3.0, 2.0]


def test_429_beyond_the_wait_budget_fails_clearly_without_sleeping() -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [reply(429, headers={"Retry-After": "3600"})]
    with make_client(fake, sleeps) as client, pytest.raises(ApiRateLimitError) as err:
        client.get_auth_config(PROJECT_REF)
    assert "v1-get-auth-service-config" in str(err.value)
    assert "3600 s" in str(err.value)
    assert sleeps == []


def test_5xx_is_retried_with_bounded_exponential_backoff_and_jitter() -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [reply(502), reply(503), reply(500)]
    policy = RetryPolicy(max_attempts=5, base_delay_s=0.5, max_delay_s=8.0)
    with make_client(fake, sleeps, policy) as client:
        assert client.get_postgres_config(PROJECT_REF)["max_connections"] == 60
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps, start=1):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(sleeps)) == 3  # jittered, not a fixed schedule


def test_5xx_gives_up_after_the_attempt_bound() -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [reply(500)] * 10
    with make_client(fake, sleeps, RetryPolicy(max_attempts=3)) as client:
        with pytest.raises(ApiUnavailableError, match="v1-list-all-backups: server error 500"):
            client.list_backups(PROJECT_REF)
        assert client.requests_sent == 3
    assert len(sleeps) == 2


def test_timeout_names_the_operation() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [timeout] * 3
    expected = "v1-get-postgrest-service-config: timed out"
    with (
        make_client(fake, sleeps, RetryPolicy(max_attempts=3, timeout_s=5)) as client,
        pytest.raises(ApiUnavailableError, match=expected),
    ):
        client.get_postgrest_config(PROJECT_REF)


def test_malformed_json_names_the_operation() -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [reply(200, content=b"<html>502 Bad Gateway</html>")]
    expected = "v1-get-network-restrictions: malformed JSON"
    with make_client(fake, sleeps) as client, pytest.raises(ApiResponseError, match=expected):
        client.get_network_restrictions(PROJECT_REF)


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_name_the_config_key_and_the_scope(status: int) -> None:
    fake, sleeps = FakeSupabase(), Sleeps()
    fake.failures = [reply(status, json={"message": f"Unauthorized {FAKE_TOKEN}"})]
    with make_client(fake, sleeps) as client, pytest.raises(ApiAuthError) as err:
        client.update_ssl_enforcement(PROJECT_REF, database=True)
    text = str(err.value)
    assert "careers-crm:supabase.accessToken" in text
    assert "database_ssl_config_write" in text
    assert FAKE_TOKEN not in text


def test_no_secret_in_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake, sleeps = FakeSupabase(), Sleeps()
    echo = {"message": f"smtp_pass {FAKE_SMTP_PASSWORD} rejected for token {FAKE_TOKEN}"}
    fake.failures = [reply(503), reply(422, json=echo)]
    with make_client(fake, sleeps) as client, pytest.raises(ApiResponseError) as err:
        client.update_auth_config(PROJECT_REF, {"smtp_pass": FAKE_SMTP_PASSWORD})
    everything = str(err.value) + "\n" + caplog.text
    assert "422" in str(err.value)
    assert FAKE_SMTP_PASSWORD not in everything
    assert FAKE_TOKEN not in everything
    assert "[redacted]" in str(err.value)


def test_missing_token_names_the_config_key() -> None:
    with pytest.raises(ApiResponseError, match=r"careers-crm:supabase\.accessToken"):
        SupabaseClient("")


def test_bad_project_ref_is_refused_before_any_request() -> None:
    fake = FakeSupabase()
    with make_client(fake, Sleeps()) as client, pytest.raises(ApiResponseError, match="projectRef"):
        client.get_auth_config("Bad-Ref")
    assert fake.requests == []

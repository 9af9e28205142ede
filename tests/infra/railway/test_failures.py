"""Railway client failures: GraphQL errors, 429, 5xx, timeouts, garbage; never a secret leaked."""

from __future__ import annotations

import logging
import random

import httpx
import pytest

from infra.http_api.errors import (
    ApiAuthError,
    ApiNotFoundError,
    ApiRateLimitError,
    ApiResponseError,
    ApiUnavailableError,
)
from infra.http_api.transport import RetryPolicy
from infra.railway.client import RailwayClient
from tests.infra.railway.fake_api import FakeRailway

FAKE_TOKEN = "fake-railway-token-abc"
FAKE_SECRET = "fake-r2-secret-access-key-xyz"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(fake: FakeRailway, sleeps: Sleeps, attempts: int = 5) -> RailwayClient:
    return RailwayClient(
        FAKE_TOKEN,
        transport=httpx.MockTransport(fake),
        sleep=sleeps,
        policy=RetryPolicy(max_attempts=attempts, timeout_s=5),
        rng=random.Random(3),
    )


def test_429_waits_for_the_reset_then_succeeds() -> None:
    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [
        lambda _r: httpx.Response(
            429,
            headers={
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": "7",
            },
            json={"errors": [{"message": "Rate limit exceeded"}]},
        )
    ]
    with make_client(fake, sleeps) as client:
        assert client.projects(None) == []
        assert client.requests_sent == 2
    assert sleeps == [7.0]


def test_429_with_an_hour_to_wait_fails_fast_and_says_so() -> None:
    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [lambda _r: httpx.Response(429, headers={"Retry-After": "1800"})]
    with make_client(fake, sleeps) as client, pytest.raises(ApiRateLimitError, match="Projects"):
        client.projects(None)
    assert sleeps == []


def test_5xx_retries_are_bounded_and_jittered() -> None:
    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [lambda _r: httpx.Response(502)] * 2
    with make_client(fake, sleeps) as client:
        assert client.projects(None) == []
    assert len(sleeps) == 2 and sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0
    fake.failures = [lambda _r: httpx.Response(503)] * 9
    with (
        make_client(fake, sleeps, attempts=3) as client,
        pytest.raises(ApiUnavailableError, match="Projects: server error 503 after 3"),
    ):
        client.projects(None)


def test_timeout_and_malformed_json_name_the_operation() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [slow] * 2
    with (
        make_client(fake, sleeps, attempts=2) as client,
        pytest.raises(ApiUnavailableError, match="ServiceInstance: timed out"),
    ):
        client.service_instance("s", "e")
    fake.failures = [lambda _r: httpx.Response(200, content=b"{not json")]
    with (
        make_client(fake, sleeps) as client,
        pytest.raises(ApiResponseError, match="Domains: malformed JSON"),
    ):
        client.domains("p", "e", "s")


def test_graphql_not_authorized_names_the_config_key_and_the_scope() -> None:
    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [
        lambda _r: httpx.Response(
            200, json={"data": None, "errors": [{"message": "Not Authorized"}]}
        )
    ]
    with make_client(fake, sleeps) as client, pytest.raises(ApiAuthError) as err:
        client.project_create("careers-crm", workspace_id=None, description="")
    assert "careers-crm:railway.token" in str(err.value)
    assert "workspace token" in str(err.value)


def test_http_401_names_the_config_key() -> None:
    fake, sleeps = FakeRailway(), Sleeps()
    fake.failures = [lambda _r: httpx.Response(401, json={"message": "Unauthorized"})]
    with make_client(fake, sleeps) as client, pytest.raises(ApiAuthError, match=r"railway\.token"):
        client.projects(None)


def test_graphql_not_found_is_its_own_error() -> None:
    with (
        make_client(FakeRailway(), Sleeps()) as client,
        pytest.raises(ApiNotFoundError, match="Project: Project nope not found"),
    ):
        client.project("nope")


def test_no_secret_in_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake, sleeps = FakeRailway(), Sleeps()
    echo = {"errors": [{"message": f"invalid value {FAKE_SECRET} (token {FAKE_TOKEN})"}]}
    fake.failures = [lambda _r: httpx.Response(500), lambda _r: httpx.Response(200, json=echo)]
    with make_client(fake, sleeps) as client, pytest.raises(ApiResponseError) as err:
        client.variable_collection_upsert("p", "e", "s", {"R2_SECRET_ACCESS_KEY": FAKE_SECRET})
    everything = str(err.value) + caplog.text
    assert FAKE_SECRET not in everything and FAKE_TOKEN not in everything
    assert "[redacted]" in str(err.value)

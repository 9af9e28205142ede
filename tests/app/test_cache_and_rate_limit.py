"""Read-through student cache and per-user write limits against a real redis-server."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.ratelimit import WINDOW_SECONDS
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.app.redis_server import running_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


def client(dsn: str, identity: Identity, **kw: object) -> TestClient:
    return TestClient(create_app(app_settings(dsn, identity, **kw)), raise_server_exceptions=False)


def bearer(identity: Identity, who: seed.Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.token(who.user_id)}"}


def fresh_window() -> None:
    """The limit counts per clock minute: start well inside one so the test cannot straddle."""
    into = time.time() % WINDOW_SECONDS
    if into > WINDOW_SECONDS - 10:
        time.sleep(WINDOW_SECONDS - into + 0.1)


def metric(c: TestClient, line_start: str) -> float:
    text = c.get("/metrics", headers={"Authorization": "Bearer fake-metrics-token"}).text
    for line in text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_read_through_with_invalidation_on_write(
    crm_dsn: str, identity: Identity, redis_url: str
) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org, "Hedy", "Lamarr")
    with client(crm_dsn, identity, redis_url=redis_url) as c:
        h = bearer(identity, who)
        assert c.get(f"/students/{sid}", headers=h).json()["first_name"] == "Hedy"
        # Change the row behind the API's back: a cache hit still shows the old value.
        with psycopg.connect(crm_dsn) as conn:
            conn.execute("UPDATE students SET first_name = 'Behind' WHERE id = %s", (sid,))
        assert c.get(f"/students/{sid}", headers=h).json()["first_name"] == "Hedy"
        assert metric(c, 'crm_cache_requests_total{result="hit"}') == 1
        # A write through the API invalidates: the next read sees the database.
        r = c.patch(f"/students/{sid}", json={"last_name": "Kiesler"}, headers=h)
        assert r.status_code == 200
        got = c.get(f"/students/{sid}", headers=h).json()
        assert (got["first_name"], got["last_name"]) == ("Behind", "Kiesler")
        c.post(f"/students/{sid}/archive", headers=h)
        assert c.get(f"/students/{sid}", headers=h).json()["archived_at"] is not None


def test_cache_never_crosses_organizations(
    crm_dsn: str, identity: Identity, redis_url: str
) -> None:
    a, b = seed.organization(crm_dsn, "A"), seed.organization(crm_dsn, "B")
    alice, bob = seed.member(crm_dsn, a), seed.member(crm_dsn, b)
    sid = seed.student(crm_dsn, a, "Only", "Alpha")
    with client(crm_dsn, identity, redis_url=redis_url) as c:
        for _ in range(2):  # warm the cache for alice, then try as bob twice
            assert c.get(f"/students/{sid}", headers=bearer(identity, alice)).status_code == 200
        for _ in range(2):
            assert c.get(f"/students/{sid}", headers=bearer(identity, bob)).status_code == 404


def test_writes_are_rate_limited_per_user_across_replicas(
    crm_dsn: str, identity: Identity, redis_url: str
) -> None:
    org = seed.organization(crm_dsn)
    noisy, quiet = seed.member(crm_dsn, org), seed.member(crm_dsn, org)
    body = {"first_name": "Rate", "last_name": "Limited"}
    fresh_window()
    with (
        client(crm_dsn, identity, redis_url=redis_url, rate_limit_writes_per_minute=3) as one,
        client(crm_dsn, identity, redis_url=redis_url, rate_limit_writes_per_minute=3) as two,
    ):
        statuses = [
            c.post(
                "/students",
                json={**body, "email": f"{uuid.uuid4().hex}@x.test"},
                headers=bearer(identity, noisy),
            ).status_code
            for c in (one, two, one, two)
        ]
        assert statuses[:3] == [201, 201, 201]
        assert statuses[3] == 429
        r = one.post(
            "/students", json={**body, "email": "late@x.test"}, headers=bearer(identity, noisy)
        )
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.headers["content-type"].startswith("application/problem+json")
        assert one.get("/students", headers=bearer(identity, noisy)).status_code == 200
        assert (
            one.post(
                "/students", json={**body, "email": "quiet@x.test"}, headers=bearer(identity, quiet)
            ).status_code
            == 201
        )


def test_redis_outage_does_not_break_the_api(crm_dsn: str, identity: Identity) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org)
    with running_redis() as url:
        c = client(crm_dsn, identity, redis_url=url)
        c.__enter__()
        assert c.get(f"/students/{sid}", headers=bearer(identity, who)).status_code == 200
    try:  # redis is gone now
        h = bearer(identity, who)
        assert c.get(f"/students/{sid}", headers=h).status_code == 200
        assert (
            c.patch(f"/students/{sid}", json={"first_name": "Still"}, headers=h).status_code == 200
        )
        assert metric(c, 'crm_cache_requests_total{result="error"}') >= 1
    finally:
        c.__exit__(None, None, None)


def test_without_redis_the_limit_is_kept_in_process(crm_dsn: str, identity: Identity) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org)
    fresh_window()
    with client(crm_dsn, identity, rate_limit_writes_per_minute=2) as c:
        codes = [
            c.post(
                f"/students/{sid}/notes", json={"body": f"n{i}"}, headers=bearer(identity, who)
            ).status_code
            for i in range(3)
        ]
    assert codes == [201, 201, 429]

"""The database login rotation, proven on a real PostgreSQL that checks passwords: the real
API (uvicorn, its pool reading DATABASE_URL from the Infisical store) serves a steady stream
of requests through two rotations, none fails, and each old password stops working."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest

from app.main import create_app
from app.migrate import migrate
from app.rotate_db_password import Rotation, RotationError, RotationSettings, login_of, with_login
from app.secrets import InfisicalApi, SecretStore, Source
from app.worker import Worker, WorkerSettings
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity, JwksServer
from tests.app.serving import serving
from tests.secrets.infisical import API_URL, World, world
from tests.support.postgres import PostgresServer, running_postgres

ADMIN_PASSWORD = "fake-admin-password-for-tests"


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    with running_postgres(password=ADMIN_PASSWORD) as server:
        yield server


@pytest.fixture(scope="module")
def ident() -> Iterator[Identity]:
    with JwksServer() as identity:
        yield identity


def crm_database(pg: PostgresServer, name: str) -> str:
    dsn = pg.create_database(name)
    migrate(dsn)
    # The group role holding the app's privileges (what the runbook creates on Supabase).
    pg.psql(
        name,
        "DO $$ BEGIN CREATE ROLE crm_app NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
    )
    pg.psql(name, "GRANT postgres TO crm_app")
    return dsn


def rotation(w: World, admin_dsn: str, grace: float, sleep: object = time.sleep) -> Rotation:
    settings = RotationSettings(
        admin_url=admin_dsn,
        api_url=API_URL,
        token="",
        project_id=w.project_id,
        environment="prod",
        grace_seconds=grace,
    )
    api = InfisicalApi(API_URL, w.http())
    api.use_token(w.fake.admin_token)  # the rotation workflow's OIDC-issued token
    return Rotation(settings, api, sleep=sleep, say=lambda _line: None)  # type: ignore[arg-type]


def can_log_in(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError as exc:
        assert "password authentication failed" in str(exc) or "not permitted to log in" in str(exc)
        return False


def api_logins(admin: str) -> set[str]:
    with psycopg.connect(admin) as conn:
        rows = conn.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'crm-api'"
        ).fetchall()
    return {str(r[0]) for r in rows}


@dataclass
class Load:
    """Client threads calling the API without pause; every non-200 is recorded."""

    base: str
    path: str
    headers: dict[str, str]
    ok: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as http:
            while not self.stop.is_set():
                try:
                    reply = http.get(self.path)
                except httpx.HTTPError as exc:
                    self.failures.append(type(exc).__name__)
                    continue
                if reply.status_code == 200:
                    self.ok += 1
                else:
                    self.failures.append(f"{reply.status_code} {reply.text[:200]}")


def test_first_rotation_needs_the_group_role(pg: PostgresServer) -> None:
    dsn = pg.create_database("crm_no_group")
    with pytest.raises(RotationError, match="group role 'crm_app' does not exist"):
        rotation(world(), dsn, grace=0).run(force=True)


def test_rotation_under_load_loses_no_request_and_retires_the_old_password(
    pg: PostgresServer, ident: Identity
) -> None:
    admin = crm_database(pg, "crm_rotation")
    w = world()
    # First run: no login yet, DATABASE_URL is written for the API and the worker.
    assert rotation(w, admin, grace=0).run(force=True).startswith("rotated: crm_app_a")
    first_url = w.value("DATABASE_URL")
    assert login_of(first_url) == "crm_app_a" and w.value("DATABASE_URL", "/worker") == first_url
    assert can_log_in(first_url)

    org = seed.organization(admin)
    who = seed.member(admin, org)
    sid = seed.student(admin, org)
    store = SecretStore(
        Source.from_env(w.env(INFISICAL_REFRESH_SECONDS="0.2")) or pytest.fail("no source"),
        w.http(),
    )
    store.start()
    store.run_in_background()
    settings = app_settings(
        first_url, ident, pool_min_size=2, pool_max_size=6, pool_max_lifetime_seconds=1.0
    )
    headers = {"Authorization": f"Bearer {ident.token(who.user_id)}"}
    with serving(create_app(settings, store)) as base:
        load = Load(base, f"/students/{sid}", headers)
        threads = [threading.Thread(target=load.run) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            # Grace 3 s > refresh 0.2 s + pool lifetime 1 s (+ jitter): as the job's default
            # 900 s relates to the production refresh (300 s) and pool lifetime (600 s).
            assert "crm_app_b is active" in rotation(w, admin, grace=3.0).run(force=True)
            second_url = w.value("DATABASE_URL")
            assert login_of(second_url) == "crm_app_b"
            # The pool moved over: every connection it holds now is the new login's.
            assert api_logins(admin) == {"crm_app_b"}
            assert "crm_app_a is active" in rotation(w, admin, grace=3.0).run(force=True)
            third_url = w.value("DATABASE_URL")
            time.sleep(0.5)
            assert api_logins(admin) == {"crm_app_a"}
        finally:
            load.stop.set()
            for t in threads:
                t.join(timeout=30)
            store.stop()
    assert load.failures == [], load.failures[:5]
    assert load.ok > 50, load.ok
    # Every retired password is dead; only the current login works.
    assert not can_log_in(first_url)
    assert not can_log_in(second_url)
    assert can_log_in(third_url)
    assert not can_log_in(with_login(third_url, "crm_app_b", "guess"))


def test_not_due_until_the_interval_has_passed(pg: PostgresServer) -> None:
    admin = crm_database(pg, "crm_rotation_due")
    w = world()
    job = rotation(w, admin, grace=0)
    job.run(force=True)
    before = w.value("DATABASE_URL")
    assert job.run().startswith("not due")
    assert w.value("DATABASE_URL") == before
    w.put("DB_PASSWORD_ROTATED_AT", "2026-01-01T00:00:00+00:00", path="/rotation")
    assert job.run().startswith("rotated")
    assert w.value("DATABASE_URL") != before


def test_the_password_never_reaches_the_server_log(pg: PostgresServer) -> None:
    admin = crm_database(pg, "crm_rotation_log")
    pg.psql("postgres", "ALTER SYSTEM SET log_statement = 'all'")
    pg.psql("postgres", "SELECT pg_reload_conf()")
    try:
        w = world()
        rotation(w, admin, grace=0).run(force=True)
        password = httpx.URL(w.value("DATABASE_URL")).password
    finally:
        pg.psql("postgres", "ALTER SYSTEM RESET log_statement")
        pg.psql("postgres", "SELECT pg_reload_conf()")
    server_log = (pg.socket_dir / "server.log").read_text()
    assert "ALTER ROLE" in server_log and "SCRAM-SHA-256$" in server_log
    assert password and password not in server_log


def test_the_worker_reconnects_with_the_rotated_login(pg: PostgresServer) -> None:
    """The worker holds one connection; when its DATABASE_URL changes it logs in again."""
    admin = crm_database(pg, "crm_rotation_worker")
    w = world()
    rotation(w, admin, grace=0).run(force=True)
    store = SecretStore(
        Source.from_env(w.env(INFISICAL_PATH="/worker", INFISICAL_REFRESH_SECONDS="0.1"))
        or pytest.fail("no source"),
        w.http(),
    )
    store.start()
    store.run_in_background()
    settings = WorkerSettings(
        database_url=store.get("DATABASE_URL"),
        resend_api_key="fake-resend-key",
        email_from="CRM <crm@example.test>",
        poll_seconds=0.05,
    )
    with httpx.Client() as http:
        worker = Worker(settings, http, database_url=store.getter("DATABASE_URL"))
        thread = threading.Thread(target=worker.run)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while worker_logins(admin) != {"crm_app_a"} and time.monotonic() < deadline:
                time.sleep(0.05)
            assert worker_logins(admin) == {"crm_app_a"}
            rotation(w, admin, grace=1.0).run(force=True)
            assert worker_logins(admin) == {"crm_app_b"}  # reconnected within the grace
        finally:
            worker.stopping = True
            thread.join(timeout=10)
            store.stop()
    assert not thread.is_alive()


def worker_logins(admin: str) -> set[str]:
    with psycopg.connect(admin) as conn:
        rows = conn.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'crm-worker'"
        ).fetchall()
    return {str(r[0]) for r in rows}

"""The API's and worker's secrets come from Infisical: loaded at start, refreshed on an
interval, last good values kept through an outage, and a clear refusal to start without them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import pytest

from app import secrets
from app.secrets import SecretsError, SecretStore, Source
from tests.secrets.infisical import CLIENT_SECRET, world
from tests.support.ports import free_port


def test_without_an_identity_the_plain_environment_is_used() -> None:
    env, store = secrets.bootstrap({"DATABASE_URL": "postgresql://x@h/db"})
    assert store is None and env == {"DATABASE_URL": "postgresql://x@h/db"}


def test_bad_bootstrap_settings_are_named_with_their_fix() -> None:
    with pytest.raises(SecretsError) as caught:
        Source.from_env({"INFISICAL_CLIENT_ID": "abc", "INFISICAL_REFRESH_SECONDS": "soon"})
    text = str(caught.value)
    for name in (
        "INFISICAL_CLIENT_SECRET",
        "INFISICAL_PROJECT_ID",
        "INFISICAL_PATH",
        "INFISICAL_REFRESH_SECONDS",
    ):
        assert name in text


def test_start_loads_the_folder_and_overrides_the_environment() -> None:
    w = world()
    w.put("DATABASE_URL", "postgresql://crm_app_a:pw-one@db/postgres")
    w.put("METRICS_TOKEN", "fake-metrics-token-abc")
    store = SecretStore(Source.from_env(w.env()) or pytest.fail("no source"), w.http())
    store.start()
    env = store.environ({"METRICS_TOKEN": "stale", "JWT_ISSUER": "https://x/auth/v1"})
    assert env["METRICS_TOKEN"] == "fake-metrics-token-abc"
    assert env["JWT_ISSUER"] == "https://x/auth/v1"
    assert w.fake.keys()[-2:] == [
        "POST /api/v1/auth/universal-auth/login",
        "GET /api/v3/secrets/raw",
    ]  # every request held to the vendored contract by the stand-in


def test_refresh_applies_a_rotation_and_an_outage_keeps_the_last_good_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = world()
    w.put("DATABASE_URL", "postgresql://crm_app_a:pw-one@db/postgres")
    store = SecretStore(Source.from_env(w.env()) or pytest.fail("no source"), w.http())
    store.start()
    current = store.getter("DATABASE_URL")
    w.put("DATABASE_URL", "postgresql://crm_app_b:pw-two@db/postgres")
    assert store.refresh() is True
    assert current() == "postgresql://crm_app_b:pw-two@db/postgres"
    caplog.set_level(logging.INFO, logger="app.secrets")
    w.fake.down = True
    assert store.refresh() is False
    assert current() == "postgresql://crm_app_b:pw-two@db/postgres"
    assert "keeping the values loaded" in caplog.text
    w.fake.down = False
    w.fake.tokens.clear()  # a revoked identity is an outage too: values kept, cause named
    w.fake.client_secrets.clear()
    assert store.refresh() is False
    assert "refused to log in (401)" in caplog.text
    for leaked in ("pw-two", "pw-one", CLIENT_SECRET):
        assert leaked not in caplog.text


def test_the_background_refresh_runs_on_its_interval() -> None:
    w = world()
    w.put("DATABASE_URL", "postgresql://crm_app_a:pw-one@db/postgres")
    env = w.env(INFISICAL_REFRESH_SECONDS="0.05")
    merged, store = secrets.bootstrap(env, w.http())
    assert store is not None and merged["DATABASE_URL"].startswith("postgresql://crm_app_a")
    try:
        w.put("DATABASE_URL", "postgresql://crm_app_b:pw-two@db/postgres")
        deadline = time.monotonic() + 5
        while store.get("DATABASE_URL").find("crm_app_b") < 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "crm_app_b" in store.get("DATABASE_URL")
    finally:
        store.stop()


def test_start_gives_up_within_its_timeout() -> None:
    w = world()
    w.fake.down = True
    slept: list[float] = []
    clock = iter(range(0, 1000))
    store = SecretStore(
        Source.from_env(w.env(INFISICAL_START_TIMEOUT_SECONDS="5")) or pytest.fail("no source"),
        w.http(),
        sleep=slept.append,
        clock=lambda: float(next(clock)),
    )
    with pytest.raises(SecretsError, match=r"unreachable \(ConnectError\) to log in"):
        store.start()
    assert 1 <= len(slept) <= 5


@pytest.mark.parametrize("module", ["app", "app.worker"])
def test_the_process_refuses_to_start_with_one_clear_line(module: str) -> None:
    """As Railway runs it: Infisical unreachable at start -> exit 3, no trace, no secret."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("INFISICAL_", "DATABASE_"))},
        "INFISICAL_API_URL": f"http://127.0.0.1:{free_port()}",
        "INFISICAL_CLIENT_ID": "0b9c6d1e-6a4f-4f0a-9d51-2f8f0c1a7e11",
        "INFISICAL_CLIENT_SECRET": CLIENT_SECRET,
        "INFISICAL_PROJECT_ID": "p",
        "INFISICAL_ENVIRONMENT": "prod",
        "INFISICAL_PATH": "/api",
        "INFISICAL_START_TIMEOUT_SECONDS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and CLIENT_SECRET not in done.stderr + done.stdout
    assert "cannot load secrets from prod:/api" in done.stderr
    assert "unreachable (ConnectError)" in done.stderr

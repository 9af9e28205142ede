"""Secrets at runtime, from Infisical: the API and the worker read their folder at start and
re-read it on an interval, so a rotated value applies without a redeploy.

Railway holds only how to log in (INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET of the
service's universal-auth identity) and where to read (INFISICAL_PROJECT_ID,
INFISICAL_ENVIRONMENT, INFISICAL_PATH). At start the folder must load within
INFISICAL_START_TIMEOUT_SECONDS or the process exits with one clear line (no trace, no value),
so the deploy's health check fails and Railway keeps the previous deployment. After start, a
failed refresh keeps the last good values and says so in the log.

Our own small httpx client rather than the official `infisicalsdk`: the SDK is built on
`requests` and ships boto3/botocore for AWS auth, dependencies this image does not need, and
its calls cannot be held to the vendored API contract in tests the way httpx transports can.
Without INFISICAL_CLIENT_ID the process reads its plain environment (local runs, tests).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger("app.secrets")

DEFAULT_API_URL = "https://app.infisical.com"


class SecretsError(RuntimeError):
    """Secrets cannot be loaded; the message names the cause and the fix, never a value."""


@dataclass(frozen=True)
class Source:
    """Where a process reads its secrets, from its (bootstrap) environment."""

    api_url: str
    client_id: str
    client_secret: str = field(repr=False)
    project_id: str
    environment: str
    path: str
    refresh_seconds: float = 300.0
    start_timeout_seconds: float = 30.0

    @property
    def where(self) -> str:
        return f"{self.environment}:{self.path} at {self.api_url}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Source | None:
        """None when no Infisical identity is configured (the plain environment is used)."""
        client_id = env.get("INFISICAL_CLIENT_ID", "").strip()
        if not client_id:
            return None
        problems = [
            f"{name} is missing: Pulumi sets it on the Railway service (stacks/secrets.py)"
            for name in (
                "INFISICAL_CLIENT_SECRET",
                "INFISICAL_PROJECT_ID",
                "INFISICAL_ENVIRONMENT",
                "INFISICAL_PATH",
            )
            if not env.get(name, "").strip()
        ]
        api_url = env.get("INFISICAL_API_URL", DEFAULT_API_URL).strip().rstrip("/")
        if not api_url.startswith(("https://", "http://")):
            problems.append(f"INFISICAL_API_URL={api_url!r} must be an https:// URL")
        numbers: dict[str, float] = {}
        for name, default, low in (
            ("INFISICAL_REFRESH_SECONDS", 300.0, 0.05),
            ("INFISICAL_START_TIMEOUT_SECONDS", 30.0, 0.0),
        ):
            raw = env.get(name, "").strip() or str(default)
            try:
                numbers[name] = float(raw)
            except ValueError:
                numbers[name] = -1.0
            if numbers[name] < low:
                problems.append(f"{name}={raw!r} must be a number of seconds >= {low:g}")
        if problems:
            raise SecretsError("invalid Infisical settings:\n  - " + "\n  - ".join(problems))
        path = env["INFISICAL_PATH"].strip()
        return cls(
            api_url=api_url,
            client_id=client_id,
            client_secret=env["INFISICAL_CLIENT_SECRET"].strip(),
            project_id=env["INFISICAL_PROJECT_ID"].strip(),
            environment=env["INFISICAL_ENVIRONMENT"].strip(),
            path=path if path.startswith("/") else f"/{path}",
            refresh_seconds=numbers["INFISICAL_REFRESH_SECONDS"],
            start_timeout_seconds=numbers["INFISICAL_START_TIMEOUT_SECONDS"],
        )


class InfisicalApi:
    """The few calls a consumer makes: log in, list a folder, write one secret (rotation)."""

    def __init__(self, api_url: str, http: httpx.Client) -> None:
        self._url = api_url
        self._http = http
        self._token = ""

    def universal_auth_login(self, client_id: str, client_secret: str) -> None:
        body = {"clientId": client_id, "clientSecret": client_secret}
        reply = self._send("log in", "POST", "/api/v1/auth/universal-auth/login", json=body)
        token = reply.get("accessToken")
        if not isinstance(token, str) or not token:
            raise SecretsError(f"Infisical at {self._url}: the login reply carries no token")
        self._token = token

    def use_token(self, token: str) -> None:
        self._token = token

    def list_secrets(self, project_id: str, environment: str, path: str) -> dict[str, str]:
        query = {"workspaceId": project_id, "environment": environment, "secretPath": path}
        reply = self._send("read secrets", "GET", "/api/v3/secrets/raw", params=query)
        items = reply.get("secrets")
        if not isinstance(items, list):
            raise SecretsError(f"Infisical at {self._url}: the secrets reply has no list")
        return {
            str(s["secretKey"]): str(s["secretValue"])
            for s in items
            if isinstance(s, dict) and "secretKey" in s and "secretValue" in s
        }

    def set_secret(
        self, project_id: str, environment: str, path: str, name: str, value: str
    ) -> None:
        """Update `name` (create it when missing): the rotation job's one write."""
        body = {
            "workspaceId": project_id,
            "environment": environment,
            "secretPath": path,
            "secretValue": value,
            "type": "shared",
        }
        where = f"/api/v3/secrets/raw/{name}"
        try:
            self._send(f"update {environment}:{path}/{name}", "PATCH", where, json=body)
        except _NotFound:
            self._send(f"create {environment}:{path}/{name}", "POST", where, json=body)

    def _send(self, what: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            response = self._http.request(method, self._url + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise SecretsError(
                f"Infisical at {self._url} is unreachable ({type(exc).__name__}) to {what}"
            ) from None
        if response.status_code == 404:
            raise _NotFound(what)
        if response.status_code in (401, 403):
            raise SecretsError(
                f"Infisical at {self._url} refused to {what} ({response.status_code}): check "
                "the identity's client id/secret (INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET) "
                "and its project role"
            )
        if response.status_code >= 300:
            raise SecretsError(
                f"Infisical at {self._url} answered {response.status_code} to {what}"
            )
        try:
            reply = response.json()
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise SecretsError(f"Infisical at {self._url}: malformed reply to {what}")
        return reply


class _NotFound(SecretsError):
    pass


def fetch(source: Source, http: httpx.Client) -> dict[str, str]:
    api = InfisicalApi(source.api_url, http)
    api.universal_auth_login(source.client_id, source.client_secret)
    return api.list_secrets(source.project_id, source.environment, source.path)


class SecretStore:
    """The last good values of one folder, refreshed by a daemon thread."""

    def __init__(
        self,
        source: Source,
        http: httpx.Client | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self._http = http or httpx.Client(timeout=10.0, headers={"User-Agent": "crm-secrets"})
        self._sleep, self._clock = sleep, clock
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.loaded_at: float | None = None
        self.last_error: str | None = None
        self.refreshes = 0

    def start(self) -> None:
        """Load the folder, retrying until the start timeout; else raise SecretsError."""
        deadline = self._clock() + self.source.start_timeout_seconds
        attempts, delay = 0, 0.5
        while True:
            attempts += 1
            try:
                self._set(fetch(self.source, self._http))
                return
            except SecretsError as exc:
                self.last_error = str(exc)
                if self._clock() + delay > deadline:
                    raise SecretsError(
                        f"cannot load secrets from {self.source.where} after {attempts} "
                        f"attempt(s) in {self.source.start_timeout_seconds:g} s: {exc}. Not "
                        "ready: fix Infisical access (docs/runbooks.md#secrets); the previous "
                        "deployment keeps serving"
                    ) from None
                self._sleep(delay)
                delay = min(delay * 2, 8.0)

    def refresh(self) -> bool:
        """Re-read the folder; on failure keep the last good values (short outages)."""
        try:
            values = fetch(self.source, self._http)
        except SecretsError as exc:
            self.last_error = str(exc)
            age = self._clock() - (self.loaded_at or self._clock())
            log.warning(
                "secrets: refresh failed, keeping the values loaded %.0f s ago: %s", age, exc
            )
            return False
        changed = sorted(k for k in values if values[k] != self._values.get(k))
        self._set(values)
        self.refreshes += 1
        if changed:
            log.info("secrets: refreshed from %s; changed: %s", self.source.where, changed)
        return True

    def _set(self, values: dict[str, str]) -> None:
        with self._lock:
            self._values = dict(values)
        self.loaded_at = self._clock()
        self.last_error = None

    def get(self, name: str, default: str = "") -> str:
        with self._lock:
            return self._values.get(name, default)

    def getter(self, name: str, default: str = "") -> Callable[[], str]:
        """A callable the pool asks for its conninfo on every new connection."""
        return lambda: self.get(name, default)

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """The process environment with the folder's values on top."""
        with self._lock:
            return {**base, **self._values}

    def run_in_background(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.source.refresh_seconds):
                self.refresh()

        self._thread = threading.Thread(target=loop, name="secrets-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def bootstrap(
    env: Mapping[str, str], http: httpx.Client | None = None
) -> tuple[dict[str, str], SecretStore | None]:
    """The environment a process runs with, and the store that keeps it fresh (if any)."""
    source = Source.from_env(env)
    if source is None:
        return dict(env), None
    store = SecretStore(source, http)
    store.start()
    store.run_in_background()
    log.info("secrets: loaded from %s; refreshing every %g s", source.where, source.refresh_seconds)
    return store.environ(env), store

"""One HTTP exchange with bounded retries, shared by the Supabase and Railway clients.

Both APIs run against production accounts with tight quotas (Supabase 120 req/min, Railway
Free 100 req/hour), so retries are bounded, 429 waits follow the server's headers up to a cap,
and every message goes through a redactor so no token or secret value reaches logs/errors.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from infra.http_api.errors import (
    ApiAuthError,
    ApiError,
    ApiNotFoundError,
    ApiRateLimitError,
    ApiResponseError,
    ApiUnavailableError,
)

LOG = logging.getLogger("infra.http_api")
REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 4


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for one logical call: attempts, backoff, and the longest 429 wait we accept."""

    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_rate_limit_wait_s: float = 60.0
    timeout_s: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff: spreads retries of parallel `pulumi up` steps."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return rng.uniform(ceiling / 2, ceiling)


@dataclass
class Redactor:
    """Replaces every known secret value in text; tokens and secret inputs register here."""

    _secrets: set[str] = field(default_factory=set)

    def add(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= _MIN_SECRET_LENGTH:
                self._secrets.add(value)

    def add_all(self, values: Iterable[str | None]) -> None:
        self.add(*values)

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


@dataclass(frozen=True)
class AuthHint:
    """What to tell the operator on 401/403: which config key holds the token, which scope."""

    config_key: str
    scope: str

    def message(self, status: int) -> str:
        problem = "was rejected (401)" if status == 401 else "lacks permission (403)"
        return (
            f"the token in Pulumi config `{self.config_key}` {problem}; set it with "
            f"`pulumi config set --secret {self.config_key} <token>` using a token that "
            f"grants `{self.scope}`"
        )


Sleep = Callable[[float], None]


def rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds the server asks us to wait, from Retry-After or X-RateLimit-Reset."""
    retry_after = response.headers.get("retry-after")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(retry_after)
            return max(0.0, parsed.timestamp() - now)
    reset = response.headers.get("x-ratelimit-reset")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            return None
        if value > 1e12:  # epoch milliseconds
            return max(0.0, value / 1000 - now)
        if value > 1e9:  # epoch seconds
            return max(0.0, value - now)
        return max(0.0, value)  # seconds until reset
    return None


@dataclass
class Exchange:
    """Sends requests for one client: owns the retry policy, redactor and sleep/clock seams."""

    client: httpx.Client
    auth_hint: AuthHint
    redactor: Redactor
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Sleep = time.sleep
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)
    requests_sent: int = 0

    def send(
        self, operation: str, request: httpx.Request, *, scope: str, idempotent: bool = True
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise an ApiError naming `operation`.

        A non-idempotent request (a create) is never re-sent after a timeout or 5xx: the
        server may have acted on it. The error stops the step; the next `up` adopts what was
        made. A 429 is always safe to retry (the server refused the request).
        """
        waited_for_rate_limit = 0.0
        for attempt in range(1, self.policy.max_attempts + 1):
            last = attempt == self.policy.max_attempts or not idempotent
            try:
                self.requests_sent += 1
                response = self.client.send(request)
            except httpx.TimeoutException:
                if last:
                    raise ApiUnavailableError(
                        operation,
                        f"timed out after {self.policy.timeout_s:g} s on each of "
                        f"{attempt} attempts",
                    ) from None
                self._pause(operation, attempt, "timeout")
                continue
            except httpx.TransportError as exc:
                if last:
                    raise ApiUnavailableError(
                        operation, self.redactor.scrub(f"network error: {type(exc).__name__}")
                    ) from None
                self._pause(operation, attempt, type(exc).__name__)
                continue

            status = response.status_code
            if 200 <= status < 300:
                return response
            if status == 429:
                last = attempt == self.policy.max_attempts
            if status in (401, 403):
                hint = dataclasses.replace(self.auth_hint, scope=scope)  # keeps subclasses
                raise ApiAuthError(operation, hint.message(status))
            if status == 404:
                raise ApiNotFoundError(operation, f"not found (404): {self._detail(response)}")
            if status == 429:
                wait = rate_limit_wait(response, self.clock())
                if wait is None:
                    wait = self.policy.backoff(attempt, self.rng)
                if last or waited_for_rate_limit + wait > self.policy.max_rate_limit_wait_s:
                    raise ApiRateLimitError(
                        operation,
                        f"rate limited (429); the API asked for {wait:.0f} s more, beyond our "
                        f"{self.policy.max_rate_limit_wait_s:.0f} s budget: re-run later",
                    )
                waited_for_rate_limit += wait
                LOG.warning("%s: rate limited, waiting %.1f s as told", operation, wait)
                self.sleep(wait)
                continue
            if status >= 500:
                if last:
                    raise ApiUnavailableError(
                        operation, f"server error {status} after {attempt} attempts"
                    )
                self._pause(operation, attempt, f"HTTP {status}")
                continue
            raise ApiResponseError(operation, f"refused ({status}): {self._detail(response)}")
        raise ApiError(operation, "retry loop exhausted")  # pragma: no cover - loop returns

    def _pause(self, operation: str, attempt: int, reason: str) -> None:
        delay = self.policy.backoff(attempt, self.rng)
        LOG.warning("%s: %s, retry %d in %.2f s", operation, reason, attempt, delay)
        self.sleep(delay)

    def _detail(self, response: httpx.Response) -> str:
        """The API's own message (scrubbed, truncated): bodies may echo what we sent."""
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return "no JSON detail"
        if isinstance(body, dict):
            for key in ("message", "error", "msg"):
                if isinstance(body.get(key), str):
                    return self.redactor.scrub(str(body[key]))[:300]
        return "no message in reply"


def decode_json(operation: str, response: httpx.Response) -> Any:
    """Parse a reply body, turning garbage into a clear error that names the operation."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiResponseError(
            operation,
            f"malformed JSON in the {response.status_code} reply "
            f"({len(response.content)} bytes); the API may be degraded, retry later",
        ) from None

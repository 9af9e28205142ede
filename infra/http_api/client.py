"""The part every API client of ours shares: a bearer token that is checked, registered with
the redactor before anything is sent, and one retrying exchange per client."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Self, TypedDict, Unpack

import httpx

from infra.http_api.errors import ApiResponseError
from infra.http_api.transport import AuthHint, Exchange, Redactor, RetryPolicy


class ClientOptions(TypedDict, total=False):
    """How a client talks to its API; tests pass a fake transport, no-op sleep, seeded rng."""

    policy: RetryPolicy
    transport: httpx.BaseTransport
    sleep: Callable[[float], None]
    rng: random.Random


class BearerClient:
    """One client per provider call; providers never hold (or pickle) a client or token."""

    def __init__(
        self,
        token: str,
        *,
        service: str,
        token_name: str,
        token_placeholder: str,
        auth_hint: AuthHint,
        base_url: str = "",
        **options: Unpack[ClientOptions],
    ) -> None:
        if not token:
            key = auth_hint.config_key
            raise ApiResponseError(
                f"{service} client",
                f"no {token_name}: set `pulumi config set --secret {key} <{token_placeholder}>`",
            )
        self._policy = options.get("policy") or RetryPolicy()
        self.redactor = Redactor()
        self.redactor.add(token)
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=self._policy.timeout_s,
            transport=options.get("transport"),
        )
        self._exchange = Exchange(
            client=self._http,
            auth_hint=auth_hint,
            redactor=self.redactor,
            policy=self._policy,
            sleep=options.get("sleep", time.sleep),
            rng=options.get("rng") or random.Random(),
        )

    @property
    def requests_sent(self) -> int:
        return self._exchange.requests_sent

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

"""The part every API client of ours shares: a bearer token that is checked, registered with
the redactor before anything is sent, and one retrying exchange per client."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Self

import httpx

from infra.http_api.errors import ApiResponseError
from infra.http_api.transport import AuthHint, Exchange, Redactor, RetryPolicy


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
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not token:
            key = auth_hint.config_key
            raise ApiResponseError(
                f"{service} client",
                f"no {token_name}: set `pulumi config set --secret {key} <{token_placeholder}>`",
            )
        self._policy = policy or RetryPolicy()
        self.redactor = Redactor()
        self.redactor.add(token)
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=self._policy.timeout_s,
            transport=transport,
        )
        self._exchange = Exchange(
            client=self._http,
            auth_hint=auth_hint,
            redactor=self.redactor,
            policy=self._policy,
            sleep=sleep,
            rng=rng or random.Random(),
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

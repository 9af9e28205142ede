"""Request dependencies: the app's shared state, the verified caller, the write rate limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import AsyncConnectionPool

from app.auth import AuthError, JwtVerifier, Principal
from app.cache import StudentCache
from app.db import Tx, staff_transaction
from app.metrics import ApiMetrics
from app.problems import Problem
from app.ratelimit import RateLimiter
from app.settings import Settings

bearer = HTTPBearer(auto_error=False, description="Supabase access token (JWT)")


@dataclass
class AppState:
    settings: Settings
    pool: AsyncConnectionPool[Any]
    verifier: JwtVerifier
    metrics: ApiMetrics
    limiter: RateLimiter
    cache: StudentCache | None


def state(request: Request) -> AppState:
    return request.app.state.crm  # type: ignore[no-any-return]


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    st = state(request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        st.metrics.jwt_rejections.labels(reason="missing").inc()
        raise Problem(
            401,
            "sign in: send Authorization: Bearer <Supabase access token>",
            headers={"WWW-Authenticate": 'Bearer realm="crm"'},
        )
    try:
        return await st.verifier.verify(credentials.credentials)
    except AuthError as exc:
        st.metrics.jwt_rejections.labels(reason=exc.reason).inc()
        raise Problem(
            401,
            exc.detail,
            headers={"WWW-Authenticate": 'Bearer realm="crm", error="invalid_token"'},
        ) from None


async def writer(request: Request, who: Annotated[Principal, Depends(principal)]) -> Principal:
    """The caller, counted against the per-user write limit."""
    st = state(request)
    wait = await st.limiter.hit(who.user_id)
    if wait is not None:
        st.metrics.rate_limited.inc()
        raise Problem(
            429,
            f"too many writes: at most {st.limiter.limit} a minute, retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return who


Caller = Annotated[Principal, Depends(principal)]
Writer = Annotated[Principal, Depends(writer)]


@asynccontextmanager
async def tx(request: Request, who: Principal) -> AsyncIterator[Tx]:
    st = state(request)
    async with staff_transaction(st.pool, who, st.metrics.statement_duration.observe) as t:
        yield t

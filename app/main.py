"""The FastAPI application, built in-process from a Settings object (tests, bench, uvicorn)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import problems
from app.auth import JwtVerifier
from app.cache import StudentCache
from app.db import make_pool
from app.deps import AppState
from app.metrics import ApiMetrics
from app.observability import LogBytesHandler, RequestContextMiddleware, init_sentry
from app.ratelimit import RateLimiter
from app.routes import notes, ops, pipeline, reminders, staff, students
from app.secrets import SecretStore
from app.settings import Settings

DESCRIPTION = """Career Services CRM API. Every endpoint except the operations ones needs a
Supabase access token (`Authorization: Bearer <jwt>`); PostgreSQL row level security limits
each staff member to their organization. Errors are RFC 9457 `application/problem+json`."""


def create_app(settings: Settings, secrets: SecretStore | None = None) -> FastAPI:
    """`secrets`: the Infisical folder the process started from, kept fresh (app/secrets.py)."""
    metrics = ApiMetrics(settings.version)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        init_sentry(settings)
        log_counter = LogBytesHandler(metrics)
        logging.getLogger().addHandler(log_counter)
        pool = make_pool(
            settings,
            secrets.getter("DATABASE_URL", settings.database_url) if secrets else None,
        )
        metrics.watch_pool(pool.get_stats)
        await pool.open(wait=False)
        http = httpx.AsyncClient(headers={"User-Agent": "crm-api"})
        redis_client = (
            aioredis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            if settings.redis_url
            else None
        )
        app.state.crm = AppState(
            settings=settings,
            pool=pool,
            verifier=JwtVerifier(settings, http),
            metrics=metrics,
            limiter=RateLimiter(settings.rate_limit_writes_per_minute, redis_client, metrics),
            cache=(
                StudentCache(redis_client, settings.student_cache_seconds, metrics)
                if redis_client is not None
                else None
            ),
        )
        try:
            yield
        finally:
            logging.getLogger().removeHandler(log_counter)
            if secrets is not None:
                secrets.stop()
            await pool.close()
            await http.aclose()
            if redis_client is not None:
                await redis_client.aclose()

    app = FastAPI(
        title="Career Services CRM API",
        version=settings.version,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses={
            401: {
                "description": "missing or invalid token",
                "content": {"application/problem+json": {}},
            }
        },
    )
    problems.install(app)
    for module in (students, pipeline, notes, reminders, staff, ops):
        app.include_router(module.router)
    if settings.cors_allow_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_allow_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            expose_headers=["X-Request-Id", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    return app


def openapi(settings: Settings) -> dict[str, Any]:
    return create_app(settings).openapi()

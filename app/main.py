"""The FastAPI application, built in-process from a Settings object (tests, bench, uvicorn)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from app import email_events, problems, staff_invites, telemetry
from app.auth import JwtVerifier
from app.cache import StudentCache
from app.db import make_pool
from app.deps import AppState
from app.metrics import ApiMetrics
from app.observability import JsonFormatter, RequestContextMiddleware, init_sentry
from app.ratelimit import RateLimiter
from app.routes import notes, ops, pipeline, reminders, staff, students
from app.secrets import SecretStore
from app.settings import Settings
from app.telemetry_logs import ShipperCollector

# Probes and scrapes are not worth a trace each (Uptime Kuma alone polls /readyz every minute).
UNTRACED_URLS = "/healthz,/readyz,/metrics"

DESCRIPTION = """Career Services CRM API. Every endpoint except the operations ones needs a
Supabase access token (`Authorization: Bearer <jwt>`); PostgreSQL row level security limits
each staff member to their organization. Errors are RFC 9457 `application/problem+json`."""


def create_app(settings: Settings, secrets: SecretStore | None = None) -> FastAPI:
    """`secrets`: the Infisical folder the process started from, kept fresh (app/secrets.py)."""
    metrics = ApiMetrics(settings.version)
    metrics.registry.register(ShipperCollector(telemetry.current_shipper))
    tel = (
        telemetry.start(
            settings.telemetry,
            service="crm-api",
            version=settings.version,
            format_entry=JsonFormatter().entry,
            env={**os.environ, **dict(settings.telemetry.otel_env)},
        )
        if settings.telemetry.otlp_endpoint or settings.telemetry.ships_logs
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        init_sentry(settings)
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
            limiter=RateLimiter(settings.rate_limit_writes_per_minute, redis_client),
            cache=(
                StudentCache(redis_client, settings.student_cache_seconds, metrics)
                if redis_client is not None
                else None
            ),
        )
        try:
            yield
        finally:
            if secrets is not None:
                secrets.stop()
            await pool.close()
            await http.aclose()
            if redis_client is not None:
                await redis_client.aclose()
            if tel is not None:
                telemetry.stop()

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
    # Off unless configured: an event we cannot verify, or an invite we cannot send, has no
    # route at all rather than one that always fails.
    if settings.resend_webhook_secret:
        app.include_router(email_events.router)
    if settings.supabase_url and settings.supabase_service_role_key:
        app.include_router(staff_invites.router)
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
    if tel is not None and tel.tracer_provider is not None:
        # Outermost: the server span is current for every log line of the request.
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=tel.tracer_provider,
            excluded_urls=UNTRACED_URLS,
            exclude_spans=["receive", "send"],
        )
    return app


def openapi(settings: Settings) -> dict[str, Any]:
    return create_app(settings).openapi()

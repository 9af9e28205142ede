"""Liveness, readiness (database reachable, migrations current) and Prometheus metrics."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.openmetrics import exposition as openmetrics

from app import migrate
from app.deps import state
from app.metrics import REMINDER_STATUSES
from app.problems import Problem

router = APIRouter(tags=["operations"])

# "Due" is the worker's claim condition; the oldest due reminder's age counts from due_at
# (when the person asked to be reminded), not from its latest retry.
_REMINDER_COUNTS = """
SELECT status, count(*) AS n,
       count(*) FILTER (WHERE status = 'pending' AND next_attempt_at <= now()) AS due,
       greatest(extract(epoch FROM now() - min(due_at) FILTER (
           WHERE status = 'pending' AND next_attempt_at <= now())), 0)::float8 AS oldest_due_age
FROM public.reminders GROUP BY status
"""


@router.get("/healthz", summary="Alive (no dependencies checked)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready: database reachable and migrations current",
    responses={503: {"description": "not ready"}},
)
async def readyz(request: Request) -> Any:
    st = state(request)
    try:
        async with st.pool.connection(timeout=5) as conn:
            cur = await conn.execute(
                "SELECT version, name, sha256 FROM crm_migrations.applied ORDER BY version"
            )
            rows = await cur.fetchall()
    except Exception as exc:  # any failure here means "not ready", never a 500
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable ({type(exc).__name__})"}, 503
        )
    applied = [migrate.Applied(r["version"], r["name"], r["sha256"]) for r in rows]
    files = migrate.load_migrations()
    problems = migrate.history_problems(applied, files)
    todo = migrate.pending(applied, files)
    if problems or todo:
        reason = "; ".join(problems) or f"{len(todo)} migration(s) pending"
        return JSONResponse({"status": "unavailable", "database": "ok", "migrations": reason}, 503)
    return {"status": "ok", "database": "ok", "migrations": f"{len(applied)} applied"}


@router.get("/metrics", summary="Prometheus metrics (bearer token)", include_in_schema=False)
async def metrics(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    st = state(request)
    token = st.settings.metrics_token
    if not token:
        raise Problem(404, "metrics are disabled: set METRICS_TOKEN")
    presented = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(presented.encode(), token.encode()):
        raise Problem(
            401,
            "metrics need Authorization: Bearer <METRICS_TOKEN>",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    m = st.metrics
    stats = st.pool.get_stats()
    m.pool_size.set(stats.get("pool_size", 0))
    m.pool_available.set(stats.get("pool_available", 0))
    m.pool_waiting.set(stats.get("requests_waiting", 0))
    m.pool_max.set(st.pool.max_size)
    try:
        async with st.pool.connection(timeout=2) as conn:
            rows = await (await conn.execute(_REMINDER_COUNTS)).fetchall()
        counts = {r["status"]: r["n"] for r in rows}
        m.reminder_queue_depth.set(sum(r["due"] for r in rows))
        ages = [r["oldest_due_age"] for r in rows if r["oldest_due_age"] is not None]
        m.reminder_oldest_due_age.set(max(ages, default=0.0))
        for status in REMINDER_STATUSES:
            m.reminders.labels(status=status).set(counts.get(status, 0))
    except Exception:  # scrape still succeeds with the last values
        pass
    if "application/openmetrics-text" in request.headers.get("accept", ""):
        # OpenMetrics carries the latency histogram's exemplars (trace ids) to Prometheus.
        return Response(
            openmetrics.generate_latest(m.registry),  # type: ignore[no-untyped-call]
            media_type=openmetrics.CONTENT_TYPE_LATEST,
        )
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)

"""JSON logs with a request id, request metrics, and Sentry when configured.

The access log names the route template, never the query string (search terms are personal
data) nor any header (tokens). Sentry gets no default PII and no Authorization header.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import ApiMetrics
from app.settings import Settings

access_log = logging.getLogger("app.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SECRET_RE = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+|(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9._-]+)"
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key in ("request_id", "method", "route", "status", "duration_ms"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def redact(text: str) -> str:
    """Blank anything that looks like a bearer token or a JWT."""
    return _SECRET_RE.sub(lambda m: (m.group(1) or "") + "[redacted]", text)


class LogBytesHandler(logging.Handler):
    """Counts the bytes the stdout handler writes (same JSON, plus the newline) into
    crm_log_bytes_total: the volume a log service ingests, for the budget's alert."""

    def __init__(self, metrics: ApiMetrics) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self._metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._metrics.log_bytes.inc(len(self.format(record).encode()) + 1)
        except Exception:  # counting must never break logging
            self.handleError(record)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    logging.getLogger("uvicorn.error").handlers[:] = []
    logging.getLogger("uvicorn.error").propagate = True


def scrub_event(event: Any, hint: Any) -> Any:
    """Sentry before_send: no credentials in headers, no tokens in the query string."""
    request = event.get("request", {})
    headers = request.get("headers", {})
    for name in list(headers):
        if name.lower() in ("authorization", "cookie", "apikey", "x-api-key"):
            headers[name] = "[redacted]"
    if request.get("query_string"):
        request["query_string"] = "[redacted]"
    return event


def init_sentry(settings: Settings) -> bool:
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
        release=settings.version,
        before_send=scrub_event,
    )
    return True


class RequestContextMiddleware:
    """Request id in/out, duration histogram by route template, one JSON access log line."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.in_progress.dec()
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path_format", None) or "unmatched"
            if template != "/metrics":
                self.metrics.request_duration.labels(
                    scope["method"], template, str(status)
                ).observe(elapsed)
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )

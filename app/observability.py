"""JSON logs with a request id and the trace context, request metrics, and Sentry.

The access log names the route template, never the query string (search terms are personal
data) nor any header (tokens). Every line carries `trace_id` and `span_id` (empty outside a
span) so a log line in Better Stack leads to its trace in Grafana. Sentry gets no default
PII, no request bodies, no local variables and no Authorization header; its release is the
deployed git SHA.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import ApiMetrics
from app.settings import Settings
from app.telemetry_redact import scrub_text

access_log = logging.getLogger("app.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SECRET_RE = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+|(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9._-]+)"
)


def trace_ids() -> tuple[str, str]:
    """The current span's W3C trace id and span id in hex, or two empty strings."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return "", ""
    return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}"


class JsonFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]  # the "Z" in ts means UTC

    def entry(self, record: logging.LogRecord) -> dict[str, Any]:
        """The line as a dict: what stdout prints and what the log shipper sends."""
        trace_id, span_id = trace_ids()
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "trace_id": trace_id,
            "span_id": span_id,
        }
        for key in ("request_id", "method", "route", "status", "duration_ms"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return entry

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(self.entry(record), default=str)


def redact(text: str) -> str:
    """Blank anything that looks like a bearer token or a JWT."""
    return _SECRET_RE.sub(lambda m: (m.group(1) or "") + "[redacted]", text)


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
    """Sentry before_send: no credentials in headers, no query string, no body, and no email
    address or token in exception and log messages (a unique violation names the email)."""
    request = event.get("request", {})
    headers = request.get("headers", {})
    for name in list(headers):
        if name.lower() in ("authorization", "cookie", "apikey", "x-api-key"):
            headers[name] = "[redacted]"
    if request.get("query_string"):
        request["query_string"] = "[redacted]"
    request.pop("data", None)
    request.pop("cookies", None)
    for exc in (event.get("exception") or {}).get("values") or []:
        if isinstance(exc.get("value"), str):
            exc["value"] = scrub_text(exc["value"])
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if isinstance(logentry.get(key), str):
            logentry[key] = scrub_text(logentry[key])
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    if "extra" in event:  # e.g. sys.argv, which the SDK attaches to every event
        event["extra"] = _scrub_tree(event["extra"])
    return event


def _scrub_tree(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_tree(v) for v in value]
    return value


def init_sentry(settings: Settings) -> bool:
    return start_sentry(
        settings.sentry_dsn,
        release=settings.version,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        server_name="crm-api",
    )


def start_sentry(
    dsn: str | None, *, release: str, traces_sample_rate: float = 0.0, server_name: str
) -> bool:
    """Sentry for the API or the worker, PII off: no default PII, no request bodies, no local
    variables in stack frames (they hold student rows), credentials scrubbed."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        release=release,
        server_name=server_name,
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
                ctx = trace.get_current_span().get_span_context()
                # only a sampled trace exists in Tempo: an exemplar must lead somewhere
                trace_id = (
                    f"{ctx.trace_id:032x}" if ctx.is_valid and ctx.trace_flags.sampled else ""
                )
                self.metrics.request_duration.labels(
                    scope["method"], template, str(status)
                ).observe(elapsed, exemplar={"trace_id": trace_id} if trace_id else None)
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

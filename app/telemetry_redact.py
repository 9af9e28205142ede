"""What may leave the process in a span: every span passes through `RedactingSpanExporter`.

Instrumentations record more than we want shipped: the ASGI one puts the full URL with its
query string in `http.url` (a search for a student's name or email), exception events carry
driver messages (`Key (email)=(ada@example.edu) already exists`), Redis keys could carry ids.
The exporter rewrites a copy of each span before it is encoded, so no instrumentation option
(or a future one that defaults differently) can ship a query value, a body, a token or an
email address. Rules, applied to the span's attributes and its events' attributes:
  - keys naming a body, a query, a header, a cookie or a credential are dropped;
  - URLs lose their query string and fragment (`?[redacted]` marks that one was there);
  - every other string loses email addresses, bearer tokens and JWTs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

REDACTED = "[redacted]"
# Attribute keys never exported, by substring (lower case).
_DROP_KEY_PARTS = (
    "body",
    "query",  # url.query, http.query...; db.query.text is kept below (parameterised SQL)
    "header",
    "cookie",
    "authorization",
    "token",
    "password",
    "secret",
    "user_agent",
    "user.",
    "enduser.",
    "email",
    "client.address",
    "net.peer.ip",
    "http.client_ip",
    "db.statement.parameters",
    "db.query.parameter",
)
_KEEP_KEYS = frozenset({"db.query.text", "db.statement"})  # SQL with placeholders, no values
_URL_KEYS = frozenset({"http.url", "url.full", "http.target", "url.original"})
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_SECRET_RE = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+|(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9._-]+)"
    r"|(re_[A-Za-z0-9_]{8,})|(sk_[A-Za-z0-9_]{8,})"
)


def scrub_text(text: str) -> str:
    """Blank email addresses, bearer tokens, JWTs and API keys in free text."""
    text = _SECRET_RE.sub(lambda m: (m.group(1) or "") + REDACTED, text)
    return _EMAIL_RE.sub(REDACTED, text)


def strip_query(url: str) -> str:
    """The URL without its query string and fragment; `?[redacted]` if it had a query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    query = "[redacted]" if parts.query else ""
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _keep_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in _KEEP_KEYS:
        return True
    return not any(part in lowered for part in _DROP_KEY_PARTS)


def _clean_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        if key in _URL_KEYS:
            return scrub_text(strip_query(value))
        return scrub_text(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return tuple(scrub_text(v) if isinstance(v, str) else v for v in value)
    return value


def clean_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The attributes allowed out, with their values scrubbed."""
    return {k: _clean_value(k, v) for k, v in (attributes or {}).items() if _keep_key(k)}


def redact_span(span: ReadableSpan) -> ReadableSpan:
    """A copy of `span` that passes the rules above (name included: it can hold a path)."""
    events = [
        Event(e.name, clean_attributes(e.attributes), timestamp=e.timestamp) for e in span.events
    ]
    return ReadableSpan(
        name=scrub_text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=clean_attributes(span.attributes),
        events=events,
        links=span.links,
        kind=span.kind,
        status=span.status.__class__(
            span.status.status_code, scrub_text(span.status.description or "") or None
        ),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class RedactingSpanExporter(SpanExporter):
    """Wraps the OTLP exporter: spans are redacted on the export thread, off the request."""

    def __init__(self, inner: SpanExporter) -> None:
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([redact_span(s) for s in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)

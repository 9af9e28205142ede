"""A local Sentry ingestion endpoint: receives the SDK's envelopes for a DSN pointed at it.

Sentry's SDKs POST envelopes to `<scheme>://<host>/api/<project id>/envelope/` (gzip when
brotli is absent): a header line, then per item a header line and its payload
(develop.sentry.dev "Envelopes"). The stand-in decodes them so a test can read each event
exactly as Sentry would receive it.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class SentryStandIn:
    dsn: str = ""
    raw: list[bytes] = field(default_factory=list)
    items: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [payload for header, payload in self.items if header.get("type") == "event"]

    def everything(self) -> str:
        with self.lock:
            return "\n".join(b.decode("utf-8", "replace") for b in self.raw)


def parse_envelope(body: bytes) -> list[tuple[dict[str, Any], Any]]:
    items = []
    _, _, rest = body.partition(b"\n")
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        try:
            items.append((header, json.loads(payload)))
        except ValueError:
            items.append((header, payload))
    return items


@contextmanager
def running_sentry() -> Iterator[SentryStandIn]:
    standin = SentryStandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            with standin.lock:
                standin.raw.append(body)
                standin.items.extend(parse_envelope(body))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    standin.dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()

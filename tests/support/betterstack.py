"""A local receiver held to Better Stack's documented logs ingestion contract.

Better Stack's "Ingesting logs" HTTP API (betterstack.com/docs/logs/ingesting-data/http/logs):
POST to the source's ingesting host at `/`, `Authorization: Bearer <source token>`,
`Content-Type` application/json (one event or an array), application/x-ndjson or
application/msgpack; answers 202 when logged, 403 for an invalid source token, 406 when the
body does not parse, 413 when the body is too large ("payload reached size limit"), 402 when
the quota is spent. 429 and 5xx are the generic "try later" answers any HTTP API may give.
The receiver enforces the contract (a malformed request fails the test loudly through 406 /
403 counts) and lets a test choose the failure: a fixed status, a delay, or holding every
request until released (an endpoint that hangs).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONTENT_TYPES = ("application/json", "application/x-ndjson", "application/msgpack")


@dataclass
class Receiver:
    token: str
    url: str = ""
    max_body_bytes: int = 10 * 1024 * 1024
    status: int = 202  # what to answer a well-formed request with
    retry_after: str | None = None
    delay_seconds: float = 0.0
    failures: int | None = None  # answer `status` this many times, then 202; None: always
    events: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.released.set()

    def hold(self) -> None:
        """From now on every request waits until `release()` (a hanging endpoint)."""
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def lines(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.events)

    def everything(self) -> str:
        with self.lock:
            return "\n".join(b.decode("utf-8", "replace") for b in self.bodies)

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 403, {}, b"Unauthorized"
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype not in CONTENT_TYPES:
            return 406, {}, b"Couldn't parse JSON content."
        if len(body) > self.max_body_bytes:
            return 413, {}, b"payload reached size limit"
        try:
            if ctype == "application/x-ndjson":
                events = [json.loads(line) for line in body.splitlines() if line.strip()]
            elif ctype == "application/json":
                parsed = json.loads(body)
                events = parsed if isinstance(parsed, list) else [parsed]
            else:
                return 406, {}, b"msgpack is not decoded by this stand-in"
        except ValueError:
            return 406, {}, b"Couldn't parse JSON content."
        with self.lock:
            failing = self.status != 202 and (self.failures is None or self.failures > 0)
            if failing and self.failures is not None:
                self.failures -= 1
        if failing:
            extra = {"Retry-After": self.retry_after} if self.retry_after else {}
            return self.status, extra, b"try later"
        with self.lock:
            self.events.extend(events)
            self.bodies.append(body)
        return 202, {}, b""


@contextmanager
def running_receiver(token: str, **options: Any) -> Iterator[Receiver]:
    receiver = Receiver(token=token, **options)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.released.wait()
            if receiver.delay_seconds:
                time.sleep(receiver.delay_seconds)
            status, headers, payload = receiver.answer(self.headers, body)
            with receiver.lock:
                receiver.answers.append(status)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client hanging up mid-request (shutdown, timeouts) is not news here

    server = Server(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield receiver
    finally:
        receiver.release()
        server.shutdown()
        server.server_close()

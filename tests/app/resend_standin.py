"""A local HTTP server standing in for Resend's POST /emails, recording every request.

It deliberately does NOT honour Idempotency-Key, so a duplicate send by the worker shows up
as two recorded deliveries. `script` decides each response (status, body) per request.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = Callable[[dict[str, Any], int], tuple[int, dict[str, Any]]]


def always_ok(body: dict[str, Any], attempt: int) -> tuple[int, dict[str, Any]]:
    return 200, {"id": str(uuid.uuid4())}


class ResendStandIn:
    def __init__(self, script: Script = always_ok, delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                record = {
                    "path": self.path,
                    "body": body,
                    "auth": self.headers.get("Authorization"),
                    "key": self.headers.get("Idempotency-Key"),
                }
                with outer._lock:
                    outer.requests.append(record)
                    attempt = sum(1 for r in outer.requests if r["key"] == record["key"])
                if outer.delay:
                    time.sleep(outer.delay)
                status, payload = outer.script(record, attempt)
                if status == 200:
                    with outer._lock:
                        outer.delivered.append(record)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ResendStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

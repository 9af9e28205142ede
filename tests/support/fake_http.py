"""Serve an in-process fake API (a callable `httpx.Request -> httpx.Response`, as the contract
fakes in tests/infra/*/fake_api.py are) over real HTTP on 127.0.0.1.

The real engine runs dynamic providers in a process of its own, so a fake that only answers
an httpx transport inside the test process cannot reach them; this puts the same fake, with
the same contract checks, behind a socket. Requests are answered one at a time (the fakes'
state is plain dicts), in the order they arrive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

Fake = Callable[[httpx.Request], httpx.Response]
# Hop-by-hop or recomputed: the fake's reply is sent whole, with its own length.
_DROPPED = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: Fake) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self.lock = threading.Lock()
        self.errors: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = httpx.Request(
            self.command,
            f"http://{self.headers.get('Host', '127.0.0.1')}{self.path}",
            headers=list(self.headers.items()),
            content=body,
        )
        try:
            with self.server.lock:
                response = self.server.fake(request)
                response.read()
        except httpx.TransportError:  # the fake plays an outage: drop the connection
            self.close_connection = True
            return
        except Exception as err:  # a contract violation: the caller sees a 500 that says so
            self.server.errors.append(f"{self.command} {self.path}: {err}")
            response = httpx.Response(500, json={"message": f"fake refused the request: {err}"})
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in _DROPPED:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fakes record their own requests."""


@dataclass(frozen=True)
class Served:
    """A fake behind a socket: its base URL, and the requests it refused (contract errors)."""

    url: str
    errors: list[str]


@contextmanager
def serving(fake: Fake) -> Iterator[Served]:
    """Serve `fake` on a free 127.0.0.1 port until the block ends."""
    server = _Server(fake)
    thread = threading.Thread(target=server.serve_forever, name="fake-http", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", server.errors)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""A lean HTTP/1.1 keep-alive client for the capacity benchmark's load generator.

The generator shares the machine's 2 cores with the API and PostgreSQL; with httpx it spent
5.4 CPU-ms per request, as much as the API itself (docs/performance.md), so the benchmark
measured its own client as much as the server. This speaks just what the API answers
(Content-Length bodies, keep-alive) over asyncio streams, on a fixed pool of connections.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


class ProtocolError(Exception):
    """The server answered something this client does not speak (e.g. a chunked body)."""


class Reply:
    __slots__ = ("body", "status_code")

    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


_Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Pool:
    """At most `size` keep-alive connections to one origin; a request waits for a free one."""

    def __init__(self, base: str, size: int, timeout: float) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the load generator speaks plain http to a local API; got {base}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.host_header = parts.netloc
        self.size, self.timeout = size, timeout
        self.opened = 0
        self.idle: asyncio.Queue[_Conn] = asyncio.Queue()

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()
            self.opened -= 1

    async def _acquire(self) -> _Conn:
        if self.idle.empty() and self.opened < self.size:
            self.opened += 1
            try:
                return await asyncio.open_connection(self.host, self.port)
            except BaseException:
                self.opened -= 1
                raise
        return await self.idle.get()

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Reply:
        conn = await self._acquire()
        reusable = False
        try:
            reply, reusable = await asyncio.wait_for(
                self._exchange(conn, method, path, body, headers or {}), self.timeout
            )
            return reply
        finally:
            if reusable:
                self.idle.put_nowait(conn)
            else:
                conn[1].close()
                self.opened -= 1

    async def _exchange(
        self, conn: _Conn, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[Reply, bool]:
        reader, writer = conn
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host_header}"]
        lines.append(f"Content-Length: {len(payload)}")
        if body is not None:
            lines.append("Content-Type: application/json")
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, keep = 0, True
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise ProtocolError(f"{method} {path}: chunked replies are not spoken here")
            elif name == b"connection" and b"close" in value.lower():
                keep = False
        data = await reader.readexactly(length) if length else b""
        return Reply(status, data), keep

"""Where the API's CPU goes: run it in-process under cProfile while wrk drives one scenario,
then group own-time by package. The bench's answer to "why is p95 above target"."""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from app.main import create_app
from app.settings import Settings
from tests.support.ports import free_port

GROUPS = (
    ("psycopg (driver, pool)", ("psycopg", "psycopg_pool")),
    ("fastapi/starlette (routing, dependencies)", ("fastapi", "starlette")),
    ("uvicorn/httptools (HTTP)", ("uvicorn", "httptools", "h11")),
    ("pydantic (validation, JSON)", ("pydantic", "pydantic_core")),
    ("asyncio/uvloop (event loop)", ("asyncio", "uvloop", "selectors")),
    ("jwt/cryptography", ("jwt", "cryptography")),
    ("prometheus_client", ("prometheus_client",)),
    ("app (our code)", ("/app/",)),
)


def _group(filename: str) -> str:
    for label, needles in GROUPS:
        if any(
            f"/{n}/" in filename
            or filename.endswith(f"/{n}.py")
            or (n.startswith("/") and n in filename)
            for n in needles
        ):
            return label
    return "other (stdlib, builtins, C calls)"


class _LoopCapture:
    """ASGI wrapper that remembers the server's event loop, so the profiler can be switched on
    in the server's own thread after a warm-up (cProfile only sees the thread it runs in)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        await self.app(scope, receive, send)


def profile_api(settings: Settings, run_load: Any, seconds: int, out_txt: Path) -> dict[str, Any]:
    """Serve the app; after a warm-up run of `run_load(base_url, workdir)` (caches, prepared
    statements, verified tokens), profile CPU time during a second run; return the shares."""
    port = free_port()
    app = _LoopCapture(create_app(settings))
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
            loop="uvloop",
            http="httptools",
        )
    )
    profiler = cProfile.Profile(time.process_time)  # CPU time, not wall time
    result: dict[str, Any] = {}

    def load() -> None:
        while not server.started or app.loop is None:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            run_load(base, Path(tmp))
            app.loop.call_soon_threadsafe(profiler.enable)
            result["wrk"] = run_load(base, Path(tmp))
            app.loop.call_soon_threadsafe(profiler.disable)
        time.sleep(0.2)
        server.should_exit = True

    threading.Thread(target=load, daemon=True).start()
    server.run()
    stats = pstats.Stats(profiler)
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = _group(filename)
        totals[label] = totals.get(label, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
    requests = max(int(result.get("wrk", {}).get("requests", 0)), 1)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    text.write("\nBy number of calls:\n")
    pstats.Stats(profiler, stream=text).sort_stats("ncalls").print_stats(25)
    out_txt.write_text(text.getvalue())
    return {
        "scenario": "get_student, concurrency 100, after a warm-up run",
        "scenario_seconds": seconds,
        "requests": requests,
        "profiled_cpu_ms_per_request": round(whole * 1000 / requests, 3),
        # Function calls per request: unlike CPU time, not moved by other tenants' load.
        "python_calls_per_request": round(calls / requests, 1),
        "share_by_package": {
            k: round(v / whole, 3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])
        },
        "top_functions": str(out_txt.name),
    }

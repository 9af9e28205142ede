"""Benchmark of telemetry's cost, as the README's local run serves it (`make bench`).

1. Volume per request: the OTLP/HTTP protobuf bytes of one /students request's trace and the
   NDJSON bytes of its log lines, as the exporters send them (the free-tier budget uses them).
2. Latency under load: p50/p95/max of /students at concurrency 20 with log shipping to a
   Better Stack stand-in that accepts (202), is slow (2 s per request), is down (nothing
   listens), answers 413 or 429, against no shipping at all.

Writes build/bench/telemetry.json. A benchmark, not a test: it reports, it does not assert.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from tests.support.betterstack import running_receiver
from tests.support.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench" / "telemetry.json"
TOKEN = "bench-token"
REQUESTS = 400
CONCURRENCY = 20


@contextmanager
def otlp_sink() -> Iterator[tuple[str, dict[str, int]]]:
    """Accepts OTLP/HTTP protobuf and counts bytes per signal (no decoding: size only)."""
    counts = {"traces": 0, "metrics": 0, "requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            signal_name = self.path.rsplit("/", 1)[-1]
            counts[signal_name] = counts.get(signal_name, 0) + len(body)
            counts["requests"] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counts
    finally:
        server.shutdown()


@contextmanager
def local_api(extra_env: dict[str, str]) -> Iterator[tuple[str, str]]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "BETTERSTACK_"))},
        "PORT": str(port),
        "WEB_PORT": str(free_port()),
        "APP_VERSION": "bench",
        **extra_env,
    }
    env.pop("DATABASE_URL", None)
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"crm-bench-{port}.log"
    with open(out, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.local"], cwd=ROOT, env=env, stdout=sink, stderr=sink
        )
    try:
        wait_for_port(port, timeout=120)
        token = next(
            line.split()[-1] for line in out.read_text().splitlines() if line.startswith("Token:")
        )
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        out.unlink(missing_ok=True)


async def load(base: str, token: str) -> tuple[list[float], int]:
    """Latencies of the successful requests and the number of failed ones."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    failed = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        queue = list(range(REQUESTS))

        async def worker() -> None:
            nonlocal failed
            while queue:
                queue.pop()
                started = time.perf_counter()
                try:
                    r = await client.get("/students", params={"q": "ada"})
                    r.raise_for_status()
                except httpx.HTTPError:
                    failed += 1
                    continue
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, failed


def summary(result: tuple[list[float], int]) -> dict[str, float]:
    latencies, failed = result
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "failed_requests": failed,
    }


def volume() -> dict[str, Any]:
    with otlp_sink() as (endpoint, counts), running_receiver(TOKEN) as logs:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            "TRACES_SAMPLE_RATIO": "1",
            "BETTERSTACK_SOURCE_TOKEN": TOKEN,
            "BETTERSTACK_INGESTING_HOST": logs.url,
        }
        with local_api(env) as (base, token):
            asyncio.run(load(base, token))  # warm-up: pool, caches, first exports
            time.sleep(1.0)
            traces0, lines0 = counts["traces"], len(logs.lines())
            logs_bytes0 = len(logs.everything())
            asyncio.run(load(base, token))
            time.sleep(2.0)  # the batch processor's and the shipper's last flush
            traces = counts["traces"] - traces0
            lines = len(logs.lines()) - lines0
            log_bytes = len(logs.everything()) - logs_bytes0
    return {
        "requests": REQUESTS,
        "trace_bytes_per_request_otlp_protobuf": round(traces / REQUESTS),
        "log_lines_per_request": round(lines / REQUESTS, 2),
        "log_bytes_per_request_ndjson": round(log_bytes / REQUESTS),
    }


def latency() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with local_api({}) as (base, token):
        asyncio.run(load(base, token))
        results["no_shipping"] = summary(asyncio.run(load(base, token)))
    cases: dict[str, dict[str, Any]] = {
        "accepting_202": {},
        "slow_2s": {"delay_seconds": 2.0},
        "answers_413": {"status": 413},
        "answers_429": {"status": 429, "retry_after": "5"},
    }
    for name, options in cases.items():
        with running_receiver(TOKEN, **options) as logs:
            env = {"BETTERSTACK_SOURCE_TOKEN": TOKEN, "BETTERSTACK_INGESTING_HOST": logs.url}
            with local_api(env) as (base, token):
                asyncio.run(load(base, token))
                results[name] = summary(asyncio.run(load(base, token)))
    down = f"http://127.0.0.1:{free_port()}"
    with local_api({"BETTERSTACK_SOURCE_TOKEN": TOKEN, "BETTERSTACK_INGESTING_HOST": down}) as (
        base,
        token,
    ):
        asyncio.run(load(base, token))
        results["down"] = summary(asyncio.run(load(base, token)))
    return results


def main() -> int:
    report = {
        "what": "telemetry cost per /students request (README local run, 1 process)",
        "volume": volume(),
        "latency_concurrency": CONCURRENCY,
        "latency": latency(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The README's local run with the production telemetry variables pointed at local receivers:
a real OpenTelemetry Collector for OTLP and a Better Stack stand-in for logs.

A request to /students yields one trace holding the route's server span and its database
spans, its log line carries that trace id, and nothing sent to either receiver holds the
request's query value, body, bearer token or an email address.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.betterstack import Receiver, running_receiver
from tests.support.otelcol import RunningCollector
from tests.support.ports import free_port, wait_for_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bs-local-source-token"
SHA = "4f1c2e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"
SECRET_EMAIL = "ada.lovelace@students.demo"  # seeded by the local runner
METRICS_TOKEN = "local-run-metrics-token"


@dataclass
class LocalRun:
    base: str
    token: str
    proc: subprocess.Popen[bytes]
    collector: RunningCollector
    logs: Receiver
    stdout: Path


@pytest.fixture(scope="module")
def local_run(
    collector: RunningCollector, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalRun]:
    port, web_port = free_port(), free_port()
    out = tmp_path_factory.mktemp("local") / "stdout.log"
    with running_receiver(TOKEN) as logs:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "BETTERSTACK_"))},
            "PORT": str(port),
            "WEB_PORT": str(web_port),
            "APP_VERSION": SHA,
            "METRICS_TOKEN": METRICS_TOKEN,
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "TRACES_SAMPLE_RATIO": "1",
            "BETTERSTACK_SOURCE_TOKEN": TOKEN,
            "BETTERSTACK_INGESTING_HOST": logs.url,
        }
        env.pop("DATABASE_URL", None)
        with open(out, "wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.local"],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(port, timeout=90)
            token = next(
                line.split()[-1]
                for line in out.read_text().splitlines()
                if line.startswith("Token:")
            )
            yield LocalRun(f"http://127.0.0.1:{port}", token, proc, collector, logs, out)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def trace_of(run: LocalRun, request_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The trace id of the request's access log line, and the spans the collector got."""
    deadline = time.monotonic() + 30
    line = None
    while line is None and time.monotonic() < deadline:
        line = next((e for e in run.logs.lines() if e.get("request_id") == request_id), None)
        time.sleep(0.05)
    assert line is not None, "the request's access log line never reached the log receiver"
    trace_id = line["trace_id"]
    assert len(trace_id) == 32 and line["span_id"]
    spans = run.collector.captured.wait_for(
        lambda: (
            [
                s
                for s in run.collector.captured.spans()
                if s["traceId"] == trace_id and s.get("kind") == 2
            ]
            and [s for s in run.collector.captured.spans() if s["traceId"] == trace_id]
        )
    )
    return trace_id, spans


def test_students_request_is_one_trace_with_db_spans_and_a_log_line(local_run: LocalRun) -> None:
    r = httpx.get(
        f"{local_run.base}/students",
        params={"q": SECRET_EMAIL},
        headers={"Authorization": f"Bearer {local_run.token}", "X-Request-Id": "trace-students-1"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    trace_id, spans = trace_of(local_run, "trace-students-1")
    time.sleep(0.5)  # late children of the same trace (the batch processor's next export)
    spans = [s for s in local_run.collector.captured.spans() if s["traceId"] == trace_id]
    servers = [s for s in spans if s.get("kind") == 2]  # SPAN_KIND_SERVER
    assert len(servers) == 1, "one server span per request"
    server = servers[0]
    assert server["attrs"]["http.route"] == "/students"
    assert server["resource"]["service.name"] == "crm-api"
    assert server["resource"]["service.version"] == SHA
    by_id = {s["spanId"]: s for s in spans}

    def root_of(span: dict[str, Any]) -> dict[str, Any]:
        while span.get("parentSpanId") and span["parentSpanId"] in by_id:
            span = by_id[span["parentSpanId"]]
        return span

    db = [
        s
        for s in spans
        if s["attrs"].get("db.system") == "postgresql"
        or s["attrs"].get("db.system.name") == "postgresql"
    ]
    assert db, f"no database span in the trace: {[s['name'] for s in spans]}"
    assert all(root_of(s)["spanId"] == server["spanId"] for s in db)
    # every span of the request is in this one trace, under the server span
    assert all(root_of(s)["spanId"] == server["spanId"] for s in spans)
    # the log line names the server span's trace; the access log line was written in it
    lines = [e for e in local_run.logs.lines() if e.get("trace_id") == trace_id]
    assert any(e.get("route") == "/students" for e in lines)


def test_nothing_sensitive_reaches_either_receiver(local_run: LocalRun) -> None:
    auth = {"Authorization": f"Bearer {local_run.token}", "X-Request-Id": "trace-create-1"}
    created = httpx.post(
        f"{local_run.base}/students",
        json={"first_name": "Hedy", "last_name": "Lamarr", "email": "hedy.lamarr@students.demo"},
        headers=auth,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    duplicate = httpx.post(
        f"{local_run.base}/students",
        json={"first_name": "Hedy", "last_name": "Lamarr", "email": "hedy.lamarr@students.demo"},
        headers={**auth, "X-Request-Id": "trace-create-2"},
        timeout=30,
    )
    assert duplicate.status_code in (201, 409, 422), duplicate.text
    search = httpx.get(
        f"{local_run.base}/students",
        params={"q": "lamarr hedy.lamarr@students.demo"},
        headers={**auth, "X-Request-Id": "trace-search-2"},
        timeout=30,
    )
    assert search.status_code == 200
    for request_id in ("trace-create-1", "trace-create-2", "trace-search-2"):
        trace_of(local_run, request_id)
    time.sleep(0.5)
    shipped = local_run.collector.captured.everything() + local_run.logs.everything()
    assert "crm-api" in shipped  # the receivers did get data
    for secret in (
        local_run.token,
        local_run.token.split(".")[1],  # the JWT's claims part alone
        "hedy.lamarr@students.demo",
        SECRET_EMAIL,
        "lamarr hedy",
        "hedy.lamarr%40",
        TOKEN,
    ):
        assert secret not in shipped, f"{secret[:12]}... left the process"


def test_stdout_and_shipped_lines_are_the_same_lines(local_run: LocalRun) -> None:
    # A request of its own: under xdist this test may run before any other in its process.
    httpx.get(
        f"{local_run.base}/students",
        headers={"Authorization": f"Bearer {local_run.token}", "X-Request-Id": "same-lines"},
        timeout=30,
    ).raise_for_status()
    deadline = time.monotonic() + 20  # shipping is batched off the request path
    while True:
        stdout = [
            json.loads(line)
            for line in local_run.stdout.read_text().splitlines()
            if line.startswith("{")
        ]
        access = {e["request_id"]: e for e in stdout if e.get("logger") == "app.access"}
        shipped = {
            e["request_id"]: e for e in local_run.logs.lines() if e.get("logger") == "app.access"
        }
        common = set(access) & set(shipped)
        if "same-lines" in common or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "same-lines" in common
    for request_id in common:
        line = dict(shipped[request_id])
        line.pop("dt")
        assert line == access[request_id]


def test_latency_histogram_exemplars_carry_trace_ids_of_exported_traces(
    local_run: LocalRun,
) -> None:
    httpx.get(
        f"{local_run.base}/students",
        headers={"Authorization": f"Bearer {local_run.token}", "X-Request-Id": "trace-exemplar"},
        timeout=30,
    ).raise_for_status()
    trace_id, _ = trace_of(local_run, "trace-exemplar")
    scrape = httpx.get(
        f"{local_run.base}/metrics",
        headers={
            "Authorization": f"Bearer {METRICS_TOKEN}",
            "Accept": "application/openmetrics-text; version=1.0.0",
        },
        timeout=30,
    )
    assert scrape.headers["content-type"].startswith("application/openmetrics-text")
    exemplars = {
        line.split('trace_id="', 1)[1].split('"', 1)[0]
        for line in scrape.text.splitlines()
        if line.startswith("crm_http_request_duration_seconds_bucket")
        and 'route="/students"' in line
        and "# {" in line
    }
    assert exemplars, "no exemplar on the /students latency histogram"
    spans = {s["traceId"] for s in local_run.collector.captured.spans()}
    assert exemplars <= spans  # every exemplar opens a trace Tempo has
    assert trace_id in exemplars  # the last /students request is its bucket's exemplar

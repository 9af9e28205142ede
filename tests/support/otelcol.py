"""A real OpenTelemetry Collector on 127.0.0.1 as the tests' OTLP receiver.

The collector (built once per machine by tests/support/otelcol/build.sh into
~/.cache/careers-crm/otelcol/<version>/, `make otelcol`) receives OTLP/HTTP from the app
exactly as Grafana Cloud's gateway would, and its otlphttp exporter forwards what it accepted,
as OTLP JSON, to a capture endpoint in this process. So a test sees what a real OTLP receiver
decoded, not what our exporter meant to send.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.ports import free_port, wait_for_port

VERSION = "0.165.0"
ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "tests" / "support" / "otelcol" / "build.sh"
CACHE = Path(
    os.environ.get("CRM_OTELCOL_CACHE", Path.home() / ".cache" / "careers-crm" / "otelcol")
)


class CollectorUnavailable(RuntimeError):
    """The collector is not built and cannot be built here (no Go toolchain)."""


def binary() -> Path:
    """The collector binary, building it first when missing (`make otelcol` does the same)."""
    path = CACHE / VERSION / "otelcol-careers-crm"
    if not (CACHE / VERSION / ".careers-crm-ready").exists():
        done = subprocess.run(["bash", str(BUILD_SCRIPT)], capture_output=True, text=True)
        if done.returncode != 0:
            raise CollectorUnavailable(done.stderr.strip()[-2000:])
    return path


@dataclass
class Captured:
    """OTLP JSON requests the collector forwarded, by signal (traces, metrics, logs)."""

    requests: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"traces": [], "metrics": [], "logs": []}
    )
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spans(self) -> list[dict[str, Any]]:
        """Every span, flattened, with its resource attributes under `resource`."""
        out = []
        with self.lock:
            payloads = list(self.requests["traces"])
        for payload in payloads:
            for rs in payload.get("resourceSpans", []):
                resource = attributes(rs.get("resource", {}).get("attributes", []))
                for ss in rs.get("scopeSpans", []):
                    for span in ss.get("spans", []):
                        out.append(
                            {
                                **span,
                                "resource": resource,
                                "attrs": attributes(span.get("attributes", [])),
                            }
                        )
        return out

    def metric_names(self) -> set[str]:
        with self.lock:
            payloads = list(self.requests["metrics"])
        return {
            m["name"]
            for p in payloads
            for rm in p.get("resourceMetrics", [])
            for sm in rm.get("scopeMetrics", [])
            for m in sm.get("metrics", [])
        }

    def metrics(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(resource attributes, metric) pairs."""
        with self.lock:
            payloads = list(self.requests["metrics"])
        return [
            (attributes(rm.get("resource", {}).get("attributes", [])), m)
            for p in payloads
            for rm in p.get("resourceMetrics", [])
            for sm in rm.get("scopeMetrics", [])
            for m in sm.get("metrics", [])
        ]

    def everything(self) -> str:
        with self.lock:
            return "\n".join(b.decode("utf-8", "replace") for b in self.raw)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"the collector forwarded nothing matching within {timeout:.0f} s")


def attributes(items: list[dict[str, Any]]) -> dict[str, Any]:
    """OTLP JSON key/value list -> plain dict (stringValue, intValue, ...)."""
    out: dict[str, Any] = {}
    for item in items:
        value = item.get("value", {})
        out[item["key"]] = next(iter(value.values()), None) if value else None
    return out


def _capture_server(captured: Captured) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            signal = self.path.rstrip("/").rsplit("/", 1)[-1]
            with captured.lock:
                captured.raw.append(body)
                captured.requests.setdefault(signal, []).append(json.loads(body or b"{}"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


CONFIG = """
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:{otlp_port}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{capture_port}
    encoding: json
    compression: none
    retry_on_failure:
      enabled: false
    sending_queue:
      enabled: false
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlphttp]
    metrics:
      receivers: [otlp]
      exporters: [otlphttp]
    logs:
      receivers: [otlp]
      exporters: [otlphttp]
"""


@dataclass(frozen=True)
class RunningCollector:
    endpoint: str  # OTEL_EXPORTER_OTLP_ENDPOINT for the app
    captured: Captured
    log_path: Path


@contextmanager
def running_collector() -> Iterator[RunningCollector]:
    exe = binary()
    captured = Captured()
    capture = _capture_server(captured)
    workdir = Path(tempfile.mkdtemp(prefix="crm-otelcol-"))
    port = free_port()
    config = workdir / "config.yaml"
    config.write_text(CONFIG.format(otlp_port=port, capture_port=capture.server_address[1]))
    log_path = workdir / "collector.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(exe), "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, timeout=30)
        yield RunningCollector(f"http://127.0.0.1:{port}", captured, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        capture.shutdown()

"""OpenTelemetry for the API and the worker: traces (and the worker's metrics) over OTLP/HTTP,
plus the Better Stack log shipper. One `Telemetry` per process.

The SDK reads the standard variables itself: OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS (Grafana
Cloud's gateway and its Basic auth), OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_* / OTEL_METRIC_EXPORT_INTERVAL. We add what it cannot
know: `service.version` = the deployed git SHA, a default service name, and a parent-based
ratio sampler from config (TRACES_SAMPLE_RATIO) unless OTEL_TRACES_SAMPLER is set. Every span
leaves through RedactingSpanExporter (app/telemetry_redact.py).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, Sampler, TraceIdRatioBased

from app.telemetry_logs import DROP_REASONS, LogShipper
from app.telemetry_redact import RedactingSpanExporter
from app.telemetry_settings import TelemetrySettings

log = logging.getLogger("app.telemetry")
_lock = threading.Lock()
_active: Telemetry | None = None


@dataclass
class Telemetry:
    tracer_provider: TracerProvider | None
    meter_provider: MeterProvider | None
    shipper: LogShipper | None

    def shutdown(self) -> None:
        """Flush spans, metrics and log lines (bounded by their exporters' timeouts)."""
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()
        if self.meter_provider is not None:
            self.meter_provider.shutdown()
        if self.shipper is not None:
            logging.getLogger().removeHandler(self.shipper)
            self.shipper.close()


def sampler_for(cfg: TelemetrySettings) -> Sampler | None:
    """None lets the SDK build the sampler from OTEL_TRACES_SAMPLER(_ARG)."""
    if cfg.sampler_from_env:
        return None
    return ParentBased(TraceIdRatioBased(cfg.traces_sample_ratio))


def resource_for(service: str, version: str, env: Mapping[str, str]) -> Resource:
    """OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES win over our default name; the version
    is always the deployed SHA (a stale resource attribute must not mislabel a release)."""
    attributes: dict[str, str] = {SERVICE_VERSION: version}
    named = env.get("OTEL_SERVICE_NAME") or "service.name=" in env.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    if not named:
        attributes[SERVICE_NAME] = service
    return Resource.create(attributes)


def current_shipper() -> LogShipper | None:
    return _active.shipper if _active is not None else None


def stop() -> None:
    """Flush and stop this process's telemetry (the API's lifespan end, the worker's exit)."""
    global _active
    with _lock:
        if _active is not None:
            _active.shutdown()
            _active = None


def start(
    cfg: TelemetrySettings,
    *,
    service: str,
    version: str,
    format_entry: Callable[[logging.LogRecord], dict[str, Any]],
    env: Mapping[str, str],
    with_metrics: bool = False,
) -> Telemetry:
    """Set up this process's telemetry once; later calls return the first one."""
    global _active
    with _lock:
        if _active is not None:
            return _active
        # The SDK reads OTEL_* from the process environment; Infisical's values (e.g. the
        # OTLP headers) arrive in `env`, so they are made the process's before exporters start.
        os.environ.update({k: v for k, v in env.items() if k.startswith("OTEL_")})
        tracer_provider = meter_provider = None
        if cfg.otlp_endpoint:
            tracer_provider = TracerProvider(
                resource=resource_for(service, version, env), sampler=sampler_for(cfg)
            )
            tracer_provider.add_span_processor(
                BatchSpanProcessor(RedactingSpanExporter(OTLPSpanExporter()))
            )
            trace.set_tracer_provider(tracer_provider)
            PsycopgInstrumentor().instrument(tracer_provider=tracer_provider)
            HTTPXClientInstrumentor().instrument(tracer_provider=tracer_provider)
            RedisInstrumentor().instrument(tracer_provider=tracer_provider)
            if with_metrics:
                meter_provider = MeterProvider(
                    resource=resource_for(service, version, env),
                    metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())],
                )
                metrics.set_meter_provider(meter_provider)
        shipper = None
        if cfg.ships_logs:
            assert cfg.betterstack_url is not None and cfg.betterstack_token is not None
            shipper = LogShipper(
                cfg.betterstack_url,
                cfg.betterstack_token,
                format_entry,
                max_lines=cfg.log_queue_lines,
            )
            logging.getLogger().addHandler(shipper)
        _active = Telemetry(tracer_provider, meter_provider, shipper)
        log.info(
            "telemetry: traces %s, log shipping %s",
            "on" if tracer_provider else "off (no OTEL_EXPORTER_OTLP_ENDPOINT)",
            "on" if shipper else "off (no BETTERSTACK_* variables)",
        )
        return _active


def observe_counters(
    meter_provider: MeterProvider,
    counters: Iterable[tuple[str, str, Callable[[], Iterable[tuple[dict[str, str], float]]]]],
    gauges: Iterable[tuple[str, str, Callable[[], Iterable[tuple[dict[str, str], float]]]]],
) -> None:
    """Register observable instruments read at each export (the worker pushes its Prometheus
    counters this way: the exported names match, so dashboards need no second query)."""
    meter = meter_provider.get_meter("app.worker")

    def callback(
        read: Callable[[], Iterable[tuple[dict[str, str], float]]],
    ) -> Callable[[CallbackOptions], Iterable[Observation]]:
        return lambda options: [Observation(value, labels) for labels, value in read()]

    for name, description, read in counters:
        meter.create_observable_counter(name, [callback(read)], description=description)
    for name, description, read in gauges:
        meter.create_observable_gauge(name, [callback(read)], description=description)


def shipper_observations() -> list[tuple[dict[str, str], float]]:
    shipper = current_shipper()
    return [
        ({"reason": reason}, float(shipper.dropped[reason] if shipper else 0))
        for reason in DROP_REASONS
    ]

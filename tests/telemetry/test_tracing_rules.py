"""Sampling, resource and redaction rules of app/telemetry*.py, on the SDK's own objects."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from app.telemetry import resource_for, sampler_for
from app.telemetry_redact import RedactingSpanExporter, scrub_text, strip_query
from app.telemetry_settings import TelemetrySettings


class Keep(SpanExporter):
    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def provider(cfg: TelemetrySettings) -> tuple[TracerProvider, Keep]:
    keep = Keep()
    tp = TracerProvider(sampler=sampler_for(cfg))
    tp.add_span_processor(SimpleSpanProcessor(RedactingSpanExporter(keep)))
    return tp, keep


def remote_parent(sampled: bool) -> trace.Context:  # type: ignore[name-defined]
    ctx = SpanContext(
        trace_id=0x1234,
        span_id=0x99,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if sampled else 0),
    )
    return trace.set_span_in_context(NonRecordingSpan(ctx))


def test_ratio_from_config_is_parent_based(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
    tp, _ = provider(TelemetrySettings.from_env({"TRACES_SAMPLE_RATIO": "0"}))
    tracer = tp.get_tracer("t")
    assert not tracer.start_span("root").is_recording()  # ratio 0 drops new traces...
    child = tracer.start_span("child", context=remote_parent(sampled=True))
    assert child.is_recording()  # ...but a sampled caller's trace is continued
    assert not tracer.start_span("c2", context=remote_parent(sampled=False)).is_recording()
    tp_all, _ = provider(TelemetrySettings.from_env({"TRACES_SAMPLE_RATIO": "1"}))
    assert tp_all.get_tracer("t").start_span("root").is_recording()


def test_standard_sampler_variables_override_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"TRACES_SAMPLE_RATIO": "1", "OTEL_TRACES_SAMPLER": "always_off"}
    cfg = TelemetrySettings.from_env(env)
    assert sampler_for(cfg) is None  # the SDK builds it from the environment
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    tp, _ = provider(cfg)
    assert not tp.get_tracer("t").start_span("root").is_recording()
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "1.0")
    tp2, _ = provider(
        TelemetrySettings.from_env({**env, "OTEL_TRACES_SAMPLER": "parentbased_traceidratio"})
    )
    assert tp2.get_tracer("t").start_span("root").is_recording()


def test_resource_carries_the_git_sha_and_honours_otel_service_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.setenv(
        "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,service.version=stale"
    )
    attrs = resource_for("crm-api", "0123abc", {}).attributes
    assert attrs["service.name"] == "crm-api"
    assert attrs["service.version"] == "0123abc"  # the deployed SHA beats a stale attribute
    assert attrs["deployment.environment.name"] == "prod"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "crm-api-canary")
    attrs = resource_for("crm-api", "0123abc", {"OTEL_SERVICE_NAME": "crm-api-canary"}).attributes
    assert attrs["service.name"] == "crm-api-canary"


def test_no_query_value_body_token_or_email_leaves_in_a_span() -> None:
    tp, keep = provider(TelemetrySettings(traces_sample_ratio=1.0))
    tracer = tp.get_tracer("t")
    with tracer.start_as_current_span(
        "GET /students",
        attributes={
            "http.url": "http://api.test:8000/students?q=ada%40example.edu&token=s3cret",
            "url.full": "http://api.test/students?q=grace",
            "url.query": "q=grace",
            "http.target": "/students?q=turing",
            "http.route": "/students",
            "http.request.header.authorization": ("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",),
            "http.request.body": '{"email": "ada@example.edu"}',
            "user_agent.original": "curl/8",
            "db.statement": "SELECT * FROM students WHERE id = %s",
            "enduser.id": "42",
        },
    ) as span:
        span.record_exception(
            ValueError("duplicate key: Key (email)=(ada@example.edu) already exists")
        )
        span.add_event("note", {"detail": "sent to grace@example.edu with re_abcdefgh1234"})
    (out,) = keep.spans
    attrs = dict(out.attributes or {})
    assert attrs == {
        "http.url": "http://api.test:8000/students?[redacted]",
        "url.full": "http://api.test/students?[redacted]",
        "http.target": "/students?[redacted]",
        "http.route": "/students",
        "db.statement": "SELECT * FROM students WHERE id = %s",
    }
    text = repr([dict(e.attributes or {}) for e in out.events]) + repr(attrs)
    for leaked in ("ada", "grace", "turing", "s3cret", "eyJ", "re_abcdefgh1234", "curl"):
        assert leaked not in text
    assert "[redacted]" in str(dict(out.events[0].attributes or {})["exception.message"])


def test_scrubbers() -> None:
    assert scrub_text("mail bob.smith+x@uni.example.ac.uk now") == "mail [redacted] now"
    assert scrub_text("Authorization: Bearer abc123") == "Authorization: Bearer [redacted]"
    assert strip_query("https://u:p@h.test/a?b=c#d") == "https://h.test/a?[redacted]"
    assert strip_query("https://h.test/a") == "https://h.test/a"


def test_release_is_app_version_then_railways_sha_then_the_stamped_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.telemetry_settings import release_version

    stamp = tmp_path / "RELEASE"
    assert release_version({}, stamp) == "dev"
    stamp.write_text("0123456789abcdef0123456789abcdef01234567\n")
    assert release_version({}, stamp) == "0123456789abcdef0123456789abcdef01234567"
    assert release_version({"RAILWAY_GIT_COMMIT_SHA": "abc1234"}, stamp) == "abc1234"
    assert release_version({"APP_VERSION": "v9", "RAILWAY_GIT_COMMIT_SHA": "abc1234"}) == "v9"
    stamp.write_text("not a sha; rm -rf")
    assert release_version({}, stamp) == "dev"


def test_otel_values_read_from_infisical_are_kept_for_the_sdk() -> None:
    """Infisical's OTEL_EXPORTER_OTLP_HEADERS arrives in the merged environment, not in
    os.environ: the settings keep every OTEL_* entry for telemetry.start to hand over."""
    env = {"OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Basic%20eA==", "OTHER": "x"}
    cfg = TelemetrySettings.from_env(env)
    assert dict(cfg.otel_env) == {"OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Basic%20eA=="}
    assert "Basic" not in repr(cfg)

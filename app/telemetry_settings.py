"""Telemetry settings shared by the API and the worker, read from the environment.

The OpenTelemetry SDK reads the standard `OTEL_*` variables itself (endpoint, headers,
service name, resource attributes, sampler); this module only decides whether exporting is on
and checks the values the SDK would otherwise ignore with a warning (a misspelled sampler
falls back to always-on: a bill, not an error). Better Stack is ours: a source token and an
ingesting host, both or neither.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

# The samplers the SDK knows by name (opentelemetry.sdk.trace.sampling._KNOWN_SAMPLERS).
KNOWN_SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
_RATIO_SAMPLERS = ("traceidratio", "parentbased_traceidratio")
_HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
DEFAULT_TRACES_SAMPLE_RATIO = 1.0
DEFAULT_LOG_QUEUE_LINES = 10_000


RELEASE_FILE = Path(__file__).parent / "RELEASE"  # written by deploy.yml before `railway up`


def release_version(env: Mapping[str, str], release_file: Path = RELEASE_FILE) -> str:
    """The git SHA this process runs: APP_VERSION if set, else the one Railway built from
    (RAILWAY_GIT_COMMIT_SHA, set for GitHub-triggered builds), else app/RELEASE, which the
    deploy workflow stamps (`railway up` uploads a checkout, so Railway knows no commit)."""
    for name in ("APP_VERSION", "RAILWAY_GIT_COMMIT_SHA"):
        value = env.get(name, "").strip()
        if value:
            return value
    try:
        stamped = release_file.read_text().strip()
    except OSError:
        return "dev"
    return stamped if re.fullmatch(r"[0-9a-f]{7,40}", stamped) else "dev"


def betterstack_url(value: str) -> str | None:
    """A host name means https://host/; a full http(s)://host:port URL is used as is."""
    value = value.strip()
    if "://" in value:
        parsed = urlparse(value)
        if parsed.scheme in ("http", "https") and parsed.hostname and not parsed.query:
            return value.rstrip("/") + "/"
        return None
    if _HOST_RE.match(value.lower()):
        return f"https://{value.lower()}/"
    return None


@dataclass(frozen=True)
class TelemetrySettings:
    otlp_endpoint: str | None = None  # OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT; None = no export
    traces_sample_ratio: float = DEFAULT_TRACES_SAMPLE_RATIO  # parent-based, from config
    sampler_from_env: bool = False  # OTEL_TRACES_SAMPLER is set: the SDK's choice wins
    betterstack_url: str | None = None
    betterstack_token: str | None = field(default=None, repr=False)
    log_queue_lines: int = DEFAULT_LOG_QUEUE_LINES
    # The OTEL_* entries of the environment read (Infisical's included): the SDK reads the
    # process environment, so app.telemetry.start puts these there.
    otel_env: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def ships_logs(self) -> bool:
        return self.betterstack_url is not None and self.betterstack_token is not None

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, problems: list[str] | None = None
    ) -> TelemetrySettings:
        """Read and check; appends each problem (name and fix) to `problems` when given,
        else raises ValueError listing them."""
        e = os.environ if env is None else env
        found: list[str] = []

        def text(name: str) -> str:
            return e.get(name, "").strip()

        disabled = text("OTEL_SDK_DISABLED").lower() == "true"
        endpoint = text("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or text("OTEL_EXPORTER_OTLP_ENDPOINT")
        if endpoint and urlparse(endpoint).scheme not in ("http", "https"):
            found.append(
                f"OTEL_EXPORTER_OTLP_ENDPOINT={endpoint!r} is not a URL: set it to the OTLP/HTTP "
                "base, e.g. https://otlp-gateway-prod-eu-west-2.grafana.net/otlp"
            )
        protocol = text("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf"
        if protocol != "http/protobuf":
            found.append(
                f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: only http/protobuf is supported "
                "(Grafana Cloud's OTLP gateway); unset it"
            )
        ratio = DEFAULT_TRACES_SAMPLE_RATIO
        raw_ratio = text("TRACES_SAMPLE_RATIO")
        if raw_ratio:
            try:
                ratio = float(raw_ratio)
                if not 0.0 <= ratio <= 1.0:
                    raise ValueError
            except ValueError:
                found.append(f"TRACES_SAMPLE_RATIO={raw_ratio!r}: use a number from 0 to 1")
                ratio = DEFAULT_TRACES_SAMPLE_RATIO
        sampler = text("OTEL_TRACES_SAMPLER").lower()
        if sampler and sampler not in KNOWN_SAMPLERS:
            found.append(
                f"OTEL_TRACES_SAMPLER={sampler!r} is unknown: use one of "
                f"{', '.join(KNOWN_SAMPLERS)}, or unset it to use TRACES_SAMPLE_RATIO"
            )
        sampler_arg = text("OTEL_TRACES_SAMPLER_ARG")
        if sampler in _RATIO_SAMPLERS and sampler_arg:
            try:
                if not 0.0 <= float(sampler_arg) <= 1.0:
                    raise ValueError
            except ValueError:
                found.append(f"OTEL_TRACES_SAMPLER_ARG={sampler_arg!r}: use a number from 0 to 1")
        token = text("BETTERSTACK_SOURCE_TOKEN") or None
        host = text("BETTERSTACK_INGESTING_HOST")
        url = betterstack_url(host) if host else None
        if host and url is None:
            found.append(
                f"BETTERSTACK_INGESTING_HOST={host!r}: use the source's ingesting host name "
                "(e.g. s1234.eu-nbg-2.betterstackdata.com) or http://127.0.0.1:PORT locally"
            )
        if bool(token) != bool(host):
            missing = "BETTERSTACK_INGESTING_HOST" if token else "BETTERSTACK_SOURCE_TOKEN"
            found.append(
                f"{missing} is missing: Better Stack shipping needs both the source token and "
                "the ingesting host (or neither)"
            )
        queue = DEFAULT_LOG_QUEUE_LINES
        raw_queue = text("LOG_SHIP_QUEUE_LINES")
        if raw_queue:
            if raw_queue.isdigit() and 1 <= int(raw_queue) <= 1_000_000:
                queue = int(raw_queue)
            else:
                found.append(f"LOG_SHIP_QUEUE_LINES={raw_queue!r}: use a whole number 1..1000000")
        if found and problems is None:
            raise ValueError("invalid telemetry settings:\n  - " + "\n  - ".join(found))
        if problems is not None:
            problems.extend(found)
        return cls(
            otlp_endpoint=None if disabled or not endpoint else endpoint,
            traces_sample_ratio=ratio,
            sampler_from_env=bool(sampler),
            betterstack_url=url if token else None,
            betterstack_token=token if url else None,
            log_queue_lines=queue,
            otel_env=tuple(sorted((k, v) for k, v in e.items() if k.startswith("OTEL_"))),
        )

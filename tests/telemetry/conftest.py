"""Telemetry fixtures: one real OpenTelemetry Collector per test worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.otelcol import CollectorUnavailable, RunningCollector, running_collector


@pytest.fixture(scope="session")
def collector() -> Iterator[RunningCollector]:
    try:
        with running_collector() as running:
            yield running
    except CollectorUnavailable as exc:
        pytest.fail(f"the OpenTelemetry Collector could not be built (make otelcol): {exc}")

"""One real Uptime Kuma server per xdist worker for the monitor provider tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.uptime_kuma import KumaServer, kuma_for_tests


@pytest.fixture(scope="session")
def kuma_server() -> Iterator[KumaServer]:
    with kuma_for_tests() as server:
        yield server

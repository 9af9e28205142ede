"""The contract-held Infisical stand-in on api host, and providers authenticated against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from infra.infisical.client import CLIENT_ID_ENV, CLIENT_SECRET_ENV, TOKEN_ENV
from tests.infra.infisical.fake_api import FakeInfisical

API_URL = "https://app.infisical.com"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeInfisical]:
    api = FakeInfisical()
    monkeypatch.setenv(TOKEN_ENV, api.admin_token)
    monkeypatch.delenv(CLIENT_ID_ENV, raising=False)
    monkeypatch.delenv(CLIENT_SECRET_ENV, raising=False)
    with respx.mock(assert_all_called=False) as router:
        router.route(host="app.infisical.com").mock(side_effect=api)
        yield api

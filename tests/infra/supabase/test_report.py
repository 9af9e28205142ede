"""The read-only posture report, against the contract-held fake."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from infra.supabase.client import SupabaseClient
from infra.supabase.report import collect, main
from tests.infra.supabase.fake_api import PROJECT_REF, FakeSupabase


@pytest.fixture
def fake() -> Iterator[FakeSupabase]:
    api = FakeSupabase()
    with respx.mock(assert_all_called=False) as router:
        router.route(host="api.supabase.com").mock(side_effect=api)
        yield api


def test_report_reads_posture_with_five_gets_and_changes_nothing(fake: FakeSupabase) -> None:
    with SupabaseClient("fake-supabase-pat-report", transport=httpx.MockTransport(fake)) as c:
        report = collect(c, PROJECT_REF)
    assert [m for m, _p, _b in fake.requests] == ["GET"] * 5
    assert [f.name for f in report.findings] == ["auth_otp_long_expiry"]
    assert report.blocking == []
    assert report.ssl_enforced is False and report.allowed_cidrs == ["0.0.0.0/0", "::/0"]
    assert report.completed_backups == 1 and report.latest_backup == "2026-11-26T03:12:44.000Z"
    assert report.pooler_modes == ["transaction"]


def test_cli_prints_json_and_fails_without_a_token(
    fake: FakeSupabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUPABASE_ACCESS_TOKEN", "fake-supabase-pat-cli")
    assert main(["--ref", PROJECT_REF]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["project_ref"] == PROJECT_REF and printed["blocking"] == 0
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN")
    assert main(["--ref", PROJECT_REF]) == 2
    assert "careers-crm:supabase.accessToken" in capsys.readouterr().err

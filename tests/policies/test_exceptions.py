"""Reviewed exceptions: an excepted finding stays visible, an expired one blocks again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from policies.exceptions import ExceptionsError, apply_exceptions, load_exceptions
from policies.findings import STATUS_EXCEPTED, STATUS_EXPIRED, exit_code
from tests.policies.conftest import run
from tests.policies.graphs import named

ENTRY = """exceptions:
  - policy_id: CRM-EDGE-011
    resource: "edge-api"
    justification: The API host is temporarily unproxied while Railway verifies it.
    owner: platform-lead
    expires: {expires}
"""


def _unproxied(prod_data: dict[str, Any]) -> list[Any]:
    named(prod_data, "edge-api")["inputs"]["proxied"] = False
    return run(prod_data).findings


def test_current_exception_marks_the_finding_excepted_and_unblocks(
    tmp_path: Path, prod_data: dict[str, Any]
) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(ENTRY.format(expires="2099-01-01"))
    findings = apply_exceptions(_unproxied(prod_data), load_exceptions(path))
    [finding] = [f for f in findings if f.policy_id == "CRM-EDGE-011"]
    assert finding.status == STATUS_EXCEPTED
    assert finding.exception and finding.exception["owner"] == "platform-lead"
    assert not finding.blocking


def test_expired_exception_fails_like_the_finding(
    tmp_path: Path, prod_data: dict[str, Any]
) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(ENTRY.format(expires="2020-01-01"))
    findings = apply_exceptions(
        _unproxied(prod_data), load_exceptions(path), today=dt.date(2026, 11, 27)
    )
    [finding] = [f for f in findings if f.policy_id == "CRM-EDGE-011"]
    assert finding.status == STATUS_EXPIRED
    assert finding.blocking and exit_code(findings) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "exceptions:\n  - policy_id: X\n    resource: r\n",
            "missing justification, owner, expires",
        ),
        (ENTRY.format(expires="next-year"), "is not a date; write it as YYYY-MM-DD"),
        ("exceptions: {}", "expected a top-level 'exceptions:' list"),
        (
            ENTRY.format(expires="2099-01-01").replace(
                "The API host is temporarily unproxied while Railway verifies it.", "ok"
            ),
            "at least 20 characters",
        ),
    ],
)
def test_malformed_exceptions_are_refused_with_the_fix(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(text)
    with pytest.raises(ExceptionsError, match="exceptions") as caught:
        load_exceptions(path)
    assert expected in str(caught.value)


def test_repository_exceptions_file_is_valid_and_current() -> None:
    for entry in load_exceptions():
        assert entry.expires > dt.date(2026, 11, 1), entry

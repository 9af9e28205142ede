"""app/web/vercel.json is generated from the stack config, and the committed file is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stacks import web_headers


def test_committed_vercel_json_matches_the_generator() -> None:
    assert web_headers.VERCEL_JSON.read_text(encoding="utf-8") == web_headers.render("prod"), (
        "run `python -m stacks.web_headers --stack prod`"
    )
    assert web_headers.main(["--stack", "prod", "--check"]) == 0


def test_a_domain_change_changes_the_csp(tmp_path: Path) -> None:
    """The old hand-kept CSP still named the old API host after the domain changed."""
    root = Path(web_headers.ROOT)
    (tmp_path / "Pulumi.yaml").write_text((root / "Pulumi.yaml").read_text())
    stack = (
        (root / "Pulumi.prod.yaml")
        .read_text()
        .replace("careers-crm:domain: careers.example.edu", "careers-crm:domain: crm.example.org")
    )
    (tmp_path / "Pulumi.prod.yaml").write_text(stack)
    document = json.loads(web_headers.render("prod", tmp_path))
    csp = document["headers"][0]["headers"][0]["value"]
    assert "https://api.crm.example.org" in csp
    assert "careers.example.edu" not in csp


def test_a_bad_stack_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert web_headers.main(["--stack", "nope", "--check"]) == 2
    assert "Pulumi.nope.yaml" in capsys.readouterr().err

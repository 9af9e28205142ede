"""Every rule entry carries a status and the evidence it inspected; a rule that inspected
nothing is not applicable; a control shows the worst of what maps to it, in any order."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from policies.findings import Finding
from policies.provenance import Provenance
from policies.reports import markdown
from policies.reports.model import AuditResult, RuleRecord, merge_rules
from policies.rules import ALL_RULES
from tests.policies.conftest import reviewed, run

CONTROL = {"framework": "SOC 2 TSC", "version": "2017", "id": "CC6.1", "title": "Access"}


def _entries(prod_plan: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in run(*prod_plan).rule_entries()}


def test_rules_that_inspected_nothing_are_not_applicable_never_passed(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """CRM-R2-005 (no S3 resource R2 lacks) used to report "passed" over 0 resources (so did
    CRM-GH-007 before the plan declared Actions variables); every rule that inspected nothing
    is not applicable, and one that inspected something never is."""
    entries = _entries(prod_plan)
    assert entries["CRM-R2-005"]["inspected"] == 0
    for entry in entries.values():
        assert (entry["status"] == "not_applicable") == (entry["inspected"] == 0), entry
    assert {e["status"] for e in entries.values()} <= {
        "passed",
        "violated",
        "excepted",
        "not_applicable",
    }


def test_every_pass_names_the_values_it_inspected(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    entries = _entries(prod_plan)
    for entry in entries.values():
        if entry["status"] == "passed":
            assert entry["inspected"] > 0 and entry["evidence"], entry["id"]
            assert all({"subject", "setting", "value"} <= set(e) for e in entry["evidence"])
    assert {
        "subject": "zone fedcba9876543210fedcba9876543210",
        "setting": "min_tls_version",
        "value": "1.2",
        "urn": "urn:pulumi:prod::careers-crm::crm:edge:Edge$cloudflare:index/zoneSetting:"
        "ZoneSetting::edge-min-tls-version",
    } in entries["CRM-EDGE-002"]["evidence"]


def test_evidence_never_carries_a_plaintext_secret(prod_data: dict[str, Any]) -> None:
    token = "ghp_" + "FAKEfake0123456789" * 2
    for r in prod_data["resources"]:
        if r["name"] == "railway-api-vars":
            r["inputs"]["variables"]["GITHUB_TOKEN"] = token
    evaluation = run(prod_data)
    assert token not in repr(evaluation.rule_entries())


def _finding(policy: str, enforcement: str, status: str) -> Finding:
    return Finding(
        policy_id=policy,
        title=policy,
        severity="high",
        enforcement=enforcement,
        resource_urn=f"urn:{policy}",
        resource_type="t",
        message="m",
        remediation="r",
        controls=(CONTROL,),
        status=status,
        exception={"justification": "j", "owner": "o", "expires": "2099-01-01"}
        if status == "excepted"
        else None,
    )


def _result(findings: list[Finding]) -> AuditResult:
    rules = merge_rules([RuleRecord.from_rule(r, 1) for r in ALL_RULES[:1]], findings)
    provenance = Provenance("p", "prod", "now", "c", False, "g", "s", {})
    return AuditResult(findings, rules, provenance, 1)


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([("A", "mandatory", "excepted"), ("B", "advisory", "violation")], "warn"),
        ([("A", "mandatory", "excepted"), ("B", "mandatory", "violation")], "fail"),
        ([("A", "advisory", "violation"), ("B", "mandatory", "violation")], "fail"),
        ([("A", "mandatory", "excepted"), ("B", "mandatory", "excepted")], "excepted"),
    ],
)
def test_control_status_is_the_worst_of_its_findings_in_any_order(
    findings: list[tuple[str, str, str]], expected: str
) -> None:
    """It used to depend on the order: an excepted finding first hid later violations."""
    for order in itertools.permutations(findings):
        result = _result([_finding(*f) for f in order])
        (status,) = [c.status for c in result.controls() if c.control["id"] == "CC6.1"]
        assert status == expected, order


def test_markdown_counts_warn_controls() -> None:
    """report.md showed 0 "warn" everywhere."""
    result = _result(
        [_finding("A", "mandatory", "excepted"), _finding("B", "advisory", "violation")]
    )
    row = next(line for line in markdown.render(result).splitlines() if line.startswith("| SOC 2"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == "1"  # the warn column


def test_rule_status_reaches_findings_json(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    evaluation = run(*prod_plan)
    findings = reviewed(evaluation.findings)
    records = merge_rules(
        [
            RuleRecord.from_rule(r, evaluation.inspected[r.id], evaluation.evidence[r.id])
            for r in ALL_RULES
        ],
        findings,
    )
    by_id = {r.id: r for r in records}
    assert by_id["CRM-SB-009"].status == "excepted"
    assert by_id["CRM-R2-005"].status == "not_applicable"
    assert by_id["CRM-EDGE-002"].status == "passed" and by_id["CRM-EDGE-002"].evidence

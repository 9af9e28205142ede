"""The five reports from one audit: SARIF valid against the 2.1.0 schema, JUnit that CI can
read, Markdown that fits a PR comment, findings JSON, and HTML an auditor opens (checked in
headless Chromium, screenshot saved under build/)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from policies.audit import REPORT_FILES, write_reports
from policies.exceptions import apply_exceptions, load_exceptions
from policies.findings import Finding
from policies.graph import parse_graph
from policies.provenance import collect
from policies.reports.markdown import LIMIT
from policies.reports.model import AuditResult, RuleRecord, merge_rules
from policies.rules import ALL_RULES
from policies.scanners.common import REPO
from tests.policies.conftest import run
from tests.policies.graphs import named, setting
from tests.policies.png import colours

SCHEMA = Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json"
EXCEPTIONS = """exceptions:
  - policy_id: CRM-EDGE-011
    resource: edge-app
    justification: Vercel verifies the domain over an unproxied record for one day.
    owner: web
    expires: 2099-01-01
  - policy_id: CRM-R2-001
    resource: "*uploads-r2dev"
    justification: A partner needed public links for one week during the 2019 migration.
    owner: platform-lead
    expires: 2020-01-01
"""


@pytest.fixture(scope="module")
def report_dir(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
    checkov_findings: list[Finding],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, AuditResult]:
    data, options = copy.deepcopy(prod_plan[0]), prod_plan[1]
    named(data, "storage-uploads-r2dev")["inputs"]["enabled"] = True  # expired exception
    named(data, "edge-app")["inputs"]["proxied"] = False  # excepted
    setting(data, "tls_1_3")["inputs"]["value"] = "off"  # advisory
    evaluation = run(data, options)
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "exceptions.yaml").write_text(EXCEPTIONS)
    (tmp / "resources.json").write_text(json.dumps(data))
    findings = apply_exceptions(
        evaluation.findings + checkov_findings, load_exceptions(tmp / "exceptions.yaml")
    )
    rules = merge_rules(
        [
            RuleRecord.from_rule(r, evaluation.inspected.get(r.id, 0), evaluation.evidence[r.id])
            for r in ALL_RULES
        ],
        findings,
    )
    graph = parse_graph(data)
    result = AuditResult(
        findings,
        rules,
        collect(graph.project, graph.stack, tmp / "resources.json", True),
        len(graph.resources),
    )
    out = tmp / "report"
    write_reports(result, out)
    return out, result


def test_all_five_reports_are_written(report_dir: tuple[Path, AuditResult]) -> None:
    out, _ = report_dir
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)


def test_sarif_is_valid_against_the_2_1_0_schema(report_dir: tuple[Path, AuditResult]) -> None:
    out, result = report_dir
    sarif = json.loads((out / "findings.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(result.findings)
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["CRM-R2-001"]["level"] == "error"
    assert by_rule["CRM-EDGE-011"]["suppressions"][0]["status"] == "accepted"
    assert by_rule["CKV_CRM_1"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(float(r["properties"]["security-severity"]) > 0 for r in rules)


def test_junit_fails_exactly_the_blocking_findings(report_dir: tuple[Path, AuditResult]) -> None:
    out, result = report_dir
    root = ET.parse(out / "junit.xml").getroot()
    assert int(root.get("failures", "-1")) == sum(1 for f in result.findings if f.blocking)
    not_applicable = sum(1 for r in result.rules if r.status == "not_applicable")
    assert not_applicable >= 1  # skipped, never reported as a passing test
    assert int(root.get("skipped", "-1")) == not_applicable + sum(
        1 for f in result.findings if f.status == "excepted"
    )
    failed = {
        case.get("classname") for case in root.iter("testcase") if case.find("failure") is not None
    }
    assert {"CRM-R2-001", "CKV_CRM_1"} <= failed
    assert "CRM-EDGE-012" not in failed and "CRM-EDGE-011" not in failed


def test_findings_json_has_summary_provenance_and_exceptions(
    report_dir: tuple[Path, AuditResult],
) -> None:
    out, _ = report_dir
    document = json.loads((out / "findings.json").read_text())
    assert document["summary"]["passed"] is False
    assert document["summary"]["excepted"] == 1 and document["summary"]["expired_exceptions"] == 1
    assert len(document["provenance"]["graph_sha256"]) == 64
    expired = [f for f in document["findings"] if f["status"] == "exception-expired"]
    assert expired[0]["exception"]["expires"] == "2020-01-01"


def test_markdown_fits_a_pull_request_comment(report_dir: tuple[Path, AuditResult]) -> None:
    out, result = report_dir
    text = (out / "report.md").read_text()
    assert len(text) < LIMIT
    assert "blocking finding" in text and "CRM-R2-001" in text and "### Exceptions" in text
    many = AuditResult(result.findings * 400, result.rules, result.provenance, result.resources)
    from policies.reports.markdown import render

    assert len(render(many)) < LIMIT


def test_html_summary_is_visible_in_headless_chromium(report_dir: tuple[Path, AuditResult]) -> None:
    out, result = report_dir
    chromium = shutil.which("chromium")
    assert chromium, "chromium is in .ci/system-packages.txt; run .ci/ensure-system-packages"
    shot = REPO / "build" / "policies" / "report-screenshot.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        base = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
        ]
        url = (out / "index.html").as_uri()
        subprocess.run(
            [*base, f"--screenshot={shot}", "--window-size=1280,900", url],
            capture_output=True,
            timeout=60,
            check=True,
        )
        dom = subprocess.run(
            [*base, "--dump-dom", url], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    assert f"Failed: {result.summary['blocking']} blocking finding(s)" in dom
    assert "OWASP ASVS 4.0.3 V14.4.5" in " ".join(dom.split())
    assert 'id="toc"' in dom and 'id="frameworks"' in dom
    width, height, counts = colours(shot)
    assert (width, height) == (1280, 900)
    # The failed verdict's red banner (#fde2e1) is painted on the first screen.
    assert counts[(0xFD, 0xE2, 0xE1)] > 2000


def test_no_none_and_no_python_repr_in_any_format(report_dir: tuple[Path, AuditResult]) -> None:
    out, _ = report_dir
    for name in REPORT_FILES:
        text = (out / name).read_text()
        assert "None" not in text, name
        assert "': " not in text and "{'" not in text and "['" not in text, name


def test_zizmor_is_in_every_formats_sources(report_dir: tuple[Path, AuditResult]) -> None:
    """zizmor ran but found nothing, and vanished from the reports' sources."""
    out, _ = report_dir
    document = json.loads((out / "findings.json").read_text())
    assert document["summary"]["by_source"]["zizmor"] == 0
    sarif = json.loads((out / "findings.sarif").read_text())
    assert "zizmor" in {e["name"] for e in sarif["runs"][0]["tool"]["extensions"]}
    suites = {s.get("name") for s in ET.parse(out / "junit.xml").getroot().iter("testsuite")}
    assert "zizmor" in suites
    assert "zizmor 0 finding(s)" in (out / "report.md").read_text()
    assert "<td>zizmor</td>" in (out / "index.html").read_text()


def test_sarif_points_at_the_python_line_that_declared_the_resource(
    report_dir: tuple[Path, AuditResult],
) -> None:
    out, _ = report_dir
    sarif = json.loads((out / "findings.sarif").read_text())
    r2 = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CRM-R2-001")
    physical = r2["locations"][0]["physicalLocation"]
    path = physical["artifactLocation"]["uri"]
    line = physical["region"]["startLine"]
    assert path.startswith("infra/r2/") and path.endswith(".py")
    assert "R2ManagedDomain" in (REPO / path).read_text().splitlines()[line - 1]


def test_html_navigation_tally_and_collapsed_minor_findings(
    report_dir: tuple[Path, AuditResult],
) -> None:
    out, _ = report_dir
    html = (out / "index.html").read_text()
    assert '<nav id="toc"' in html and 'href="#rules"' in html and 'href="#frameworks"' in html
    assert 'id="rule-crm-r2-001"' in html and 'href="#rule-crm-r2-001"' in html
    assert 'id="control-owasp-asvs-4-0-3-v2-2-1"' in html
    assert "/blob/" in html and "policies/rules/r2.py" in html  # rule source links
    minor = html.split('<details id="minor-findings">', 1)[1].split("</details>", 1)[0]
    assert "CRM-EDGE-012" in minor  # the low-severity advisory finding is collapsed
    assert "break-all" not in html and "<wbr>" in html
    # The excepted high finding (edge-app unproxied) shows on the summary card.
    cards = html.split('id="by-severity"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "+1 excepted" in cards

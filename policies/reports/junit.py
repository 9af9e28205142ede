"""JUnit XML: one test case per rule and resource; blocking findings fail, so CI test
report viewers show the verdict without knowing anything about policies."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from policies.findings import STATUS_EXCEPTED, Finding, show
from policies.reports.model import AuditResult


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")


def _detail(finding: Finding) -> str:
    lines = [finding.message, f"resource: {finding.resource_urn}"]
    if finding.property_path:
        lines.append(
            f"property: {finding.property_path} actual={show(finding.actual)} "
            f"required={show(finding.required)}"
        )
    lines.append(f"remediation: {finding.remediation}")
    if finding.exception:
        lines.append(
            f"exception: {finding.exception['justification']} "
            f"(owner {finding.exception['owner']}, expires "
            f"{finding.exception['expires']})"
        )
    return "\n".join(lines)


def render(result: AuditResult) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.policy_id].append(finding)
    root = ET.Element("testsuites", name=f"careers-crm policies ({result.provenance.stack})")
    by_source: dict[str, list[str]] = {s: [] for s in result.sources}
    for rule in sorted(result.rules, key=lambda r: r.id):
        by_source[rule.source].append(rule.id)
    records = {r.id: r for r in result.rules}
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for source, rule_ids in sorted(by_source.items()):
        suite = ET.SubElement(root, "testsuite", name=source)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        if not rule_ids:  # the scanner ran and found nothing: say so, as a passing case
            _case(suite, source, f"{source} {result.provenance.tools.get(source, '')}: no findings")
            counts["tests"] += 1
        for rule_id in rule_ids:
            rule = records[rule_id]
            findings = by_rule.get(rule_id, [])
            if not findings:
                case = _case(suite, rule_id, f"{rule.title} [{rule.inspected} inspected]")
                counts["tests"] += 1
                if rule.status == "not_applicable":
                    ET.SubElement(case, "skipped", message="not applicable: inspected nothing")
                    counts["skipped"] += 1
            for finding in findings:
                case = _case(suite, rule_id, f"{rule.title} :: {finding.resource_urn}")
                counts["tests"] += 1
                if finding.blocking:
                    failure = ET.SubElement(
                        case, "failure", type=finding.severity, message=finding.message
                    )
                    failure.text = _detail(finding)
                    counts["failures"] += 1
                elif finding.status == STATUS_EXCEPTED and finding.exception is not None:
                    skipped = ET.SubElement(
                        case, "skipped", message="excepted: " + finding.exception["justification"]
                    )
                    skipped.text = _detail(finding)
                    counts["skipped"] += 1
                else:
                    out = ET.SubElement(case, "system-out")
                    out.text = f"advisory ({finding.severity}): {_detail(finding)}"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")

"""The terminal verdict of `make audit`: each blocking finding as rule, resource, actual ->
required and the fix, then one sentence a person can act on."""

from __future__ import annotations

from collections import Counter

from policies.findings import SEVERITIES, Finding, show
from policies.reports.model import AuditResult


def resource(finding: Finding) -> str:
    if finding.file:
        return f"{finding.file}:{finding.line}" if finding.line else finding.file
    name = finding.resource_urn.rsplit("::", 1)[-1]
    return f"{name} ({finding.resource_type})"


def _words(counts: Counter[str]) -> str:
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts.get(s)]
    return ", ".join(parts) if parts else "none"


def blocking_lines(result: AuditResult) -> list[str]:
    lines = []
    for f in result.sorted_findings():
        if not f.blocking:
            continue
        lines.append(f"  ✗ {f.policy_id} [{f.severity}] {f.title}")
        lines.append(f"      resource: {resource(f)}")
        if f.property_path:
            change = ""
            if f.actual is not None or f.required is not None:
                change = f": {show(f.actual)} -> {show(f.required)}"
            lines.append(f"      {f.property_path}{change}")
        lines.append(f"      why: {f.message}")
        lines.append(f"      fix: {f.remediation}")
        if f.exception:
            lines.append(f"      exception expired {f.exception.get('expires', '')}")
    return lines


def summary_line(stack: str, result: AuditResult, out: str, seconds: float) -> str:
    s = result.summary
    blocking = [f for f in result.findings if f.blocking]
    rules = {f.policy_id for f in blocking}
    advisory = sum(1 for f in result.findings if not f.blocking and not f.exception)
    statuses = Counter(r.status for r in result.rules)
    tail = (
        f"{s['excepted']} excepted, {advisory} advisory; rules: {statuses['passed']} passed, "
        f"{statuses['violated']} violated, {statuses['excepted']} excepted, "
        f"{statuses['not_applicable']} not applicable. Reports in {out} ({seconds:.1f} s)."
    )
    if not blocking:
        return f"audit {stack}: PASSED - no blocking finding; {tail}"
    return (
        f"audit {stack}: FAILED - {len(blocking)} blocking finding(s) "
        f"({_words(Counter(f.severity for f in blocking))}) from {len(rules)} rule(s); {tail}"
    )

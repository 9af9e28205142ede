"""Markdown for a pull request comment and the GitHub job summary (kept under 65,000
characters: GitHub's comment limit is 65,536)."""

from __future__ import annotations

from collections import Counter

from policies.findings import SEVERITIES, Finding, show
from policies.reports.model import AuditResult

LIMIT = 65_000
_ICON = {"fail": "❌", "warn": "⚠️", "pass": "✅", "excepted": "📝", "not_applicable": "⚪"}


def _cell(text: object, width: int = 160) -> str:
    value = str(text).replace("|", "\\|").replace("\n", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def _resource(finding: Finding) -> str:
    if finding.file:
        return f"`{finding.file}:{finding.line}`"
    return f"`{finding.resource_urn.rsplit('::', 1)[-1]}` ({finding.resource_type})"


def _evidence(finding: Finding) -> str:
    if not finding.property_path:
        return ""
    if finding.actual is None and finding.required is None:  # scanners name only the spot
        return f"`{finding.property_path}`"
    return (
        f"`{finding.property_path}`: {_cell(show(finding.actual), 60)} → "
        f"{_cell(show(finding.required), 60)}"
    )


def _table(findings: list[Finding], budget: int) -> list[str]:
    lines = [
        "| Severity | Rule | Resource | Finding | Evidence | Fix |",
        "|---|---|---|---|---|---|",
    ]
    used = sum(len(x) + 1 for x in lines)
    for shown, f in enumerate(findings):
        row = (
            f"| {f.severity} | `{f.policy_id}` | {_resource(f)} | {_cell(f.message)} | "
            f"{_evidence(f)} | {_cell(f.remediation, 120)} |"
        )
        if used + len(row) + 1 > budget:
            lines.append(f"\n… and {len(findings) - shown} more in `findings.json`.")
            break
        lines.append(row)
        used += len(row) + 1
    return lines


def render(result: AuditResult) -> str:
    s = result.summary
    p = result.provenance
    verdict = (
        "✅ **passed**: no blocking finding"
        if s["passed"]
        else f"❌ **{s['blocking']} blocking finding(s)**"
    )
    head = [
        f"## Policy audit: `{p.stack}`, {verdict}",
        "",
        f"{s['rules_evaluated']} rules and checks over {s['resources_evaluated']} planned "
        f"resources and the repository's workflows and files; {s['total']} finding(s), "
        f"{s['excepted']} excepted, {s['expired_exceptions']} with an expired exception.",
        "",
        "| " + " | ".join(SEVERITIES) + " |",
        "|" + "---|" * len(SEVERITIES),
        "| "
        + " | ".join(
            str(s["by_severity"][x])
            + (
                f" (+{s['excepted_by_severity'][x]} excepted)"
                if s["excepted_by_severity"][x]
                else ""
            )
            for x in SEVERITIES
        )
        + " |",
        "",
        "Sources: " + ", ".join(f"{k} {v} finding(s)" for k, v in s["by_source"].items()) + ".",
        "",
    ]
    controls = result.controls()
    tally = Counter((c.control["framework"], c.status) for c in controls)
    frameworks = sorted({c.control["framework"] + " " + c.control["version"] for c in controls})
    control_lines = [
        "### Controls",
        "",
        "| Framework | ✅ pass | ⚠️ warn | 📝 excepted | ❌ fail | ⚪ not applicable |",
        "|---|---|---|---|---|---|",
    ]
    for fw in frameworks:
        name = fw.rsplit(" ", 1)[0]
        control_lines.append(
            f"| {fw} | {tally[(name, 'pass')]} | {tally[(name, 'warn')]} | "
            f"{tally[(name, 'excepted')]} | {tally[(name, 'fail')]} | "
            f"{tally[(name, 'not_applicable')]} |"
        )
    failing = [c for c in controls if c.status == "fail"]
    if failing:
        control_lines += ["", "Failing: " + ", ".join(f"{_ICON['fail']} {c.key}" for c in failing)]
    exceptions = [f for f in result.findings if f.exception]
    exc_lines: list[str] = []
    if exceptions:
        exc_lines = [
            "### Exceptions",
            "",
            "| Rule | Resource | Justification | Owner | Expires | Status |",
            "|---|---|---|---|---|---|",
        ]
        exc_lines += [
            f"| `{f.policy_id}` | {_resource(f)} | "
            f"{_cell(f.exception['justification'])} | {f.exception['owner']} | "
            f"{f.exception['expires']} | {f.status} |"
            for f in exceptions
            if f.exception
        ]
    tools = ", ".join(f"{k} {v}" for k, v in sorted(p.tools.items()))
    foot = [
        "",
        f"<sub>commit `{p.git_commit[:12]}`{' (dirty)' if p.git_dirty else ''} · "
        f"graph sha256 `{p.graph_sha256[:16]}…` · {p.generated_at} · {tools}</sub>",
        "",
    ]
    fixed = "\n".join(head + control_lines + [""] + exc_lines + foot)
    budget = LIMIT - len(fixed) - 200
    blocking = [f for f in result.sorted_findings() if f.blocking]
    advisory = [f for f in result.sorted_findings() if not f.blocking and not f.exception]
    body: list[str] = []
    if blocking:
        body += ["### Blocking findings", "", *_table(blocking, budget * 2 // 3), ""]
    used = sum(len(x) + 1 for x in body)
    if advisory:
        body += [
            f"<details><summary>Advisory findings ({len(advisory)})</summary>",
            "",
            *_table(advisory, budget - used),
            "",
            "</details>",
            "",
        ]
    text = "\n".join(head + body + control_lines + [""] + exc_lines + foot)
    return text if len(text) <= LIMIT else text[: LIMIT - 40] + "\n\n… (truncated)\n"

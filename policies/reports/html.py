"""The auditor's report: one self-contained HTML page rendered with jinja2 (autoescaped)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from policies.findings import SEVERITIES, Finding, show
from policies.reports.model import CONTROL_ORDER, REPO_URL, AuditResult

_BREAK_AFTER = re.compile(r"(::|\$|/|,)")


def _wbr(value: Any) -> Markup:
    """Escaped text with line-break opportunities after URN and path separators, so long
    identifiers wrap there instead of mid-word."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(str(value)))))


def _slug(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-").lower()


def _minor(finding: Finding) -> bool:
    """Collapsed by default: low severity, or found in the scanners' test fixtures."""
    return finding.severity == "low" or finding.file.startswith("tests/")


def render(result: AuditResult) -> str:
    env = Environment(
        loader=PackageLoader("policies.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.filters["wbr"] = _wbr
    env.filters["slug"] = _slug
    template = env.get_template("report.html.j2")
    controls = result.controls()
    tally: dict[str, Counter[str]] = {}
    for c in controls:
        fw = f"{c.control['framework']} {c.control['version']}"
        tally.setdefault(fw, Counter())[c.status] += 1
    findings = result.sorted_findings()
    return template.render(
        result=result,
        summary=result.summary,
        p=result.provenance,
        severities=SEVERITIES,
        controls=controls,
        control_order=CONTROL_ORDER,
        tally=dict(sorted(tally.items())),
        rules=sorted(result.rules, key=lambda r: r.id),
        findings=findings,
        main_findings=[f for f in findings if not _minor(f)],
        minor_findings=[f for f in findings if _minor(f)],
        exceptions=[f for f in result.findings if f.exception],
        repo_url=REPO_URL,
    )

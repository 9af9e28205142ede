"""The auditor's report: one self-contained HTML page rendered with jinja2 (autoescaped)."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from policies.budget import render as budget_render
from policies.findings import SEVERITIES
from policies.reports.model import AuditResult


def _show(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def render(result: AuditResult) -> str:
    env = Environment(
        loader=PackageLoader("policies.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = _show
    template = env.get_template("report.html.j2")
    return template.render(
        result=result,
        summary=result.summary,
        p=result.provenance,
        severities=SEVERITIES,
        controls=result.controls(),
        findings=result.sorted_findings(),
        exceptions=[f for f in result.findings if f.exception],
        budget=result.budget,
        budget_headline=budget_render.headline(result.budget) if result.budget else "",
        budget_rows=budget_render.rows(result.budget) if result.budget else [],
        budget_claims=budget_render.claims(result.budget) if result.budget else [],
    )

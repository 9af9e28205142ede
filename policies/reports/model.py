"""The audit as every report sees it: findings, the rules that ran, and where it came from."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from policies.evidence import Evidence
from policies.evidence import document as evidence_document
from policies.findings import (
    RULE_EXCEPTED,
    RULE_NOT_APPLICABLE,
    RULE_PASSED,
    STATUS_EXCEPTED,
    Finding,
    exit_code,
    rule_status,
    summarize,
)
from policies.model import Rule

REPO_URL = "https://github.com/careers-crm/careers-crm-platform"
ROOT = Path(__file__).resolve().parents[2]


def _where(obj: Any) -> tuple[str, int]:
    """(repository-relative file, line) where a rule's check function is written."""
    try:
        target = inspect.unwrap(obj)
        path = Path(inspect.getsourcefile(target) or "")
        return path.relative_to(ROOT).as_posix(), inspect.getsourcelines(target)[1]
    except (TypeError, OSError, ValueError):
        return "", 0


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
CONTROL_NOT_APPLICABLE = "not_applicable"
CONTROL_ORDER = ("fail", "warn", "excepted", "pass", CONTROL_NOT_APPLICABLE)
"""Control statuses, worst first; a control shows the worst of everything mapped to it."""


@dataclass(frozen=True)
class RuleRecord:
    id: str
    title: str
    severity: str
    enforcement: str
    description: str
    remediation: str
    controls: tuple[dict[str, str], ...]
    source: str
    inspected: int
    evidence: tuple[dict[str, Any], ...] = ()
    evidence_more: int = 0
    status: str = RULE_NOT_APPLICABLE
    source_file: str = ""  # where the rule's check is written (our pack, our checkov checks)
    source_line: int = 0

    @property
    def doc_url(self) -> str:
        """Where a reader learns what the rule means."""
        if self.id.startswith("zizmor/"):
            return f"https://docs.zizmor.sh/audits/#{self.id.removeprefix('zizmor/')}"
        if self.source == "checkov" and not self.id.startswith("CKV_CRM"):
            return "https://www.checkov.io/5.Policy%20Index/all.html"
        return f"{REPO_URL}/blob/main/docs/policies.md"

    @classmethod
    def from_rule(
        cls, rule: Rule, inspected: int, evidence: list[Evidence] | None = None
    ) -> RuleRecord:
        rows, more = evidence_document(evidence or [])
        check = rule.resource_check or rule.stack_check
        where = _where(check)
        return cls(
            rule.id,
            rule.title,
            rule.severity.value,
            rule.enforcement.value,
            rule.description,
            rule.remediation,
            tuple(c.as_dict() for c in rule.controls),
            "pulumi-policy",
            inspected,
            tuple(rows),
            more,
            source_file=where[0],
            source_line=where[1],
        )

    @classmethod
    def from_finding(cls, finding: Finding) -> RuleRecord:
        return cls(
            finding.policy_id,
            finding.title,
            finding.severity,
            finding.enforcement,
            finding.title,
            finding.remediation,
            finding.controls,
            finding.source,
            0,
        )


@dataclass(frozen=True)
class Provenance:
    project: str
    stack: str
    generated_at: str
    git_commit: str
    git_dirty: bool
    graph_path: str
    graph_sha256: str
    tools: dict[str, str]


@dataclass
class ControlStatus:
    control: dict[str, str]
    status: str  # one of CONTROL_ORDER
    rules: list[RuleRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def key(self) -> str:
        c = self.control
        return f"{c['framework']} {c['version']} {c['id']}"


@dataclass
class AuditResult:
    findings: list[Finding]
    rules: list[RuleRecord]
    provenance: Provenance
    resources: int

    def sorted_findings(self) -> list[Finding]:
        return sorted(
            self.findings,
            key=lambda f: (
                not f.blocking,
                SEVERITY_ORDER.get(f.severity, 9),
                f.policy_id,
                f.resource_urn,
            ),
        )

    @property
    def sources(self) -> tuple[str, ...]:
        """The tools that ran: our pack always, the scanners when the audit ran them."""
        return ("pulumi-policy", *(t for t in ("checkov", "zizmor") if t in self.provenance.tools))

    @property
    def summary(self) -> dict[str, Any]:
        return summarize(self.findings, len(self.rules), self.resources, self.sources)

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)

    @property
    def excepted(self) -> list[Finding]:
        return [f for f in self.findings if f.exception is not None]

    def controls(self) -> list[ControlStatus]:
        """Each control with the worst status of what maps to it, whatever the order:
        fail (a blocking finding) > warn (an advisory one) > excepted > pass > not_applicable
        (no rule mapped to it inspected anything)."""
        statuses: dict[str, ControlStatus] = {}

        def entry(control: dict[str, str]) -> ControlStatus:
            key = f"{control['framework']} {control['version']} {control['id']}"
            if key not in statuses:
                statuses[key] = ControlStatus(control, CONTROL_NOT_APPLICABLE)
            return statuses[key]

        def worsen(status: ControlStatus, to: str) -> None:
            if CONTROL_ORDER.index(to) < CONTROL_ORDER.index(status.status):
                status.status = to

        for rule in self.rules:
            for control in rule.controls:
                status = entry(control)
                status.rules.append(rule)
                if rule.status in (RULE_PASSED, RULE_EXCEPTED):
                    worsen(status, "pass")
        for finding in self.findings:
            for control in finding.controls:
                status = entry(control)
                status.findings.append(finding)
                if finding.blocking:
                    worsen(status, "fail")
                elif finding.status != STATUS_EXCEPTED:
                    worsen(status, "warn")
                else:
                    worsen(status, "excepted")
        return sorted(
            statuses.values(), key=lambda s: (s.control["framework"], _natural(s.control["id"]))
        )

    def document(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.sorted_findings()],
            "summary": self.summary,
            "provenance": asdict(self.provenance),
            "rules": [asdict(r) for r in self.rules],
        }


def _natural(text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for chunk in text.replace("V", "").replace("CC", "").replace("A", "").split("."):
        parts.append(int(chunk) if chunk.isdigit() else chunk)
    return tuple(parts)


def merge_rules(ours: Iterable[RuleRecord], findings: Iterable[Finding]) -> list[RuleRecord]:
    """Our rules plus one record per scanner check that produced a finding, each with its
    status from the findings (after exceptions) and what it inspected."""
    findings = list(findings)
    records = {r.id: r for r in ours}
    for finding in findings:
        records.setdefault(finding.policy_id, RuleRecord.from_finding(finding))
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.policy_id, []).append(finding)
    merged = []
    for record in records.values():
        own = by_rule.get(record.id, [])
        evidence = record.evidence
        if record.source != "pulumi-policy":
            evidence = tuple(
                {
                    "subject": f.file or f.resource_urn,
                    "setting": f.property_path or f.policy_id,
                    "value": f"line {f.line}" if f.line else f.message,
                }
                for f in own[:40]
            )
        inspected = record.inspected if record.source == "pulumi-policy" else len(own)
        merged.append(
            replace(
                record,
                inspected=inspected,
                evidence=evidence,
                status=rule_status(inspected, own),
            )
        )
    return merged

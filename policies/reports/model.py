"""The audit as every report sees it: findings, the rules that ran, and where it came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from policies.findings import STATUS_EXCEPTED, Finding, exit_code, summarize
from policies.model import Rule

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


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

    @classmethod
    def from_rule(cls, rule: Rule, inspected: int) -> RuleRecord:
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
    status: str  # "fail" | "warn" | "pass"
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
    budget: dict[str, Any] | None = None  # policies/budget/stack.py: the free-tier budget

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
    def summary(self) -> dict[str, Any]:
        return summarize(self.findings, len(self.rules), self.resources)

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings)

    @property
    def excepted(self) -> list[Finding]:
        return [f for f in self.findings if f.exception is not None]

    def controls(self) -> list[ControlStatus]:
        statuses: dict[str, ControlStatus] = {}

        def entry(control: dict[str, str]) -> ControlStatus:
            key = f"{control['framework']} {control['version']} {control['id']}"
            if key not in statuses:
                statuses[key] = ControlStatus(control, "pass")
            return statuses[key]

        for rule in self.rules:
            for control in rule.controls:
                entry(control).rules.append(rule)
        for finding in self.findings:
            for control in finding.controls:
                status = entry(control)
                status.findings.append(finding)
                if finding.blocking:
                    status.status = "fail"
                elif status.status == "pass" and finding.status != STATUS_EXCEPTED:
                    status.status = "warn"
                elif status.status == "pass":
                    status.status = "excepted"
        return sorted(
            statuses.values(), key=lambda s: (s.control["framework"], _natural(s.control["id"]))
        )

    def document(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.sorted_findings()],
            "summary": self.summary,
            "provenance": asdict(self.provenance),
            "rules": [asdict(r) for r in self.rules],
            **({"budget": self.budget} if self.budget is not None else {}),
        }


def _natural(text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for chunk in text.replace("V", "").replace("CC", "").replace("A", "").split("."):
        parts.append(int(chunk) if chunk.isdigit() else chunk)
    return tuple(parts)


def merge_rules(ours: Iterable[RuleRecord], findings: Iterable[Finding]) -> list[RuleRecord]:
    """Our rules plus one record per scanner check that produced a finding."""
    records = {r.id: r for r in ours}
    for finding in findings:
        records.setdefault(finding.policy_id, RuleRecord.from_finding(finding))
    return list(records.values())

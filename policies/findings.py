"""The one finding shape every source (our rules, checkov, zizmor) is reported in."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")

STATUS_VIOLATION = "violation"
STATUS_EXCEPTED = "excepted"
STATUS_EXPIRED = "exception-expired"


@dataclass(frozen=True)
class Finding:
    policy_id: str
    title: str
    severity: str
    enforcement: str
    resource_urn: str
    resource_type: str
    message: str
    remediation: str
    controls: tuple[dict[str, str], ...]
    source: str = "pulumi-policy"
    property_path: str = ""
    actual: Any = None
    required: Any = None
    file: str = ""
    line: int = 0
    status: str = STATUS_VIOLATION
    exception: dict[str, str] | None = field(default=None)
    source_file: str = ""  # for a planned resource: the Python file and line declaring it
    source_line: int = 0

    @property
    def blocking(self) -> bool:
        """A mandatory finding blocks unless a current, reviewed exception covers it."""
        return self.enforcement == "mandatory" and self.status != STATUS_EXCEPTED

    def with_status(self, status: str, exception: dict[str, str] | None) -> Finding:
        return replace(self, status=status, exception=exception)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["controls"] = list(self.controls)
        return data


def finding_from_dict(data: dict[str, Any]) -> Finding:
    values = dict(data)
    values["controls"] = tuple(values.get("controls", ()))
    return Finding(**values)


RULE_PASSED = "passed"
RULE_VIOLATED = "violated"
RULE_EXCEPTED = "excepted"
RULE_NOT_APPLICABLE = "not_applicable"
RULE_STATUSES = (RULE_VIOLATED, RULE_EXCEPTED, RULE_PASSED, RULE_NOT_APPLICABLE)
"""A rule's outcome, worst first. A rule that inspected nothing proves nothing: it is not
applicable, never passed."""


def rule_status(inspected: int, findings: list[Finding]) -> str:
    if any(f.status != STATUS_EXCEPTED for f in findings):
        return RULE_VIOLATED
    if findings:
        return RULE_EXCEPTED
    return RULE_PASSED if inspected > 0 else RULE_NOT_APPLICABLE


def show(value: Any) -> str:
    """A value as people write it, in every report: no None, no Python reprs."""
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, sort_keys=True, default=str)


def listing(items: Any) -> str:
    """Items for a sentence: `a, b, c` (sorted), or `none`."""
    values = sorted(show(i) for i in items)
    return ", ".join(values) if values else "none"


def summarize(
    findings: list[Finding],
    rules_evaluated: int,
    resources: int,
    sources: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Counts for every report. `sources` are the tools that ran: each is listed, with 0
    when it found nothing, so a scanner that ran is never mistaken for one that did not."""
    by_severity = Counter(f.severity for f in findings if f.status != STATUS_EXCEPTED)
    excepted = Counter(f.severity for f in findings if f.status == STATUS_EXCEPTED)
    by_source = Counter(f.source for f in findings)
    for s in sources:
        by_source.setdefault(s, 0)
    return {
        "rules_evaluated": rules_evaluated,
        "resources_evaluated": resources,
        "total": len(findings),
        "blocking": sum(1 for f in findings if f.blocking),
        "mandatory": sum(1 for f in findings if f.enforcement == "mandatory"),
        "advisory": sum(1 for f in findings if f.enforcement == "advisory"),
        "excepted": sum(1 for f in findings if f.status == STATUS_EXCEPTED),
        "expired_exceptions": sum(1 for f in findings if f.status == STATUS_EXPIRED),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "excepted_by_severity": {s: excepted.get(s, 0) for s in SEVERITIES},
        "by_source": dict(sorted(by_source.items())),
        "passed": not any(f.blocking for f in findings),
    }


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.blocking for f in findings) else 0

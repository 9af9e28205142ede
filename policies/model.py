"""Rule model shared by the CrossGuard pack and the offline evaluator.

A rule's `check` receives the very pulumi-policy argument object the engine builds
(`ResourceValidationArgs` or `StackValidationArgs`) and returns structured violations, so the
same code yields a plain message inside `pulumi preview` and auditor evidence (property path,
actual and required value) offline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.controls import Control
from policies.evidence import Evidence


class Level(StrEnum):
    """Severity levels, ordered from least to most serious."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Enforcement(StrEnum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Violation:
    """One broken expectation, with the evidence an auditor needs to verify it."""

    message: str
    path: str = ""
    actual: Any = None
    required: Any = None
    urn: str | None = None

    def as_message(self) -> str:
        """Render for the engine, whose violation is only a string."""
        if not self.path:
            return self.message
        return (
            f"{self.message} [{self.path}: actual={_show(self.actual)}, "
            f"required={_show(self.required)}]"
        )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


ResourceCheck = Callable[[ResourceValidationArgs], Iterable[Violation | Evidence]]
StackCheck = Callable[[StackValidationArgs], Iterable[Violation | Evidence]]
"""A check yields its violations, and may yield the Evidence it inspected (zone, setting,
value); the engine shows only the violations, the offline reports both."""


def _split(items: Iterable[Violation | Evidence]) -> tuple[list[Violation], list[Evidence]]:
    violations: list[Violation] = []
    evidence: list[Evidence] = []
    for item in items:
        if isinstance(item, Evidence):
            evidence.append(item)
        else:
            violations.append(item)
    return violations, evidence


@dataclass(frozen=True)
class Rule:
    """An executable security expectation with its audit metadata."""

    id: str
    title: str
    severity: Level
    enforcement: Enforcement
    description: str
    remediation: str
    controls: tuple[Control, ...]
    resource_types: frozenset[str] = frozenset()
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.resource_check is None) == (self.stack_check is None):
            raise ValueError(f"rule {self.id}: give exactly one of resource_check, stack_check")
        if self.resource_check is not None and not self.resource_types:
            raise ValueError(f"rule {self.id}: a resource rule names the types it inspects")
        if not self.controls:
            raise ValueError(f"rule {self.id}: map it to at least one control")

    @property
    def kind(self) -> str:
        return "resource" if self.resource_check is not None else "stack"

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.resource_types

    def run_resource(self, args: ResourceValidationArgs) -> tuple[list[Violation], list[Evidence]]:
        if self.resource_check is None or not self.applies_to(args.resource_type):
            return [], []
        return _split(self.resource_check(args))

    def run_stack(self, args: StackValidationArgs) -> tuple[list[Violation], list[Evidence]]:
        if self.stack_check is None:
            return [], []
        return _split(self.stack_check(args))

    def check_resource(self, args: ResourceValidationArgs) -> list[Violation]:
        return self.run_resource(args)[0]

    def check_stack(self, args: StackValidationArgs) -> list[Violation]:
        return self.run_stack(args)[0]

    def to_policy(self) -> ResourceValidationPolicy | StackValidationPolicy:
        """Build the CrossGuard policy that runs this rule inside `pulumi preview`/`up`."""
        common: dict[str, Any] = {
            "name": self.id,
            "description": f"{self.title}. {self.description}",
            "enforcement_level": EnforcementLevel(self.enforcement.value),
            "display_name": self.title,
            "severity": Severity(self.severity.value),
            "framework": _framework(self.controls),
            "tags": sorted({c.framework for c in self.controls}),
            "remediation_steps": self.remediation,
        }
        if self.config:
            common["config_schema"] = PolicyConfigSchema(
                properties={k: dict(v) for k, v in self.config.items()}
            )
        if self.resource_check is not None:

            def validate_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
                for violation in self.check_resource(args):
                    report(violation.as_message(), None)

            return ResourceValidationPolicy(validate=validate_resource, **common)

        def validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
            for violation in self.check_stack(args):
                report(violation.as_message(), violation.urn)

        return StackValidationPolicy(validate=validate_stack, **common)


def _framework(controls: tuple[Control, ...]) -> PolicyComplianceFramework:
    first = controls[0]
    return PolicyComplianceFramework(
        name=first.framework, version=first.version, reference=first.id, specification=first.title
    )

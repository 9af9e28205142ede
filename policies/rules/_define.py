"""Decorators that turn one small check function into a registered Rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from policies.controls import Control
from policies.model import Enforcement, Level, ResourceCheck, Rule, StackCheck

MANDATORY = Enforcement.MANDATORY
ADVISORY = Enforcement.ADVISORY
LOW, MEDIUM, HIGH, CRITICAL = Level.LOW, Level.MEDIUM, Level.HIGH, Level.CRITICAL


def resource_rule(
    registry: list[Rule],
    *,
    id: str,
    title: str,
    severity: Level,
    enforcement: Enforcement,
    types: Iterable[str],
    controls: Iterable[Control],
    description: str,
    remediation: str,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[ResourceCheck], ResourceCheck]:
    def register(check: ResourceCheck) -> ResourceCheck:
        registry.append(
            Rule(
                id=id,
                title=title,
                severity=severity,
                enforcement=enforcement,
                description=description,
                remediation=remediation,
                controls=tuple(controls),
                resource_types=frozenset(types),
                resource_check=check,
                config=dict(config or {}),
            )
        )
        return check

    return register


def stack_rule(
    registry: list[Rule],
    *,
    id: str,
    title: str,
    severity: Level,
    enforcement: Enforcement,
    controls: Iterable[Control],
    description: str,
    remediation: str,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[StackCheck], StackCheck]:
    def register(check: StackCheck) -> StackCheck:
        registry.append(
            Rule(
                id=id,
                title=title,
                severity=severity,
                enforcement=enforcement,
                description=description,
                remediation=remediation,
                controls=tuple(controls),
                stack_check=check,
                config=dict(config or {}),
            )
        )
        return check

    return register

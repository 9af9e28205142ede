"""The workload the free-tier budget is projected for (budget.* keys; defaults: the seed's
success metrics). Read the same way by the Pulumi program and by the offline audit, which only
has the stack file's raw values, so parsing takes a getter rather than a pulumi.Config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from stacks.config.reader import PROJECT, Reader

Getter = Callable[[str], str | None]


@dataclass(frozen=True)
class BudgetConfig:
    students: int = 1_000_000
    applications_per_day: int = 10_000
    concurrent_users: int = 1_000
    monthly_active_users: int = 10_000
    requests_per_user_per_minute: float = 4.0
    active_hours_per_day: float = 8.0
    active_days_per_month: float = 22.0
    notes_per_student: float = 1.0
    reminders_per_application: float = 1.0
    applications_retained_days: int = 365
    ci_runs_per_month: int = 60
    enforce: bool = False

    def scaled(self, factor: float) -> BudgetConfig:
        """The same workload with every population and rate multiplied by `factor`."""
        return replace(
            self,
            students=round(self.students * factor),
            applications_per_day=round(self.applications_per_day * factor),
            concurrent_users=round(self.concurrent_users * factor),
            monthly_active_users=round(self.monthly_active_users * factor),
        )


# config key -> (field, kind, minimum)
KEYS: dict[str, tuple[str, type, float]] = {
    "budget.students": ("students", int, 0),
    "budget.applicationsPerDay": ("applications_per_day", int, 0),
    "budget.concurrentUsers": ("concurrent_users", int, 0),
    "budget.monthlyActiveUsers": ("monthly_active_users", int, 0),
    "budget.requestsPerUserPerMinute": ("requests_per_user_per_minute", float, 0),
    "budget.activeHoursPerDay": ("active_hours_per_day", float, 0),
    "budget.activeDaysPerMonth": ("active_days_per_month", float, 0),
    "budget.notesPerStudent": ("notes_per_student", float, 0),
    "budget.remindersPerApplication": ("reminders_per_application", float, 0),
    "budget.applicationsRetainedDays": ("applications_retained_days", int, 1),
    "budget.ciRunsPerMonth": ("ci_runs_per_month", int, 0),
    "budget.enforce": ("enforce", bool, 0),
}
_MAXIMUM = {"active_hours_per_day": 24.0, "active_days_per_month": 31.0}


def parse_budget(get: Getter) -> tuple[BudgetConfig, list[tuple[str, str]]]:
    """The budget workload and (key, problem) pairs for every value that does not parse."""
    defaults = BudgetConfig()
    values: dict[str, Any] = {f.name: getattr(defaults, f.name) for f in fields(BudgetConfig)}
    problems: list[tuple[str, str]] = []
    for key, (name, kind, minimum) in KEYS.items():
        raw = get(key)
        if raw is None or raw == "":
            continue
        text = str(raw).strip()
        if kind is bool:
            if text.lower() not in ("true", "false"):
                problems.append((key, f"must be true or false, got {text!r}"))
                continue
            values[name] = text.lower() == "true"
            continue
        try:
            number: float = int(text.replace("_", "")) if kind is int else float(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            problems.append((key, f"must be {what}, e.g. {values[name]}; got {text!r}"))
            continue
        top = _MAXIMUM.get(name)
        if number < minimum or (top is not None and number > top):
            bound = f"between {minimum:g} and {top:g}" if top else f"at least {minimum:g}"
            problems.append((key, f"must be {bound}, got {text}"))
            continue
        values[name] = number
    return BudgetConfig(**values), problems


def read_budget(reader: Reader) -> BudgetConfig:
    budget, problems = parse_budget(reader.raw)
    for key, message in problems:
        reader.problem(key, message)
    return budget


def budget_from_stack_file(config: Mapping[str, Any]) -> tuple[BudgetConfig, list[str]]:
    """From a stack file's `config:` block (keys `careers-crm:budget.*`), as the audit has it."""

    def get(key: str) -> str | None:
        value = config.get(f"{PROJECT}:{key}")
        return (
            None if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )

    budget, problems = parse_budget(get)
    return budget, [f"{PROJECT}:{key}: {message}" for key, message in problems]

"""What a rule inspected and the values it saw, so a pass is a claim an auditor can verify.

Rules may yield `Evidence` next to their violations (zone, setting, value). For everything
else the evaluator records, while a rule runs, each resource it looked at and every input it
read through `policies.rules._props.get`, so no rule has to remember to report its reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

MAX_ITEMS = 40
"""Evidence entries kept per rule; the count of the rest is reported, never silently dropped."""

_SECRET_NAME = re.compile(r"secret|password|token|private|credential|api_?key|dsn", re.I)


@dataclass(frozen=True)
class Evidence:
    """One value a rule inspected: on `subject` (a zone, a bucket, a resource), `setting`
    had `value`. `urn` names the resource that holds it, when one does."""

    subject: str
    setting: str
    value: Any
    urn: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {"subject": self.subject, "setting": self.setting, "value": self.value}
        if self.urn:
            data["urn"] = self.urn
        return data


@dataclass
class Recorder:
    """Collects, for one rule run, the resources inspected and the inputs read from them."""

    names: Mapping[int, tuple[str, str]]  # id(inputs) -> (urn, resource name)
    inspected: set[str] = field(default_factory=set)
    reads: dict[tuple[str, str], Any] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)

    def read(self, props: Any, path: str, value: Any) -> None:
        found = self.names.get(id(props))
        if found is None:
            return
        urn, name = found
        self.inspected.add(urn)
        self.subjects[urn] = name
        self.reads.setdefault((urn, path), value)

    def touch(self, props: Any) -> None:
        found = self.names.get(id(props))
        if found is not None:
            self.inspected.add(found[0])
            self.subjects[found[0]] = found[1]

    def evidence(self) -> list[Evidence]:
        return [
            Evidence(self.subjects[urn], path, value, urn)
            for (urn, path), value in sorted(self.reads.items(), key=lambda kv: kv[0])
        ]


CURRENT: ContextVar[Recorder | None] = ContextVar("policies_evidence_recorder", default=None)


def record_read(props: Any, path: str, value: Any) -> None:
    recorder = CURRENT.get()
    if recorder is not None:
        recorder.read(props, path, value)


def record_inspected(props: Any) -> None:
    recorder = CURRENT.get()
    if recorder is not None:
        recorder.touch(props)


def safe_value(setting: str, value: Any) -> Any:
    """Evidence goes into reports: secret-named or secret-looking strings are redacted, long
    ones shortened, and containers summarised so reports stay readable."""
    from policies.rules.secrets_detect import classify

    if isinstance(value, str):
        if value == "[secret]":
            return value
        key = setting.rsplit(".", 1)[-1]
        if (" " not in key and _SECRET_NAME.search(key)) or classify(value):
            return "<redacted>"
        return value if len(value) <= 160 else value[:157] + "..."
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): safe_value(f"{setting}.{k}", v) for k, v in list(value.items())[:12]}
    if isinstance(value, Iterable):
        items = list(value)
        return [safe_value(setting, v) for v in items[:12]] + (
            [f"... {len(items) - 12} more"] if len(items) > 12 else []
        )
    return str(value)


def document(items: Iterable[Evidence]) -> tuple[list[dict[str, Any]], int]:
    """(the first MAX_ITEMS entries as JSON-ready dicts, how many more there were)."""
    rows = [{**e.as_dict(), "value": safe_value(e.setting, e.value)} for e in items]
    return rows[:MAX_ITEMS], max(0, len(rows) - MAX_ITEMS)

"""build/bench/unit-costs.json (written by `make unit-costs` / `make bench`) read into the
per-unit figures the projection multiplies. Missing or malformed -> UnitCostsError saying
which command writes it: the budget never falls back to made-up unit costs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO / "build" / "bench" / "unit-costs.json"
WRITE_ROUTE = "POST /students/{id}/applications"


class UnitCostsError(Exception):
    pass


@dataclass(frozen=True)
class UnitCosts:
    path: str
    generated_at: str
    git_commit: str
    student_bytes: float
    application_bytes: float
    note_bytes: float
    database_fixed_bytes: float
    backup_bytes_per_student: float
    backup_fixed_bytes: float
    r2_class_a_per_backup: float
    r2_class_b_per_backup: float
    read_redis_commands: float  # mean over the GET routes measured
    write_redis_commands: float  # recording an application
    log_bytes_per_request: float
    response_bytes_per_request: float
    metric_series_per_replica: int
    emails_per_reminder: float
    backups_per_month: float
    actions_minutes_scheduled: float  # scheduled workflows, a month
    actions_minutes_per_push: float  # ci + preview + deploy, one run each

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_unit_costs(path: Path = DEFAULT_PATH) -> UnitCosts:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnitCostsError(
            f"{path} does not exist: run `make unit-costs` (or `make bench`) to measure "
            "the unit costs the budget projects from"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise UnitCostsError(f"{path}: unreadable ({exc}); rerun `make unit-costs`") from None
    try:
        return _parse(path, data)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise UnitCostsError(
            f"{path}: not a unit-costs file of this version (missing/bad {exc}); "
            "rerun `make unit-costs`"
        ) from None


def _parse(path: Path, data: dict[str, Any]) -> UnitCosts:
    pg = data["postgres"]
    per_row = pg["per_row"]
    small = pg["sizes"][0]
    rows = {t: small[t]["rows"] for t in ("students", "applications", "notes")}
    slopes = {t: float(per_row[t]["bytes_per_row"]) for t in rows}
    fixed = float(small["database_bytes"]) - sum(slopes[t] * rows[t] for t in rows)
    routes = data["requests"]["routes"]
    reads = [v["redis_commands"] for k, v in routes.items() if k.startswith("GET ")]
    workflows = data["actions"]["workflows"]
    scheduled = sum(
        s["runs_per_month"] * s["max_minutes_per_run"]
        for wf in workflows.values()
        for s in wf["schedules"].values()
    )
    per_push = sum(
        wf["max_minutes_per_run"]
        for wf in workflows.values()
        if {"push", "pull_request"} & set(wf["triggers"])
    )
    backups = max(s["runs_per_month"] for s in workflows["backup.yml"]["schedules"].values())
    return UnitCosts(
        path=str(path.relative_to(REPO) if path.is_relative_to(REPO) else path),
        generated_at=str(data["generated_at"]),
        git_commit=str(data["git_commit"]),
        student_bytes=slopes["students"],
        application_bytes=slopes["applications"],
        note_bytes=slopes["notes"],
        database_fixed_bytes=max(fixed, 0.0),
        backup_bytes_per_student=float(pg["backup_bytes_per_student"]),
        backup_fixed_bytes=max(float(pg["backup_fixed_bytes"]), 0.0),
        r2_class_a_per_backup=float(pg["r2_class_a_per_backup"]),
        r2_class_b_per_backup=float(pg["r2_class_b_per_backup"]),
        read_redis_commands=float(mean(reads)),
        write_redis_commands=float(routes[WRITE_ROUTE]["redis_commands"]),
        log_bytes_per_request=float(mean(v["log_bytes"] for v in routes.values())),
        response_bytes_per_request=float(mean(v["response_bytes"] for v in routes.values())),
        metric_series_per_replica=int(data["requests"]["metric_series_per_replica"]),
        emails_per_reminder=float(data["reminders"]["emails_per_reminder"]),
        backups_per_month=float(backups),
        actions_minutes_scheduled=float(scheduled),
        actions_minutes_per_push=float(per_push),
    )

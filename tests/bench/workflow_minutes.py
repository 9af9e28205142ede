"""GitHub Actions minutes per workflow run, read from the workflow definitions.

A run's billable ceiling is the sum of its jobs' `timeout-minutes` (GitHub bills each job,
rounded up to the minute); scheduled workflows also give runs per month from their crons.
A job without a timeout runs up to GitHub's 360-minute job limit, so it is reported as such.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

JOB_LIMIT_MINUTES = 360  # docs.github.com: each job may run up to 6 hours
DAYS_PER_MONTH = 30.44


def _runs_per_month(cron: str) -> float:
    """Runs a month of a five-field cron with fixed minute/hour and '*' or one weekday."""
    minute, hour, dom, month, dow = cron.split()
    per_day = len(minute.split(",")) * (24 if hour == "*" else len(hour.split(",")))
    if dom != "*" or month != "*":
        return float(per_day * len(dom.split(",")))  # days of month: that many a month
    if dow == "*":
        return per_day * DAYS_PER_MONTH
    return per_day * len(dow.split(",")) * DAYS_PER_MONTH / 7


def workflow_minutes(folder: Path) -> dict[str, Any]:
    workflows: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        triggers = doc.get(True, doc.get("on")) or {}  # YAML 1.1 reads `on:` as True
        jobs = doc.get("jobs") or {}
        minutes = {
            name: int(job.get("timeout-minutes", JOB_LIMIT_MINUTES)) for name, job in jobs.items()
        }
        schedule = triggers.get("schedule") if isinstance(triggers, dict) else None
        crons = [s["cron"] for s in schedule or []]
        workflows[path.name] = {
            "jobs": minutes,
            "max_minutes_per_run": sum(minutes.values()),
            "schedules": {
                c: {
                    "runs_per_month": round(_runs_per_month(c), 2),
                    # a job whose `if:` names another schedule is skipped (not billed)
                    "max_minutes_per_run": sum(
                        m
                        for name, m in minutes.items()
                        if "schedule ==" not in str(jobs[name].get("if", ""))
                        or c in str(jobs[name].get("if", ""))
                    ),
                }
                for c in crons
            },
            "triggers": sorted(triggers) if isinstance(triggers, dict) else [str(triggers)],
        }
    return {"workflows": workflows}

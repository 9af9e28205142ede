"""Capacity: how many staff users (open loop, tests/app/bench/openloop.py) the API + PostgreSQL
serve on this machine with p95 < 200 ms and no errors -> build/bench/capacity.json.

Levels run in increasing order and stop at the first that misses (higher levels only queue
more). CPU of the API, PostgreSQL and the load generator itself is measured per level: the
generator shares the cores with what it measures, so its share is part of the result.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvloop
from prometheus_client.parser import text_string_to_metric_families

from tests.app.bench.openloop import Model, make_users, proc_cpu_seconds, run_step, tree_cpu_seconds
from tests.app.bench.seed import Seeded
from tests.app.identity import Identity

P95_TARGET_MS = 200.0
METRICS_TOKEN = "fake-bench-metrics-token"  # what start_api gives the API: not a secret


def postmaster_pid(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
    assert row is not None
    stat = Path(f"/proc/{row[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return int(stat[1])


def server_buckets(base: str, token: str) -> dict[float, float]:
    """Cumulative counts of the API's own request-duration histogram (all user routes), by
    bucket upper bound in seconds, from its /metrics."""
    text = httpx.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).text
    out: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "crm_http_request_duration_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket") and sample.labels["route"] not in (
                "/metrics",
                "/readyz",
                "/healthz",
            ):
                le = float(sample.labels["le"])
                out[le] = out.get(le, 0.0) + sample.value
    return out


def server_p95_bound_ms(before: dict[float, float], after: dict[float, float]) -> float | None:
    """Upper bound of the histogram bucket holding the API-side p95 over a level: the time
    inside the API process, without the client, the network and the generator's scheduling."""
    diff = {le: after.get(le, 0.0) - before.get(le, 0.0) for le in after}
    total = diff.get(float("inf"), 0.0)
    if total <= 0:
        return None
    for le in sorted(diff):
        if diff[le] >= 0.95 * total:
            return le * 1000
    return None


def workload_data(
    dsn: str, seeded: Seeded, identity: Identity
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """Tokens, a sample of students and 'applied' applications, each by organization."""
    tokens: dict[str, list[str]] = {}
    for user, _, org in seeded.staff:
        tokens.setdefault(str(org), []).append(identity.token(user, exp=int(time.time()) + 7200))
    students: dict[str, list[str]] = {}
    applied: dict[str, list[str]] = {}
    with psycopg.connect(dsn) as conn:
        for sid, org in conn.execute(
            "SELECT id::text, organization_id::text FROM students TABLESAMPLE SYSTEM (2) "
            "LIMIT 20000"
        ):
            students.setdefault(org, []).append(sid)
        for app_id, org in conn.execute(
            "SELECT id::text, organization_id::text FROM applications "
            "WHERE status = 'applied' LIMIT 60000"
        ):
            applied.setdefault(org, []).append(app_id)
    return tokens, students, applied


def cpu_estimate(rows: list[dict[str, Any]], model: Model) -> dict[str, Any]:
    """Utilization law on the busiest level measured: users the 2 cores could carry if the API
    and PostgreSQL had them to themselves (no generator, no other tenants) at 70% busy. A
    model, not a measurement: it says how far the measured figure is from the CPU limit."""
    if not rows:
        return {}
    row = max(rows, key=lambda r: r["requests"])
    per_request = row["cpu_ms_per_request"]["api"] + row["cpu_ms_per_request"]["postgres"]
    rate = model.describe()["requests_per_user_per_second"]
    cores = os.cpu_count() or 1
    return {
        "from_level": row["users"],
        "api_plus_postgres_cpu_ms_per_request": round(per_request, 3),
        "users_at_70pct_of_all_cores": int(0.7 * cores * 1000 / (per_request * rate))
        if per_request
        else None,
    }


def run_capacity(
    dsn: str,
    base: str,
    api_pid: int,
    seeded: Seeded,
    identity: Identity,
    levels: list[int],
    model: Model,
    log: Any,
) -> dict[str, Any]:
    tokens, students, applied = workload_data(dsn, seeded, identity)
    pg_pid = postmaster_pid(dsn)
    rows: list[dict[str, Any]] = []
    for i, n in enumerate(levels):
        users = make_users(n, tokens, students, applied, seeded.last_names)
        buckets0 = server_buckets(base, METRICS_TOKEN)
        load_before = os.getloadavg()
        api0, pg0, wall0 = proc_cpu_seconds(api_pid), tree_cpu_seconds(pg_pid), time.monotonic()
        # uvloop, as uvicorn runs the API: the generator's own CPU is not what we measure.
        row, gen_cpu = uvloop.run(run_step(base, users, n, model, seed=1000 + i))
        wall = time.monotonic() - wall0
        api_cpu = proc_cpu_seconds(api_pid) - api0
        pg_cpu = tree_cpu_seconds(pg_pid) - pg0
        server_p95 = server_p95_bound_ms(buckets0, server_buckets(base, METRICS_TOKEN))
        fired = (
            max(row["requests"], 1)
            * (model.warmup_seconds + model.step_seconds)
            / (model.step_seconds)
        )  # CPU covers warm-up and drain too: spread it over every request of the level
        row.update(
            {
                "passed": row["errors"] == 0 and row["p95_ms"] < P95_TARGET_MS,
                "api_side_p95_at_most_ms": server_p95,
                "cpu_cores": {
                    "api": round(api_cpu / wall, 3),
                    "postgres": round(pg_cpu / wall, 3),
                    "load_generator": round(gen_cpu / wall, 3),
                },
                "cpu_ms_per_request": {
                    "api": round(api_cpu * 1000 / fired, 3),
                    "postgres": round(pg_cpu * 1000 / fired, 3),
                    "load_generator": round(gen_cpu * 1000 / fired, 3),
                },
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
        rows.append(row)
        log(
            f"capacity N={n}: p50 {row['p50_ms']} p95 {row['p95_ms']} p99 {row['p99_ms']} ms, "
            f"(API side <= {server_p95} ms), {row['rps']} rps, errors {row['errors']}, "
            f"cores {row['cpu_cores']}, load {row['loadavg_before'][0]}"
        )
        if not row["passed"]:
            break
    passing = 0
    for row in rows:
        if not row["passed"]:
            break
        passing = row["users"]
    return {
        "max_users_p95_under_200ms": passing,
        "cpu_demand_estimate": cpu_estimate(rows, model),
        "levels_tried": levels[: len(rows)],
        "levels": rows,
        "model": model.describe(),
        "targets": {
            "seed_1000_users": {"met": passing >= 1000},
            "stretch_5000_users": {"met": passing >= 5000},
        },
        "note": (
            "max_users_p95_under_200ms is the largest level tried that passed with every lower "
            "level passing (0: none did); the true limit lies between it and the next level."
        ),
    }

"""`make bench` for the app: seed BENCH_STUDENTS students (default 1,000,000) with COPY, run
the API as its own process (`python -m app`), drive it with wrk at concurrency 1, 100 and
1,000 (closed loop: the saturation view), time the same SQL directly in PostgreSQL, put the
API's CPU per request next to a no-database floor on the same server stack, and write
build/bench/results.json; then the open-loop capacity model (N staff users with think time)
-> build/bench/capacity.json.

Knobs: BENCH_STUDENTS, BENCH_SECONDS (per run, default 10), BENCH_CONCURRENCY ("1,100,1000"),
BENCH_POOL (API pool size, default 20), BENCH_USERS (capacity levels,
"250,500,1000,2000,3000,4000,5000"), BENCH_THINK_SECONDS (mean think time, 10),
BENCH_STEP_SECONDS (measured seconds per level, 30),
BENCH_PARTS ("wrk,capacity,pageload,profile").
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from app.migrate import migrate
from app.routes.students import SEARCH_SQL, tsquery
from app.settings import Settings
from tests.app.bench.capacity import METRICS_TOKEN, run_capacity
from tests.app.bench.openloop import Model
from tests.app.bench.pageload import measure_pageload
from tests.app.bench.profile import profile_api
from tests.app.bench.seed import Seeded, seed
from tests.app.identity import ISSUER_PATH, Identity, JwksServer
from tests.support.ports import free_port
from tests.support.postgres import running_postgres
from tests.support.web_front import WebFront, local_headers

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "build" / "bench"
LUA = Path(__file__).with_name("load.lua")
PG_SETTINGS = {
    "shared_buffers": "1GB",
    "work_mem": "8MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "max_connections": "300",
    "effective_cache_size": "4GB",
    "random_page_cost": "1.1",
    "shared_preload_libraries": "pg_stat_statements",
}
STUDENT_COLUMNS = "id, first_name, last_name, email, archived_at, created_at, updated_at"


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw.replace("_", "")) if raw else default
    except ValueError:
        sys.exit(f"{name}={raw!r}: use a whole number, e.g. {default}")


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def sample_students(dsn: str, n: int) -> list[tuple[str, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT id::text, organization_id::text FROM students TABLESAMPLE SYSTEM (1) LIMIT %s",
            (n,),
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


def build_requests(
    scenario: str,
    seeded: Seeded,
    identity: Identity,
    students: list[tuple[str, str]],
    rng: random.Random,
) -> list[str]:
    """TSV lines (method, path, token, body) for wrk; tokens of staff in the student's org."""
    tokens: dict[str, list[str]] = {}
    for user, _, org in seeded.staff:
        tokens.setdefault(str(org), []).append(identity.token(user, exp=int(time.time()) + 7200))
    lines = []
    for _ in range(4000):
        sid, org = rng.choice(students)
        token = rng.choice(tokens[org])
        if scenario == "search_students":
            q = rng.choice(seeded.last_names)
            lines.append(f"GET\t/students?q={q}&limit=20\t{token}\t")
        elif scenario == "get_student":
            lines.append(f"GET\t/students/{sid}\t{token}\t")
        elif scenario == "list_notes":
            lines.append(f"GET\t/students/{sid}/notes?limit=20\t{token}\t")
        elif scenario == "create_application":
            body = json.dumps({"company": "Bench Corp", "role": "Load Tester"})
            lines.append(f"POST\t/students/{sid}/applications\t{token}\t{body}")
    return lines


def sql_floor(
    dsn: str,
    scenario: str,
    seeded: Seeded,
    students: list[tuple[str, str]],
    rng: random.Random,
    samples: int = 300,
) -> float:
    """p50 of the scenario's own query, run directly as `authenticated` with RLS (ms)."""
    staff_by_org: dict[str, tuple[Any, Any]] = {}
    for user, staff_id, org in seeded.staff:
        staff_by_org.setdefault(str(org), (user, staff_id))
    timings = []
    with psycopg.connect(dsn) as conn:
        for _ in range(samples):
            sid, org = rng.choice(students)
            user, staff_id = staff_by_org[org]
            conn.execute(
                "SELECT set_config('request.jwt.claims', %s, true), "
                "set_config('role', 'authenticated', true)",
                (json.dumps({"sub": str(user), "role": "authenticated"}),),
            )
            if scenario == "search_students":
                sql, params = (
                    SEARCH_SQL,
                    {
                        "tsq": tsquery(rng.choice(seeded.last_names)),
                        "archived": False,
                        "ln": None,
                        "fn": None,
                        "id": None,
                        "limit": 21,
                    },
                )
            elif scenario == "get_student":
                sql, params = (
                    f"SELECT {STUDENT_COLUMNS} FROM public.students WHERE id = %(s)s",
                    {"s": sid},
                )
            elif scenario == "list_notes":
                sql, params = (
                    "SELECT id, student_id, author_staff_id, body, created_at FROM "
                    "public.notes WHERE student_id = %(s)s ORDER BY created_at DESC, "
                    "id DESC LIMIT 21",
                    {"s": sid},
                )
            else:
                sql, params = (
                    "INSERT INTO public.applications (organization_id, student_id, "
                    "company, role) VALUES (%(o)s, %(s)s, 'Bench Corp', 'SQL') "
                    "RETURNING id",
                    {"o": org, "s": sid},
                )
            start = time.perf_counter()
            conn.execute(sql, params).fetchall()
            timings.append((time.perf_counter() - start) * 1000)
            conn.rollback()
    return round(statistics.median(timings), 3)


def run_wrk(
    base: str, lines: list[str], concurrency: int, seconds: int, workdir: Path
) -> dict[str, Any]:
    req_file = workdir / "requests.tsv"
    req_file.write_text("\n".join(lines) + "\n")
    out_file = workdir / "wrk.json"
    out_file.unlink(missing_ok=True)
    threads = min(2, concurrency)
    subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "60s",
            "-s",
            str(LUA),
            base,
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "WRK_REQUESTS": str(req_file), "WRK_OUT": str(out_file)},
    )
    return json.loads(out_file.read_text())  # type: ignore[no-any-return]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_api(
    dsn: str,
    identity: Identity,
    pool: int,
    module: str = "app",
    ready: str = "/readyz",
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m app` (or the floor, `module`) as its own process, once `ready` answers 200."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "JWT_ISSUER": identity.issuer,
        "METRICS_TOKEN": METRICS_TOKEN,
        "DB_POOL_MIN_SIZE": str(pool),
        "DB_POOL_MAX_SIZE": str(pool),
        "DB_POOL_TIMEOUT_SECONDS": "120",
        "LOG_LEVEL": "WARNING",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "RATE_LIMIT_WRITES_PER_MINUTE": "100000",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    proc = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{ready}", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the API did not become ready")


def main() -> int:
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: run .ci/ensure-system-packages (make bench does)")
    students_n = env_int("BENCH_STUDENTS", 1_000_000)
    seconds = env_int("BENCH_SECONDS", 10)
    pool = env_int("BENCH_POOL", 20)
    levels = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,100,1000").split(",")]
    users = [
        int(c) for c in os.environ.get("BENCH_USERS", "250,500,1000,2000,3000,4000,5000").split(",")
    ]
    model = Model(
        think_mean_s=float(env_int("BENCH_THINK_SECONDS", 10)),
        step_seconds=float(env_int("BENCH_STEP_SECONDS", 30)),
    )
    parts = set(os.environ.get("BENCH_PARTS", "wrk,capacity,pageload,profile").split(","))
    unknown = parts - {"wrk", "capacity", "pageload", "profile"}
    if unknown:
        sys.exit(
            f"BENCH_PARTS: unknown {sorted(unknown)}; use any of wrk,capacity,pageload,profile"
        )
    rng = random.Random(7)
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"students": students_n, "scenarios": []}
    with (
        running_postgres(PG_SETTINGS) as pg,
        JwksServer() as identity,
        tempfile.TemporaryDirectory() as tmp,
    ):
        dsn = pg.create_database("bench")
        migrate(dsn)
        log(f"seeding {students_n:,} students via COPY")
        seeded = seed(dsn, students_n)
        sample = sample_students(dsn, 5000)
        if "wrk" in parts:
            closed_loop(results, dsn, seeded, identity, sample, rng, pool, levels, seconds, tmp)
        if "capacity" in parts:
            api, base = start_api(dsn, identity, pool)
            try:
                capacity = run_capacity(dsn, base, api.pid, seeded, identity, users, model, log)
            finally:
                api.terminate()
                api.wait(timeout=30)
            capacity["students"] = students_n
            capacity["machine"] = machine(
                pool,
                "uvloop + tests/app/bench/rawhttp.py (keep-alive HTTP/1.1), open loop, same host",
            )
            (OUT / "capacity.json").write_text(json.dumps(capacity, indent=2) + "\n")
            log(f"max_users_p95_under_200ms = {capacity['max_users_p95_under_200ms']}")
        if "pageload" in parts:
            pageload = run_pageload(dsn, seeded, identity, pool, Path(tmp) / "dist")
            (OUT / "pageload.json").write_text(json.dumps(pageload, indent=2) + "\n")
            log(
                f"pageload: first load {pageload['first_load']['sign_in_ready_ms']} ms, sign-in "
                f"to first list {pageload['sign_in_to_first_list']['first_list_ms']} ms"
            )
        if "profile" in parts:
            # Where an API request's CPU goes (in-process under cProfile, get_student, c=100).
            lines = build_requests("get_student", seeded, identity, sample, rng)
            profile_settings = Settings(
                database_url=dsn,
                jwt_issuer=identity.issuer,
                pool_min_size=pool,
                pool_max_size=pool,
                pool_timeout_seconds=120,
                rate_limit_writes_per_minute=100_000,
                log_level="WARNING",
            )
            results["profile"] = profile_api(
                profile_settings,
                lambda base, work: run_wrk(base, lines, 100, 5, work),
                5,
                OUT / "api-profile.txt",
            )
            log(f"profile: {json.dumps(results['profile'])}")
    if "wrk" in parts:
        results["seed_seconds"] = round(seeded.seconds, 1)
        results["machine"] = machine(pool, "wrk (closed loop)")
        results["machine"]["seconds_per_run"] = seconds
        results["targets"] = targets(results)
        path = OUT / "results.json"
        path.write_text(json.dumps(results, indent=2) + "\n")
        log(f"wrote {path}")
    return 0


def run_pageload(
    dsn: str, seeded: Seeded, identity: Identity, pool: int, dist: Path
) -> dict[str, Any]:
    """The web front, built and served locally, against `python -m app` allowing its origin."""
    user, _, org = seeded.staff[0]
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT last_name FROM students WHERE organization_id = %s LIMIT 1", (org,)
        ).fetchone()
    assert row is not None, "the seed gave the first staff member's organization no students"
    web = WebFront(dist)
    api, base = start_api(dsn, identity, pool, extra_env={"CORS_ALLOW_ORIGINS": web.origin})
    auth = identity.issuer.removesuffix(ISSUER_PATH)
    try:
        web.build(api_url=base, supabase_url=auth, headers=local_headers(base, auth))
        result = measure_pageload(
            f"{web.origin}/index.html", identity.token(user, exp=int(time.time()) + 3600), row[0]
        )
    finally:
        web.close()
        api.terminate()
        api.wait(timeout=30)
    result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def machine(pool: int, load_generator: str) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "api": f"1 uvicorn process, pool {pool}",
        "load_generator": load_generator,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def closed_loop(
    results: dict[str, Any],
    dsn: str,
    seeded: Seeded,
    identity: Identity,
    sample: list[tuple[str, str]],
    rng: random.Random,
    pool: int,
    levels: list[int],
    seconds: int,
    tmp: str,
) -> None:
    """wrk per scenario and concurrency (saturation view), then the floor at concurrency 100."""
    api, base = start_api(dsn, identity, pool)
    try:
        for scenario in ("search_students", "get_student", "list_notes", "create_application"):
            lines = build_requests(scenario, seeded, identity, sample, rng)
            floor = sql_floor(dsn, scenario, seeded, sample, rng)
            run_wrk(base, lines, 50, 2, Path(tmp))  # warm-up: caches, prepared plans
            for c in levels:
                load = os.getloadavg()
                cpu_before = cpu_seconds(api.pid)
                r = run_wrk(base, lines, c, seconds, Path(tmp))
                api_cpu = cpu_seconds(api.pid) - cpu_before
                errors = sum(r["errors"].values())
                row = {
                    "name": scenario,
                    "concurrency": c,
                    "requests": r["requests"],
                    "errors": errors,
                    "p50_ms": round(r["p50_us"] / 1000, 2),
                    "p95_ms": round(r["p95_us"] / 1000, 2),
                    "p99_ms": round(r["p99_us"] / 1000, 2),
                    "rps": round(r["requests"] / (r["duration_us"] / 1e6), 1),
                    "sql_p50_ms": floor,
                    "api_cpu_ms_per_request": round(api_cpu * 1000 / max(r["requests"], 1), 3),
                    "error_kinds": r["errors"],
                    "loadavg_before": [round(x, 2) for x in load],
                }
                results["scenarios"].append(row)
                log(json.dumps(row))
    finally:
        api.terminate()
        api.wait(timeout=30)
    results["efficiency"] = efficiency(results, dsn, identity, pool, sample, seconds, tmp)


def efficiency(
    results: dict[str, Any],
    dsn: str,
    identity: Identity,
    pool: int,
    sample: list[tuple[str, str]],
    seconds: int,
    tmp: str,
) -> dict[str, Any]:
    """The floor: same server stack (FastAPI, uvicorn with `python -m app`'s options, one
    process), no database, at concurrency 100; the API's CPU per request as a multiple of it."""
    floor_proc, base = start_api(
        dsn, identity, pool, module="tests.app.bench.floor", ready=f"/floor/{sample[0][0]}"
    )
    try:
        lines = [f"GET\t/floor/{sid}\t-\t" for sid, _ in sample[:4000]]
        run_wrk(base, lines, 50, 2, Path(tmp))
        load = os.getloadavg()
        cpu_before = cpu_seconds(floor_proc.pid)
        r = run_wrk(base, lines, 100, seconds, Path(tmp))
        floor_cpu = (cpu_seconds(floor_proc.pid) - cpu_before) * 1000 / max(r["requests"], 1)
    finally:
        floor_proc.terminate()
        floor_proc.wait(timeout=30)
    levels = {row["concurrency"] for row in results["scenarios"]}
    at = 100 if 100 in levels else max(levels)  # BENCH_CONCURRENCY may leave 100 out
    ratios = {
        row["name"]: round(row["api_cpu_ms_per_request"] / floor_cpu, 2)
        for row in results["scenarios"]
        if row["concurrency"] == at
    }
    return {
        "floor": "FastAPI + uvicorn (same options, 1 process), GET one student-shaped JSON, "
        "no database/auth/middleware, wrk concurrency 100",
        "floor_cpu_ms_per_request": round(floor_cpu, 3),
        "floor_rps": round(r["requests"] / (r["duration_us"] / 1e6), 1),
        "loadavg_before": [round(x, 2) for x in load],
        "api_concurrency_compared": at,
        "api_cpu_vs_floor": ratios,
        "target_at_most_2x": {"met": bool(ratios) and all(v <= 2 for v in ratios.values())},
    }


def targets(results: dict[str, Any]) -> dict[str, Any]:
    rows = results["scenarios"]

    def find(name: str, c: int) -> dict[str, Any] | None:
        return next((r for r in rows if r["name"] == name and r["concurrency"] == c), None)

    out: dict[str, Any] = {}
    search100 = find("search_students", 100)
    if search100:
        out["search_p95_under_50ms_at_c100"] = {
            "value_ms": search100["p95_ms"],
            "met": search100["p95_ms"] < 50,
        }
    at1000 = [r for r in rows if r["concurrency"] == 1000]
    if at1000:
        out["zero_errors_at_c1000"] = {
            "errors": sum(r["errors"] for r in at1000),
            "met": all(r["errors"] == 0 for r in at1000),
        }
    for c in sorted({r["concurrency"] for r in rows}):
        ratios = {
            r["name"]: round(r["p50_ms"] / r["sql_p50_ms"], 1)
            for r in rows
            if r["concurrency"] == c and r["sql_p50_ms"] > 0
        }
        out[f"api_p50_vs_sql_p50_at_c{c}"] = {
            "ratios": ratios,
            "met": all(v <= 3 for v in ratios.values()),
        }
    return out


if __name__ == "__main__":
    sys.exit(main())

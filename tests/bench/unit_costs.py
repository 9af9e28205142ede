"""`make bench` (and `make unit-costs`): what one student, request, reminder and backup cost
the free tiers, measured by our own code against real PostgreSQL, redis-server and S3 (moto),
written to build/bench/unit-costs.json for policies/budget to read.

Small on purpose (the machine is shared): two database sizes give the slope, so fixed
overhead (empty pages, catalog) is not charged to each row.
Knobs: UNIT_COST_SIZES (default "2000,6000" students), UNIT_COST_REPEATS (default 20).
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import redis
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from app.backup import run_backup
from app.main import create_app
from app.migrate import migrate
from app.ops.settings import BackupSettings, StorageSettings
from app.settings import Settings
from app.worker import Worker, WorkerSettings
from tests.app import seed as small
from tests.app.bench.seed import seed
from tests.app.identity import HS_SECRET, Identity, JwksServer
from tests.app.redis_server import running_redis
from tests.app.resend_standin import ResendStandIn
from tests.bench.workflow_minutes import workflow_minutes
from tests.support.postgres import PostgresServer, running_postgres

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench" / "unit-costs.json"
TABLES = ("students", "applications", "notes")
CLASS_B = ("Get", "Head")  # R2: reads are Class B, everything else (writes, lists) Class A
FAKE = "fake-unit-cost-credential"


def _sizes() -> tuple[int, int]:
    raw = os.environ.get("UNIT_COST_SIZES", "2000,6000")
    small_n, large_n = (int(x) for x in raw.split(","))
    if not 0 < small_n < large_n:
        sys.exit(f"UNIT_COST_SIZES={raw!r}: two growing student counts, e.g. 2000,6000")
    return small_n, large_n


def _table_bytes(dsn: str) -> dict[str, Any]:
    """Heap + TOAST + every index of each table, and row counts, after VACUUM."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        out: dict[str, Any] = {}
        for table in TABLES:
            row = conn.execute(
                f"SELECT pg_total_relation_size('public.{table}'), "
                f"pg_indexes_size('public.{table}'), (SELECT count(*) FROM public.{table})"
            ).fetchone()
            assert row is not None
            out[table] = {"bytes": row[0], "index_bytes": row[1], "rows": row[2]}
        db = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        assert db is not None
        out["database_bytes"] = db[0]
    return out


@contextmanager
def _s3() -> Iterator[tuple[StorageSettings, Counter[str]]]:
    """moto's S3 server, a bucket, and a count of every S3 operation boto3 makes."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    ops: Counter[str] = Counter()
    boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    assert session is not None

    def count(model: Any, **_: Any) -> None:
        ops[model.name] += 1

    session.events.register("before-call.s3", count)
    try:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="auto",
            aws_access_key_id=FAKE,
            aws_secret_access_key=FAKE,
        ).create_bucket(Bucket="budget", CreateBucketConfiguration={"LocationConstraint": "auto"})
        ops.clear()
        yield (
            StorageSettings(endpoint, "budget", FAKE, FAKE, "auto", "postgres", 5 * 1024 * 1024),
            ops,
        )
    finally:
        session.events.unregister("before-call.s3", count)
        server.stop()


def measure_database(server: PostgresServer) -> dict[str, Any]:
    """Bytes per row at two sizes (slope), the backup's bytes and R2 operations."""
    sizes = _sizes()
    points: list[dict[str, Any]] = []
    with _s3() as (storage, ops):
        for n in sizes:
            name = f"budget_{n}"
            dsn = server.create_database(name)
            migrate(dsn)
            seed(dsn, n, organizations=5, staff_users=50, log=False)
            measured = _table_bytes(dsn)
            ops.clear()
            manifest = run_backup(BackupSettings(storage, dsn, ("public",), 60))
            measured["backup_bytes"] = manifest.size
            measured["r2_ops"] = dict(ops)
            measured["seeded_students"] = n
            points.append(measured)
            server.drop_database(name)
    lo, hi = points
    per_row = {}
    for table in TABLES:
        rows = hi[table]["rows"] - lo[table]["rows"]
        per_row[table] = {
            "bytes_per_row": (hi[table]["bytes"] - lo[table]["bytes"]) / rows,
            "index_bytes_per_row": (hi[table]["index_bytes"] - lo[table]["index_bytes"]) / rows,
            "rows_per_student": hi[table]["rows"] / hi["seeded_students"],
        }
    students = hi["seeded_students"] - lo["seeded_students"]
    ops_per_backup = hi["r2_ops"]
    return {
        "sizes": [
            {
                k: v
                for k, v in p.items()
                if k in ("seeded_students", "database_bytes", "backup_bytes")
            }
            | {t: p[t] for t in TABLES}
            for p in points
        ],
        "per_row": per_row,
        "database_bytes_per_student": (hi["database_bytes"] - lo["database_bytes"]) / students,
        "backup_bytes_per_student": (hi["backup_bytes"] - lo["backup_bytes"]) / students,
        "backup_fixed_bytes": lo["backup_bytes"]
        - lo["seeded_students"] * (hi["backup_bytes"] - lo["backup_bytes"]) / students,
        "r2_ops_per_backup": ops_per_backup,
        "r2_class_a_per_backup": sum(
            v for k, v in ops_per_backup.items() if not k.startswith(CLASS_B)
        ),
        "r2_class_b_per_backup": sum(v for k, v in ops_per_backup.items() if k.startswith(CLASS_B)),
    }


def _commands(r: redis.Redis) -> int:
    """Commands the server has executed since the last CONFIG RESETSTAT, minus our own."""
    stats = r.info("commandstats")
    return sum(
        int(v["calls"])
        for k, v in stats.items()
        # our own probes, and the client's per-connection handshake (CLIENT SETINFO)
        if not k.startswith(("cmdstat_info", "cmdstat_config", "cmdstat_client", "cmdstat_hello"))
    )


def measure_requests(server: PostgresServer, ident: Identity) -> dict[str, Any]:
    """Redis commands, log bytes and response bytes per request, by route; metric series."""
    from app.observability import configure_logging

    repeats = int(os.environ.get("UNIT_COST_REPEATS", "20"))
    dsn = server.create_database("budget_requests")
    migrate(dsn)
    org = small.organization(dsn)
    who = small.member(dsn, org)
    sid = small.student(dsn, org, "Grace", "Hopper")
    headers = {"Authorization": f"Bearer {ident.token(who.user_id)}"}
    routes: dict[str, tuple[str, str, Callable[[int], Any]]] = {
        "GET /students/{id}": ("GET", f"/students/{sid}", lambda i: None),
        "GET /students": ("GET", "/students?q=Hopper", lambda i: None),
        "POST /students": (
            "POST",
            "/students",
            lambda i: {"first_name": "New", "last_name": f"S{i}", "email": f"s{i}@x.test"},
        ),
        "PATCH /students/{id}": ("PATCH", f"/students/{sid}", lambda i: {"last_name": f"H{i}"}),
        "GET /students/{id}/applications": ("GET", f"/students/{sid}/applications", lambda i: None),
        "POST /students/{id}/applications": (
            "POST",
            f"/students/{sid}/applications",
            lambda i: {"company": "Acme", "role": f"Intern {i}"},
        ),
        "POST /students/{id}/notes": (
            "POST",
            f"/students/{sid}/notes",
            lambda i: {"body": f"Reviewed CV {i}"},
        ),
    }
    out: dict[str, Any] = {}
    stdout = io.StringIO()
    with running_redis() as url:
        r = redis.Redis.from_url(url)
        settings = Settings(  # type: ignore[call-arg]
            database_url=dsn,
            jwt_issuer=ident.issuer,
            jwt_secret=HS_SECRET,
            metrics_token=FAKE,
            redis_url=url,
            rate_limit_writes_per_minute=1_000_000,
            pool_min_size=1,
            pool_max_size=2,
        )
        with (
            redirect_stdout(stdout),
            TestClient(create_app(settings), raise_server_exceptions=False) as c,
        ):
            configure_logging(settings.log_level)  # as `python -m app` does: JSON to stdout
            for route, (method, path, body) in routes.items():
                c.request(method, path, json=body(-1), headers=headers)  # warm caches
                r.config_resetstat()
                logged = len(stdout.getvalue().encode())
                lines = stdout.getvalue().count("\n")
                sent = 0
                statuses: Counter[int] = Counter()
                for i in range(repeats):
                    resp = c.request(method, path, json=body(i), headers=headers)
                    statuses[resp.status_code] += 1
                    sent += len(resp.content)
                if any(s >= 400 for s in statuses):
                    raise SystemExit(f"{route}: unexpected statuses {dict(statuses)}")
                out[route] = {
                    "redis_commands": _commands(r) / repeats,
                    "log_bytes": (len(stdout.getvalue().encode()) - logged) / repeats,
                    "log_lines": (stdout.getvalue().count("\n") - lines) / repeats,
                    "response_bytes": sent / repeats,
                }
            scrape = c.get("/metrics", headers={"Authorization": f"Bearer {FAKE}"}).text
    series = [ln for ln in scrape.splitlines() if ln and not ln.startswith("#")]
    server.drop_database("budget_requests")
    return {
        "repeats": repeats,
        "routes": out,
        "metric_series_per_replica": len(series),
        "metric_scrape_bytes": len(scrape.encode()),
    }


def measure_reminders(server: PostgresServer) -> dict[str, Any]:
    """Emails Resend receives per due reminder, through the real worker."""
    dsn = server.create_database("budget_reminders")
    migrate(dsn)
    org = small.organization(dsn)
    advisor = small.member(dsn, org)
    sid = small.student(dsn, org, "Katherine", "Johnson", "kj@example.test")
    reminders = 25
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "INSERT INTO reminders (organization_id, student_id, staff_id, due_at, subject, body, "
            "next_attempt_at) SELECT %s, %s, %s, now() - interval '1 minute', 'Follow up ' || i, "
            "'bring CV', now() - interval '1 minute' FROM generate_series(1, %s) i",
            (org, sid, advisor.staff_id, reminders),
        )
    with ResendStandIn() as resend, httpx.Client() as http:
        settings = WorkerSettings(  # type: ignore[call-arg]
            database_url=dsn,
            resend_api_key=FAKE,
            email_from="CRM <crm@example.test>",
            resend_api_url=resend.url,
            backoff_seconds=0.0,
            max_attempts=3,
        )
        with psycopg.connect(dsn, row_factory=dict_row) as conn:
            Worker(settings, http).drain(conn)
        delivered = len(resend.delivered)
        requests = len(resend.requests)
    server.drop_database("budget_reminders")
    if delivered != reminders:
        raise SystemExit(f"worker delivered {delivered} of {reminders} reminders")
    return {
        "reminders": reminders,
        "emails_per_reminder": delivered / reminders,
        "resend_requests_per_reminder": requests / reminders,
    }


def measure() -> dict[str, Any]:
    with running_postgres() as server, JwksServer() as ident:
        database = measure_database(server)
        requests = measure_requests(server, ident)
        reminders = measure_reminders(server)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "postgres": database,
        "requests": requests,
        "reminders": reminders,
        "actions": workflow_minutes(ROOT / ".github" / "workflows"),
    }


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def main() -> int:
    result = measure()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    db = result["postgres"]
    print(
        f"[unit-costs] {db['database_bytes_per_student']:.0f} B/student in PostgreSQL, "
        f"{db['backup_bytes_per_student']:.0f} B/student in the backup, "
        f"{result['requests']['metric_series_per_replica']} series/replica -> {OUT}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

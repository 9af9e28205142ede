"""Run the CRM locally with one command: `.venv/bin/python -m app.local`.

Starts a throwaway PostgreSQL (app/devdb.py, the test suite's own starter) unless
DATABASE_URL is set, applies the migrations, seeds a demo career centre with an admin and a
few students, serves the API on 127.0.0.1:8000 and the web front on 127.0.0.1:8080, and
prints a sign-in link. Auth uses a random per-run HS256 secret (the legacy Supabase path) so
no Supabase project is needed; everything is stopped and removed on Ctrl-C. Telemetry
honours the production variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_*, BETTERSTACK_*,
APP_VERSION): see docs/observability.md.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import psycopg
import uvicorn

from app.devdb import running_postgres
from app.main import create_app
from app.migrate import migrate
from app.observability import configure_logging
from app.settings import Settings
from app.telemetry_settings import TelemetrySettings, release_version

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "http://127.0.0.1:8000/local-auth/v1"
DEMO_STUDENTS = [
    ("Ada", "Lovelace"),
    ("Alan", "Turing"),
    ("Grace", "Hopper"),
    ("Katherine", "Johnson"),
    ("Edsger", "Dijkstra"),
]


@contextlib.contextmanager
def database() -> Iterator[str]:
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    with running_postgres() as server:
        yield server.create_database("crm_local")


def seed_demo(dsn: str) -> uuid.UUID:
    """A demo organization and admin (idempotent by the admin's fixed user id)."""
    admin_user = uuid.UUID("00000000-0000-4000-8000-00000000ad01")
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT 1 FROM staff WHERE user_id = %s", (admin_user,)).fetchone()
        if row is None:
            org = conn.execute(
                "INSERT INTO organizations (name) VALUES ('Demo Career Centre') RETURNING id"
            ).fetchone()
            assert org is not None
            conn.execute(
                "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
                "VALUES (%s, %s, 'admin@demo.example', 'Demo Admin', 'admin')",
                (org[0], admin_user),
            )
            for first, last in DEMO_STUDENTS:
                conn.execute(
                    "INSERT INTO students (organization_id, first_name, last_name, "
                    "email) VALUES (%s, %s, %s, %s)",
                    (org[0], first, last, f"{first}.{last}@students.demo".lower()),
                )
    return admin_user


def serve_web(api_url: str, port: int) -> ThreadingHTTPServer:
    out = Path(tempfile.mkdtemp(prefix="crm-web-")) / "dist"
    subprocess.run(
        ["sh", str(ROOT / "app" / "web" / "build.sh"), str(out)],
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "API_URL": api_url,
            "SUPABASE_URL": "http://127.0.0.1:9",
            "SUPABASE_ANON_KEY": "local-no-supabase",
        },
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=str(out))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so PostgreSQL is stopped and removed


def main() -> int:
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into an exit that runs
    # the cleanup below instead of killing the process with the database still running.
    signal.signal(signal.SIGTERM, _stop)
    secret = secrets.token_urlsafe(48)
    api_port = int(os.environ.get("PORT", "8000"))
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    with database() as dsn:
        for m in migrate(dsn):
            print(f"applied {m.version}_{m.name}")
        admin = seed_demo(dsn)
        settings = Settings(
            database_url=dsn,
            jwt_issuer=ISSUER,
            jwt_secret=secret,
            jwt_algorithms=("HS256",),
            # METRICS_TOKEN as in production when set (to scrape it), else one per run
            metrics_token=os.environ.get("METRICS_TOKEN") or secrets.token_urlsafe(16),
            cors_allow_origins=(f"http://127.0.0.1:{web_port}",),
            log_level="INFO",
            version=release_version(os.environ),
            # The same variables as on Railway: OTEL_EXPORTER_OTLP_ENDPOINT, BETTERSTACK_*...
            telemetry=TelemetrySettings.from_env(),
        )
        token = jwt.encode(
            {
                "sub": str(admin),
                "aud": "authenticated",
                "iss": ISSUER,
                "role": "authenticated",
                "exp": int(time.time()) + 12 * 3600,
            },
            secret,
            "HS256",
        )
        web = serve_web(f"http://127.0.0.1:{api_port}", web_port)
        print(f"\nAPI:       http://127.0.0.1:{api_port}/docs  (Bearer token below)")
        print(f"Web front: http://127.0.0.1:{web_port}/index.html#access_token={token}")
        print(f"Token:     {token}\nCtrl-C stops everything.\n", flush=True)
        configure_logging("INFO")
        try:
            uvicorn.run(
                create_app(settings),
                host="127.0.0.1",
                port=api_port,
                log_config=None,
                access_log=False,
            )
        finally:
            web.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

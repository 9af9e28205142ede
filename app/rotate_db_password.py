"""Rotate the database login the API and the worker use, with no failed request.

Usage: python -m app.rotate_db_password [--force] [--grace-seconds N]

Two login roles take turns (<role>_a, <role>_b, both members of the group role that holds the
app's privileges), the dual-user scheme Infisical's own PostgreSQL rotation uses:
  1. the idle login gets a new random password (sent as a SCRAM verifier computed here, so
     the plain password never reaches the server's logs) and LOGIN, and is tried;
  2. DATABASE_URL with the new login is written to Infisical prod:/api and prod:/worker;
     the API and the worker pick it up within INFISICAL_REFRESH_SECONDS, and their open
     connections (old login) keep working meanwhile;
  3. after --grace-seconds (refresh interval + pool max lifetime, so no connection of the old
     login remains in use), the old login loses its password and LOGIN: it stops working.
Runs when the current password is older than DB_PASSWORD_ROTATION_DAYS (Pulumi writes it to
prod:/rotation), or with --force. Needs, from the job's environment (the rotation workflow
fetches them from Infisical with its OIDC identity): DB_ADMIN_URL (a role that may ALTER the
login roles), INFISICAL_API_URL, INFISICAL_TOKEN, INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT.
"""

from __future__ import annotations

import argparse
import os
import secrets as random_secrets
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

from app.secrets import InfisicalApi, SecretsError

CONSUMER_PATHS = ("/api", "/worker")
ROTATION_PATH = "/rotation"
ROTATED_AT = "DB_PASSWORD_ROTATED_AT"


class RotationError(RuntimeError):
    """The rotation cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class RotationSettings:
    admin_url: str = field(repr=False)
    api_url: str
    token: str = field(repr=False)
    project_id: str
    environment: str
    group_role: str = "crm_app"
    max_age_days: int = 30
    grace_seconds: float = 900.0

    @classmethod
    def from_env(cls, env: Mapping[str, str], grace_seconds: float) -> RotationSettings:
        missing = [
            name
            for name in (
                "DB_ADMIN_URL",
                "INFISICAL_TOKEN",
                "INFISICAL_PROJECT_ID",
                "INFISICAL_ENVIRONMENT",
            )
            if not env.get(name, "").strip()
        ]
        if missing:
            raise RotationError(
                f"missing {', '.join(missing)}: the rotation workflow exports them after its "
                "Infisical OIDC login (prod:/rotation holds DB_ADMIN_URL)"
            )
        raw_days = env.get("DB_PASSWORD_ROTATION_DAYS", "30").strip() or "30"
        if not raw_days.isdigit() or not 1 <= int(raw_days) <= 90:
            raise RotationError(f"DB_PASSWORD_ROTATION_DAYS={raw_days!r}: use 1 to 90 days")
        return cls(
            admin_url=env["DB_ADMIN_URL"].strip(),
            api_url=env.get("INFISICAL_API_URL", "https://app.infisical.com").rstrip("/"),
            token=env["INFISICAL_TOKEN"].strip(),
            project_id=env["INFISICAL_PROJECT_ID"].strip(),
            environment=env["INFISICAL_ENVIRONMENT"].strip(),
            group_role=env.get("DB_APP_GROUP_ROLE", "crm_app").strip() or "crm_app",
            max_age_days=int(raw_days),
            grace_seconds=grace_seconds,
        )


def with_login(url: str, user: str, password: str) -> str:
    """`url` with its user and password replaced; a pooler's `.<project-ref>` suffix stays."""
    parts = urlsplit(url)
    old_user = unquote(parts.username or "")
    suffix = old_user[old_user.index(".") :] if "." in old_user else ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{quote(user + suffix, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def login_of(url: str) -> str:
    return unquote(urlsplit(url).username or "").split(".", 1)[0]


@dataclass
class Rotation:
    settings: RotationSettings
    api: InfisicalApi
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    say: Callable[[str], None] = print

    @property
    def logins(self) -> tuple[str, str]:
        return f"{self.settings.group_role}_a", f"{self.settings.group_role}_b"

    def due(self, current: Mapping[str, str]) -> bool:
        stamp = current.get(ROTATED_AT, "")
        try:
            last = datetime.fromisoformat(stamp)
        except ValueError:
            return True  # never rotated by us
        return self.now() - last >= timedelta(days=self.settings.max_age_days)

    def run(self, *, force: bool = False) -> str:
        s = self.settings
        state = self.api.list_secrets(s.project_id, s.environment, ROTATION_PATH)
        if not force and not self.due(state):
            return f"not due: rotated at {state.get(ROTATED_AT)}, every {s.max_age_days} days"
        current = self.api.list_secrets(s.project_id, s.environment, CONSUMER_PATHS[0])
        active = login_of(current.get("DATABASE_URL", ""))
        first, second = self.logins
        new, old = (second, first) if active == first else (first, second)
        password = random_secrets.token_urlsafe(32)
        with psycopg.connect(s.admin_url, autocommit=True) as admin:
            self._ensure_logins(admin)
            verifier = admin.pgconn.encrypt_password(
                password.encode(), new.encode(), b"scram-sha-256"
            ).decode()
            admin.execute(
                sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
                    sql.Identifier(new), sql.Literal(verifier)
                )
            )
        base = current.get("DATABASE_URL") or s.admin_url
        new_url = with_login(base, new, password)
        with psycopg.connect(new_url, connect_timeout=10) as probe:
            probe.execute("SELECT 1")
        for path in CONSUMER_PATHS:
            self.api.set_secret(s.project_id, s.environment, path, "DATABASE_URL", new_url)
        stamp = self.now().isoformat(timespec="seconds")
        self.api.set_secret(s.project_id, s.environment, ROTATION_PATH, ROTATED_AT, stamp)
        self.say(
            f"{new} is the database login in {s.environment}:{','.join(CONSUMER_PATHS)}; "
            f"waiting {s.grace_seconds:g} s before {old} stops working"
        )
        self.sleep(s.grace_seconds)
        with psycopg.connect(s.admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("ALTER ROLE {} WITH NOLOGIN PASSWORD NULL").format(sql.Identifier(old))
            )
        return f"rotated: {new} is active, {old} can no longer log in"

    def _ensure_logins(self, admin: psycopg.Connection[tuple[object, ...]]) -> None:
        group = self.settings.group_role
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone()
        if exists is None:
            raise RotationError(
                f"group role {group!r} does not exist: create it with the app's privileges "
                "(docs/runbooks.md#secrets), or set DB_APP_GROUP_ROLE"
            )
        for login in self.logins:
            found = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
            if found is None:
                admin.execute(
                    sql.SQL("CREATE ROLE {} NOLOGIN INHERIT IN ROLE {}").format(
                        sql.Identifier(login), sql.Identifier(group)
                    )
                )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.rotate_db_password",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--force", action="store_true", help="rotate even if not due")
    parser.add_argument(
        "--grace-seconds",
        type=float,
        default=900.0,
        help="wait before the old login stops working (>= refresh interval + pool lifetime)",
    )
    args = parser.parse_args(argv)
    try:
        settings = RotationSettings.from_env(os.environ, args.grace_seconds)
        with httpx.Client(timeout=15.0) as http:
            api = InfisicalApi(settings.api_url, http)
            api.use_token(settings.token)
            print(Rotation(settings, api).run(force=args.force))
    except (RotationError, SecretsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        print(f"error: database: {type(exc).__name__}: {exc.sqlstate or ''}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

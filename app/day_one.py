"""Day one in production: create the first organization and its admin, invited by email
through Supabase Auth's admin API (POST /auth/v1/invite with the service role key).

Usage:
  DATABASE_URL=... SUPABASE_URL=https://<ref>.supabase.co SUPABASE_SERVICE_ROLE_KEY=... \\
  python -m app.day_one --organization "Career Services" --admin-email lead@example.edu \\
      --admin-name "Lead Advisor" --redirect-to https://app.example.edu

Idempotent: an organization of that name is reused, and an admin already on its staff is
not invited again; so a rerun after a failure finishes the job and a second run changes
nothing. The database work runs in one transaction after the invitation succeeded; if the
invite fails nothing is written, and the error names what to fix.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx
import psycopg

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DayOneError(Exception):
    """Bad input or a refusal; the message names the setting and the fix."""


@dataclass(frozen=True)
class Result:
    organization_id: uuid.UUID
    admin_user_id: uuid.UUID
    created_organization: bool
    invited: bool


def invite(
    supabase_url: str, service_key: str, email: str, name: str, redirect_to: str, http: httpx.Client
) -> uuid.UUID:
    """Supabase Auth sends the invitation email; the answer is the new user (its id)."""
    try:
        response = http.post(
            supabase_url.rstrip("/") + "/auth/v1/invite",
            params={"redirect_to": redirect_to} if redirect_to else None,
            headers={"apikey": service_key, "Authorization": f"Bearer {service_key}"},
            json={"email": email, "data": {"full_name": name}},
            timeout=15.0,
        )
    except httpx.HTTPError as exc:
        raise DayOneError(
            f"cannot reach Supabase Auth at {supabase_url}: {type(exc).__name__}"
        ) from None
    if response.status_code in (401, 403):
        raise DayOneError(
            "SUPABASE_SERVICE_ROLE_KEY was refused: use the project's service "
            "role key (Dashboard > Settings > API)"
        )
    if response.status_code != 200:
        detail = response.text[:300].replace(service_key, "[redacted]")
        raise DayOneError(
            f"Supabase Auth refused the invitation ({response.status_code}): {detail}"
        )
    try:
        return uuid.UUID(str(response.json()["id"]))
    except (ValueError, KeyError, TypeError):
        raise DayOneError("Supabase Auth's answer to /invite had no user id") from None


def run(
    database_url: str,
    supabase_url: str,
    service_key: str,
    organization: str,
    email: str,
    name: str,
    redirect_to: str,
    http: httpx.Client,
) -> Result:
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise DayOneError(f"--admin-email {email!r} is not an email address")
    if not organization.strip() or not name.strip():
        raise DayOneError("--organization and --admin-name must not be empty")
    with psycopg.connect(database_url, application_name="crm-day-one") as conn:
        row = conn.execute(
            "SELECT o.id, s.user_id FROM organizations o LEFT JOIN staff s "
            "ON s.organization_id = o.id AND lower(s.email) = %s AND s.role = 'admin' "
            "WHERE o.name = %s ORDER BY o.created_at LIMIT 1",
            (email, organization),
        ).fetchone()
        if row is not None and row[1] is not None:
            return Result(row[0], row[1], created_organization=False, invited=False)
        user_id = invite(supabase_url, service_key, email, name, redirect_to, http)
        with conn.transaction():
            created = row is None
            org_id = (
                row[0]
                if row
                else conn.execute(
                    "INSERT INTO organizations (name) VALUES (%s) RETURNING id", (organization,)
                ).fetchone()[0]
            )  # type: ignore[index]
            conn.execute(
                "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
                "VALUES (%s, %s, %s, %s, 'admin') ON CONFLICT (user_id) DO NOTHING",
                (org_id, user_id, email, name),
            )
    return Result(org_id, user_id, created_organization=created, invited=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.day_one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--organization", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-name", required=True)
    parser.add_argument("--redirect-to", default="", help="where the invitation link lands")
    args = parser.parse_args(argv)
    env = os.environ
    missing = [
        n for n in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY") if not env.get(n)
    ]
    if missing:
        print(f"error: set {', '.join(missing)} (see the usage above)", file=sys.stderr)
        return 2
    if urlparse(env["SUPABASE_URL"]).scheme not in ("https", "http"):
        print("error: SUPABASE_URL must be https://<ref>.supabase.co", file=sys.stderr)
        return 2
    try:
        with httpx.Client(headers={"User-Agent": "crm-day-one"}) as http:
            result = run(
                env["DATABASE_URL"],
                env["SUPABASE_URL"],
                env["SUPABASE_SERVICE_ROLE_KEY"],
                args.organization,
                args.admin_email,
                args.admin_name,
                args.redirect_to,
                http,
            )
    except DayOneError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as exc:
        print(f"error: cannot reach the database: {exc}", file=sys.stderr)
        return 1
    what = "invited" if result.invited else "already on staff (nothing sent)"
    made = "created" if result.created_organization else "existing"
    print(f"organization {result.organization_id} ({made}); admin {args.admin_email} {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

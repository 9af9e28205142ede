"""Run the advisor checks on a database and print the findings (see app/advisors/__init__.py).

Read-only: it runs SELECTs over the catalogs in a transaction it rolls back. Exit status 0 means
no finding, 1 findings, 2 it could not check (bad URL, unreachable, not a Supabase-like database,
malformed api_grants.toml).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

import psycopg

from app.advisors.checks import CHECKS, NotSupabaseLike, Result, run_checks
from app.advisors.grants import GrantsFileError, load_grants


def report(results: list[Result]) -> tuple[list[str], int]:
    """The lines to print and the number of findings."""
    findings = [r for r in results if not r.ok]
    lines = [f"{r.check.level} {r.check.id}: {r.object}: {r.detail}" for r in findings]
    inspected = Counter(r.check.id for r in results)
    failed = Counter(r.check.id for r in findings)
    for check in CHECKS:
        n = inspected[check.id]
        if n == 0:
            state = "not applicable (nothing to inspect)"
        elif failed[check.id]:
            state = f"{failed[check.id]} finding(s) in {n} inspected; fix: {check.remediation}"
        else:
            state = f"passed ({n} inspected)"
        lines.append(f"[{check.id}] {check.title}: {state}")
    lines.append(f"{len(findings)} finding(s)")
    return lines, len(findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.advisors", description=__doc__)
    parser.add_argument("database_url", nargs="?", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.database_url:
        print(
            "error: pass DATABASE_URL (postgresql://...) or set it in the environment",
            file=sys.stderr,
        )
        return 2
    try:
        grants = load_grants()
        with psycopg.connect(args.database_url, connect_timeout=10) as conn:
            conn.read_only = True
            results = run_checks(conn, grants)
            conn.rollback()
    except GrantsFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotSupabaseLike as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except psycopg.OperationalError as exc:
        print(f"error: cannot connect to the database: {exc}", file=sys.stderr)
        return 2
    except psycopg.ProgrammingError as exc:
        print(f"error: cannot read the catalogs: {exc}", file=sys.stderr)
        return 2
    lines, findings = report(results)
    print("\n".join(lines))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

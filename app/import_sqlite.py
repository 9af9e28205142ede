"""Move the legacy SQLite CRM's students, applications and notes into PostgreSQL.

Usage: python -m app.import_sqlite LEGACY.db --organization-id UUID [--report out.json]

Idempotent: each legacy row gets a deterministic UUID (uuid5 of organization, table and
legacy id) and is inserted with ON CONFLICT DO NOTHING, so a rerun adds nothing twice. All of
it runs in one transaction: nothing is half-applied. Every source row is either imported or
reported with its reason; counts are verified in PostgreSQL before commit
(source = imported + already present + rejected, and every accepted id exists).

Legacy schema (the seed's): students(id, first_name, last_name, email);
applications(id, student_id, company, position, status, date_applied);
notes(id, student_id, content, date_created).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

LEGACY_IDS: dict[uuid.UUID, object] = {}
NAMESPACE = uuid.UUID("5b0e3c1e-7a53-4c55-9a43-2f3a4c1d0e11")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUS_MAP = {
    "applied": "applied",
    "submitted": "applied",
    "interview": "interviewing",
    "interviewing": "interviewing",
    "offer": "offer",
    "offered": "offer",
    "accepted": "accepted",
    "declined": "declined",
    "rejected": "rejected",
    "turned down": "rejected",
}
REQUIRED = {
    "students": {"id", "first_name", "last_name", "email"},
    "applications": {"id", "student_id", "status"},
    "notes": {"id", "student_id", "date_created"},
}


class ImportError_(Exception):
    """The import cannot start or could not be verified; nothing was committed."""


@dataclass
class TableReport:
    source: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "imported": self.imported,
            "already_present": self.already_present,
            "rejected": len(self.rejected),
            "rejected_rows": self.rejected,
        }


def new_id(org: uuid.UUID, table: str, legacy_id: object) -> uuid.UUID:
    value = uuid.uuid5(NAMESPACE, f"{org}:{table}:{legacy_id}")
    LEGACY_IDS[value] = legacy_id  # so later rejections can name the legacy row
    return value


def parse_when(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=UTC)
    for candidate in (text, text.replace(" ", "T", 1)):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _clean(value: object) -> str:
    return "" if value is None else str(value).replace("\x00", "").strip()


def _rows(db: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cols = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    if not cols:
        raise ImportError_(f"the legacy file has no {table} table")
    missing = REQUIRED[table] - cols
    if missing:
        raise ImportError_(f"legacy table {table} lacks column(s) {', '.join(sorted(missing))}")
    return [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY id")]


def plan(
    db: sqlite3.Connection, org: uuid.UUID
) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, TableReport]]:
    """Validate every legacy row: (rows to insert per table, report with rejections)."""
    reports = {t: TableReport() for t in ("students", "applications", "notes")}
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in reports}
    accepted_students: dict[object, uuid.UUID] = {}
    emails: dict[str, object] = {}

    def reject(table: str, row: dict[str, Any], reason: str) -> None:
        reports[table].rejected.append({"legacy_id": row["id"], "reason": reason})

    for row in _rows(db, "students"):
        reports["students"].source += 1
        first, last, email = (
            _clean(row["first_name"]),
            _clean(row["last_name"]),
            _clean(row["email"]),
        )
        if not first or not last:
            reject("students", row, "first_name and last_name are required")
        elif len(first) > 100 or len(last) > 100:
            reject("students", row, "a name is longer than 100 characters")
        elif not EMAIL_RE.match(email) or len(email) > 320:
            reject("students", row, f"email {email!r} is not a valid address")
        elif email.lower() in emails:
            reject(
                "students",
                row,
                f"duplicate email {email.lower()} (same as legacy student {emails[email.lower()]})",
            )
        else:
            emails[email.lower()] = row["id"]
            sid = new_id(org, "students", row["id"])
            accepted_students[row["id"]] = sid
            out["students"].append((sid, org, first, last, email))

    for row in _rows(db, "applications"):
        reports["applications"].source += 1
        parent = accepted_students.get(row["student_id"])
        status = STATUS_MAP.get(_clean(row["status"]).lower())
        company = _clean(row.get("company")) or "(unknown company)"
        role = _clean(row.get("position")) or _clean(row.get("role")) or "(unknown role)"
        applied = parse_when(row.get("date_applied")) or datetime.now(UTC)
        if parent is None:
            reject("applications", row, f"student {row['student_id']} is missing or rejected")
        elif status is None:
            reject(
                "applications",
                row,
                f"status {_clean(row['status'])!r} is not one of "
                f"{', '.join(sorted(set(STATUS_MAP.values())))}",
            )
        elif len(company) > 200 or len(role) > 200:
            reject("applications", row, "company or position is longer than 200 characters")
        else:
            out["applications"].append(
                (
                    new_id(org, "applications", row["id"]),
                    org,
                    parent,
                    company,
                    role,
                    status,
                    applied,
                )
            )

    for row in _rows(db, "notes"):
        reports["notes"].source += 1
        parent = accepted_students.get(row["student_id"])
        body = _clean(row["content"] if "content" in row else row.get("body"))
        when = parse_when(row["date_created"])
        if parent is None:
            reject("notes", row, f"student {row['student_id']} is missing or rejected")
        elif not body:
            reject("notes", row, "the note is empty")
        elif len(body) > 10000:
            reject("notes", row, "the note is longer than 10000 characters")
        elif when is None:
            reject("notes", row, f"date_created {row['date_created']!r} is not a date")
        else:
            out["notes"].append((new_id(org, "notes", row["id"]), org, parent, body, when))
    return out, reports


INSERTS = {
    "students": (
        "INSERT INTO public.students (id, organization_id, first_name, last_name, "
        "email) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING"
    ),
    "applications": (
        "INSERT INTO public.applications (id, organization_id, student_id, "
        "company, role, status, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (id) DO NOTHING"
    ),
    "notes": (
        "INSERT INTO public.notes (id, organization_id, student_id, body, created_at) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING"
    ),
}


def run_import(legacy: Path, database_url: str, org: uuid.UUID) -> dict[str, TableReport]:
    if not legacy.is_file():
        raise ImportError_(f"{legacy} does not exist")
    db = sqlite3.connect(f"file:{legacy}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        rows, reports = plan(db, org)
    except sqlite3.DatabaseError as exc:
        raise ImportError_(f"{legacy} is not a readable SQLite database: {exc}") from None
    finally:
        db.close()
    with psycopg.connect(database_url) as conn, conn.transaction():
        if (
            conn.execute("SELECT 1 FROM public.organizations WHERE id = %s", (org,)).fetchone()
            is None
        ):
            raise ImportError_(f"organization {org} does not exist: create it first")
        # Emails already used by other students of the organization would violate uniqueness.
        for table in ("students", "applications", "notes"):
            ids = [r[0] for r in rows[table]]
            present = {
                r[0]
                for r in conn.execute(f"SELECT id FROM public.{table} WHERE id = ANY(%s)", (ids,))
            }
            if table == "students":
                rows[table] = _drop_email_clashes(conn, org, rows[table], present, reports[table])
                ids = [r[0] for r in rows[table]]
            with conn.cursor() as cur:
                cur.executemany(INSERTS[table], [r for r in rows[table] if r[0] not in present])
            rep = reports[table]
            rep.already_present = len(present)
            rep.imported = len(rows[table]) - len(present)
            found = conn.execute(
                f"SELECT count(*) FROM public.{table} WHERE id = ANY(%s)", (ids,)
            ).fetchone()
            if (
                found is None
                or found[0] != len(ids)
                or rep.source != rep.imported + rep.already_present + len(rep.rejected)
            ):
                raise ImportError_(
                    f"{table}: verification failed ({found and found[0]} of "
                    f"{len(ids)} accepted rows in PostgreSQL); rolled back"
                )
            if table == "students":
                _drop_orphans(
                    rows, present_students={r[0] for r in rows["students"]}, reports=reports
                )
    return reports


def _drop_email_clashes(
    conn: psycopg.Connection[Any],
    org: uuid.UUID,
    students: list[tuple[Any, ...]],
    present: set[uuid.UUID],
    report: TableReport,
) -> list[tuple[Any, ...]]:
    new = [s for s in students if s[0] not in present]
    taken = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT lower(email), id FROM public.students WHERE organization_id = %s "
            "AND lower(email) = ANY(%s)",
            (org, [s[4].lower() for s in new]),
        )
    }
    kept = []
    for s in students:
        if s[0] not in present and s[4].lower() in taken:
            report.rejected.append(
                {
                    "legacy_id": LEGACY_IDS.get(s[0]),
                    "reason": f"email {s[4].lower()} already belongs to student "
                    f"{taken[s[4].lower()]} in PostgreSQL",
                }
            )
        else:
            kept.append(s)
    return kept


def _drop_orphans(
    rows: dict[str, list[tuple[Any, ...]]],
    present_students: set[uuid.UUID],
    reports: dict[str, TableReport],
) -> None:
    """Children of students rejected at insert time are rejected too, with the reason."""
    for table in ("applications", "notes"):
        kept = []
        for r in rows[table]:
            if r[2] in present_students:
                kept.append(r)
            else:
                reports[table].rejected.append(
                    {"legacy_id": LEGACY_IDS.get(r[0]), "reason": "its student was rejected"}
                )
        rows[table] = kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.import_sqlite",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("legacy_db", type=Path)
    parser.add_argument("--organization-id", required=True, type=uuid.UUID)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--report", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if not args.database_url:
        print("error: set DATABASE_URL or pass --database-url", file=sys.stderr)
        return 2
    try:
        reports = run_import(args.legacy_db, args.database_url, args.organization_id)
    except ImportError_ as exc:
        print(f"error: {exc}; nothing was imported", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(
            f"error: PostgreSQL refused the import ({type(exc).__name__}: "
            f"{exc.diag.message_primary}); nothing was imported",
            file=sys.stderr,
        )
        return 1
    document = {t: r.as_dict() for t, r in reports.items()}
    for table, rep in reports.items():
        print(
            f"{table}: {rep.source} in legacy file, {rep.imported} imported, "
            f"{rep.already_present} already present, {len(rep.rejected)} rejected"
        )
        for rej in rep.rejected:
            print(f"  rejected {table} {rej['legacy_id']}: {rej['reason']}")
    if args.report:
        args.report.write_text(json.dumps(document, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The legacy SQLite importer on a fixture with good and bad rows, into a real PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from app.import_sqlite import main, run_import
from tests.app import seed

LEGACY_SCHEMA = """
CREATE TABLE students (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT);
CREATE TABLE applications (id INTEGER PRIMARY KEY, student_id INTEGER, company TEXT,
                           position TEXT, status TEXT, date_applied TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, student_id INTEGER, content TEXT,
                    date_created TEXT);
"""
STUDENTS = [
    (1, "Ada", "Lovelace", "ada@legacy.test"),
    (2, "Alan", "Turing", "alan@legacy.test"),
    (3, "Nameless", None, "nameless@legacy.test"),  # missing last name
    (4, "Bad", "Email", "not-an-email"),  # invalid email
    (5, "Ada", "Again", "ADA@legacy.test"),  # duplicate of 1
    (6, "Taken", "Address", "taken@legacy.test"),  # clashes with a PostgreSQL student
]
APPLICATIONS = [
    (1, 1, "Analytical Engines Ltd", "Programmer", "Applied", "2019-02-01"),
    (2, 2, "Bletchley Park", "Cryptanalyst", "Interview", None),
    (3, 3, "Nowhere", "Intern", "applied", None),  # student rejected
    (4, 99, "Ghost Co", "Intern", "applied", None),  # student missing
    (5, 1, "Acme", "Intern", "Ghosted", None),  # unknown status
    (6, 6, "Acme", "Intern", "offer", None),  # student rejected at insert time
]
NOTES = [
    (1, 1, "Met at the fair", "2019-03-04 10:00:00"),
    (2, 2, "Sent CV", "1551700000"),
    (3, 1, "   ", "2019-03-05"),  # empty
    (4, 1, "When?", "yesterday"),  # not a date
    (5, 4, "Orphan", "2019-03-06"),  # student rejected
]


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    path = tmp_path / "legacy.db"
    with sqlite3.connect(path) as db:
        db.executescript(LEGACY_SCHEMA)
        db.executemany("INSERT INTO students VALUES (?, ?, ?, ?)", STUDENTS)
        db.executemany("INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?)", APPLICATIONS)
        db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?)", NOTES)
    return path


def counts(dsn: str, org: uuid.UUID) -> tuple[int, int, int]:
    with psycopg.connect(dsn) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t} WHERE organization_id = %s", (org,)).fetchone()[
                0
            ]  # type: ignore[index]
            for t in ("students", "applications", "notes")
        )  # type: ignore[return-value]


def test_imports_good_rows_reports_every_bad_one_and_is_idempotent(
    crm_dsn: str, legacy: Path
) -> None:
    org = seed.organization(crm_dsn, "Legacy Centre")
    seed.student(crm_dsn, org, "Already", "Here", "taken@legacy.test")
    first = run_import(legacy, crm_dsn, org)
    assert (first["students"].source, first["students"].imported) == (6, 2)
    reasons = {r["legacy_id"]: r["reason"] for r in first["students"].rejected}
    assert set(reasons) == {3, 4, 5, 6}
    assert "first_name and last_name" in reasons[3] and "not a valid address" in reasons[4]
    assert "duplicate email" in reasons[5] and "already belongs" in reasons[6]
    app_reasons = {r["legacy_id"]: r["reason"] for r in first["applications"].rejected}
    assert set(app_reasons) == {3, 4, 5, 6} and "'Ghosted'" in app_reasons[5]
    note_reasons = {r["legacy_id"]: r["reason"] for r in first["notes"].rejected}
    assert set(note_reasons) == {3, 4, 5} and "not a date" in note_reasons[4]
    assert counts(crm_dsn, org) == (3, 2, 2)  # 2 imported + the pre-existing student
    with psycopg.connect(crm_dsn) as conn:
        row = conn.execute(
            "SELECT status, created_at::date::text FROM applications "
            "WHERE company = 'Bletchley Park' OR company LIKE 'Analytical%%' "
            "ORDER BY company"
        ).fetchall()
    assert row[0] == ("applied", "2019-02-01") and row[1][0] == "interviewing"

    again = run_import(legacy, crm_dsn, org)
    assert counts(crm_dsn, org) == (3, 2, 2)
    for table, expected in (("students", 2), ("applications", 2), ("notes", 2)):
        assert (again[table].imported, again[table].already_present) == (0, expected)


def test_cli_writes_a_report_and_refuses_unknown_organization(
    crm_dsn: str, legacy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = uuid.uuid4()
    assert main([str(legacy), "--organization-id", str(missing), "--database-url", crm_dsn]) == 1
    assert f"organization {missing} does not exist" in capsys.readouterr().err
    org = seed.organization(crm_dsn)
    report = tmp_path / "report.json"
    assert (
        main(
            [
                str(legacy),
                "--organization-id",
                str(org),
                "--database-url",
                crm_dsn,
                "--report",
                str(report),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "students: 6 in legacy file, 3 imported" in out
    assert "rejected notes 4: date_created 'yesterday' is not a date" in out
    doc = json.loads(report.read_text())
    assert doc["notes"]["source"] == 5 and doc["notes"]["rejected"] == 3


def test_a_file_without_the_legacy_tables_is_refused(crm_dsn: str, tmp_path: Path) -> None:
    org = seed.organization(crm_dsn)
    odd = tmp_path / "odd.db"
    with sqlite3.connect(odd) as db:
        db.execute("CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT)")
    assert main([str(odd), "--organization-id", str(org), "--database-url", crm_dsn]) == 1
    assert counts(crm_dsn, org) == (0, 0, 0)

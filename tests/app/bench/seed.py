"""Seed the benchmark database with COPY: organizations, staff, students, applications, notes.

Secondary indexes are dropped before the load and rebuilt after from their saved
definitions (the migrations' own DDL), and foreign-key triggers are off during the load
(session_replication_role = replica; the generated rows are consistent by construction):
both are the standard bulk-load recipe and cut the 1,000,000-student load by minutes.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Ada Alan Grace Katherine Mary Dorothy Hedy Rosalind Barbara Frances Edsger Donald "
    "Margaret Radia Tim Vint Shafi Leslie Niklaus Dennis Ken Bjarne Guido Linus Anita "
    "Sophie Lucas Emma Noah Olivia Liam Ava Ethan Mia Mason Isabella Logan Amelia Elijah "
    "Harper Oliver Evelyn Jacob Abigail Aiden Emily James Ella Benjamin Scarlett Henry "
    "Chloe Samuel Zoe Daniel Lily Matthew Layla Joseph Nora David Riley Carter Hannah "
    "Owen Aria Wyatt Zara Julian Leah Levi Maya Isaac Ruby Jack Alice Ryan Clara"
)
_SYLLABLES = _words(
    "ab al an ar as ba be bo ca ce co da de do el en er fa fe fi ga ge go ha he hi "
    "ja jo ka ke ki la le li lo ma me mi mo na ne ni no or pa pe ri ro sa se si so "
    "ta te ti to va ve vi wa we yo za ze"
)
COMPANIES = _words(
    "Acme Globex Initech Umbrella Hooli Stark Wayne Wonka Tyrell Cyberdyne Soylent "
    "Aperture Vandelay Pied Piper Oscorp Monarch Gringotts Nakatomi Dunder"
)
ROLES = ("Intern", "Analyst", "Engineer", "Designer", "Researcher", "Associate")
STATUSES = (
    "applied",
    "applied",
    "applied",
    "interviewing",
    "interviewing",
    "offer",
    "accepted",
    "declined",
    "rejected",
    "rejected",
)


def last_names(count: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).title())
    return sorted(names)


@dataclass(frozen=True)
class Seeded:
    organizations: list[uuid.UUID]
    staff: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]  # (user_id, staff_id, org)
    last_names: list[str]
    seconds: float


def seed(
    dsn: str,
    students: int,
    *,
    organizations: int = 10,
    staff_users: int = 1000,
    distinct_last_names: int = 2000,
    log: bool = True,
) -> Seeded:
    rng = random.Random(20261127)
    started = time.monotonic()
    surnames = last_names(distinct_last_names, rng)
    orgs = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(organizations)]
    staff = [
        (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            uuid.UUID(int=rng.getrandbits(128), version=4),
            orgs[i % organizations],
        )
        for i in range(staff_users)
    ]
    now = datetime.now(UTC)
    with psycopg.connect(dsn, autocommit=True) as conn:
        saved = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename IN ('students', 'applications', 'notes') "
            "AND indexname NOT LIKE '%%_pkey' AND indexname <> 'students_id_organization_id_key'"
        ).fetchall()
        for name, _ in saved:
            conn.execute(f'DROP INDEX public."{name}"')
        conn.execute("SET session_replication_role = replica")
        with conn.cursor().copy("COPY organizations (id, name) FROM STDIN") as copy:
            for i, org in enumerate(orgs):
                copy.write_row((org, f"Career Centre {i + 1}"))
        with conn.cursor().copy(
            "COPY staff (id, organization_id, user_id, email, full_name, role) FROM STDIN"
        ) as copy:
            for i, (user, sid, org) in enumerate(staff):
                copy.write_row(
                    (
                        sid,
                        org,
                        user,
                        f"advisor{i}@careers.example.edu",
                        f"Advisor {i}",
                        "admin" if i < organizations else "advisor",
                    )
                )
        student_rows: list[tuple[uuid.UUID, uuid.UUID]] = []
        with conn.cursor().copy(
            "COPY students (id, organization_id, first_name, last_name, "
            "email, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(students):
                sid = uuid.UUID(int=rng.getrandbits(128), version=4)
                org = orgs[i % organizations]
                first, last = rng.choice(FIRST), rng.choice(surnames)
                created = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                copy.write_row(
                    (
                        sid,
                        org,
                        first,
                        last,
                        f"{first.lower()}.{last.lower()}.{i}@students.example.edu",
                        created,
                        created,
                    )
                )
                student_rows.append((sid, org))
        _log(log, f"students copied ({students:,}) in {time.monotonic() - started:.0f} s")
        with conn.cursor().copy(
            "COPY applications (id, organization_id, student_id, company, "
            "role, status, created_at, updated_at) FROM STDIN"
        ) as copy:
            for sid, org in student_rows:
                for _ in range(rng.choice((0, 1, 1, 2))):
                    created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                    copy.write_row(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            org,
                            sid,
                            rng.choice(COMPANIES),
                            rng.choice(ROLES),
                            rng.choice(STATUSES),
                            created,
                            created,
                        )
                    )
        with conn.cursor().copy(
            "COPY notes (id, organization_id, student_id, body, created_at) FROM STDIN"
        ) as copy:
            for sid, org in student_rows:
                for _ in range(rng.choice((0, 1, 1, 2))):
                    copy.write_row(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            org,
                            sid,
                            "Met to review CV and discuss internship applications.",
                            now - timedelta(seconds=rng.randint(0, 365 * 86400)),
                        )
                    )
        conn.execute("SET session_replication_role = DEFAULT")
        _log(log, f"applications and notes copied in {time.monotonic() - started:.0f} s")
        for _, definition in saved:
            conn.execute(definition)
        _log(log, f"indexes rebuilt in {time.monotonic() - started:.0f} s")
        conn.execute("VACUUM ANALYZE")
    return Seeded(orgs, staff, surnames, time.monotonic() - started)


def _log(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[bench] {message}", flush=True)

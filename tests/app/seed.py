"""Direct SQL seeding as the database owner (what an operator or the service role does)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    staff_id: uuid.UUID
    organization_id: uuid.UUID
    role: str


def organization(dsn: str, name: str = "Career Centre") -> uuid.UUID:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "INSERT INTO organizations (name) VALUES (%s) RETURNING id", (name,)
        ).fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def member(dsn: str, org: uuid.UUID, role: str = "advisor") -> Member:
    user = uuid.uuid4()
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "INSERT INTO staff (organization_id, user_id, email, full_name, role) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (org, user, f"{user.hex[:8]}@example.test", f"Staff {user.hex[:4]}", role),
        ).fetchone()
    assert row is not None
    return Member(user, row[0], org, role)


def student(
    dsn: str, org: uuid.UUID, first: str = "Ada", last: str = "Lovelace", email: str | None = None
) -> uuid.UUID:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "INSERT INTO students (organization_id, first_name, last_name, email) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            (org, first, last, email or f"{uuid.uuid4().hex[:10]}@example.test"),
        ).fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]

"""The connection pool and the per-request transaction that makes PostgreSQL enforce isolation.

Each request's transaction sets `request.jwt.claims` (what Supabase's `auth.uid()` reads) and
switches to the `authenticated` role, so the RLS policies apply even if a query here forgets
its organization filter. Both settings are transaction-local: nothing leaks into the pooled
connection's next user.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from app.auth import Principal
from app.problems import Problem
from app.settings import Settings

# One round trip: set the claims and role, and read the caller's staff membership.
_SETUP_SQL = """
SELECT s.id, s.organization_id, s.role
FROM (SELECT set_config('request.jwt.claims', %(claims)s, true),
             set_config('role', 'authenticated', true)) AS cfg
LEFT JOIN public.staff s ON s.user_id = %(sub)s
"""


@dataclass(frozen=True)
class StaffContext:
    user_id: uuid.UUID
    staff_id: uuid.UUID
    organization_id: uuid.UUID
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Tx:
    conn: psycopg.AsyncConnection[dict[str, Any]]
    staff: StaffContext

    async def one(self, sql: Any, params: Any = None) -> dict[str, Any] | None:
        cur = await self.conn.execute(sql, params)
        return await cur.fetchone()

    async def all(self, sql: Any, params: Any = None) -> list[dict[str, Any]]:
        cur = await self.conn.execute(sql, params)
        return await cur.fetchall()


def make_pool(settings: Settings) -> AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]]:
    return AsyncConnectionPool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        timeout=settings.pool_timeout_seconds,
        kwargs={"row_factory": dict_row, "application_name": "crm-api"},
        open=False,
        name="crm-api",
    )


@asynccontextmanager
async def staff_transaction(
    pool: AsyncConnectionPool[Any], principal: Principal
) -> AsyncIterator[Tx]:
    """A transaction running as `authenticated` with the caller's claims; commits on success."""
    async with pool.connection() as conn, conn.transaction():
        cur = await conn.execute(
            _SETUP_SQL,
            {
                "claims": json.dumps(principal.claims, separators=(",", ":")),
                "sub": principal.user_id,
            },
        )
        row = await cur.fetchone()
        if row is None or row["id"] is None:
            raise Problem(
                403,
                "you are signed in but not a staff member of any organization: "
                "ask an admin to add you",
                type_="/problems/not-staff",
            )
        yield Tx(
            conn, StaffContext(principal.user_id, row["id"], row["organization_id"], row["role"])
        )

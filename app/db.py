"""The connection pool and the per-request transaction that makes PostgreSQL enforce isolation.

Each request's transaction sets `request.jwt.claims` (what Supabase's `auth.uid()` reads) and
switches to the `authenticated` role, so the RLS policies apply even if a query here forgets
its organization filter. Both settings are transaction-local: nothing leaks into the pooled
connection's next user.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from app.auth import Principal
from app.problems import Problem
from app.settings import Settings

# Set the claims and role, and read the caller's staff membership, in one statement.
_SETUP_SQL = """
SELECT s.id, s.organization_id, s.role
FROM (SELECT set_config('request.jwt.claims', %(claims)s, true),
             set_config('role', 'authenticated', true)) AS cfg
LEFT JOIN public.staff s ON s.user_id = %(sub)s
"""


# The caller's organization and staff id inside SQL (initplans: evaluated once per statement).
ORG = "(SELECT private.current_organization_id())"
STAFF = "(SELECT private.current_staff_id())"


@dataclass(frozen=True)
class StaffContext:
    user_id: uuid.UUID
    staff_id: uuid.UUID
    organization_id: uuid.UUID
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Tx:
    """One request's transaction, run in pipeline mode: BEGIN, the claims/role setup and the
    first query travel together in one round trip and COMMIT in a second, instead of four
    round trips. The caller's staff membership (the setup's result) is read lazily; a
    request from someone who is not staff gets 403 whatever its query did. `observe` gets
    each statement's execute-to-rows seconds (crm_db_statement_duration_seconds)."""

    def __init__(
        self,
        conn: psycopg.AsyncConnection[dict[str, Any]],
        setup: Any,
        user: uuid.UUID,
        observe: Callable[[float], None] | None = None,
    ) -> None:
        self.conn = conn
        self._setup = setup
        self._user = user
        self._context: StaffContext | None = None
        self._observe = observe or (lambda seconds: None)

    async def context(self) -> StaffContext:
        if self._context is None:
            row = await self._setup.fetchone()
            if row is None or row["id"] is None:
                raise Problem(
                    403,
                    "you are signed in but not a staff member of any organization: "
                    "ask an admin to add you",
                    type_="/problems/not-staff",
                )
            self._context = StaffContext(self._user, row["id"], row["organization_id"], row["role"])
        return self._context

    async def one(self, sql: Any, params: Any = None) -> dict[str, Any] | None:
        start = time.perf_counter()
        cur = await self.conn.execute(sql, params)
        try:
            row = await cur.fetchone()
        except psycopg.Error:
            self._observe(time.perf_counter() - start)
            await self.context()  # not staff explains the failure better than the failure
            raise
        self._observe(time.perf_counter() - start)
        await self.context()
        return row

    async def all(self, sql: Any, params: Any = None) -> list[dict[str, Any]]:
        start = time.perf_counter()
        cur = await self.conn.execute(sql, params)
        try:
            rows = await cur.fetchall()
        except psycopg.Error:
            self._observe(time.perf_counter() - start)
            await self.context()
            raise
        self._observe(time.perf_counter() - start)
        await self.context()
        return rows


def make_pool(
    settings: Settings, conninfo: Callable[[], str] | None = None
) -> AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]]:
    """`conninfo`, when given, is asked on every new connection (the latest DATABASE_URL from
    Infisical): after a rotation, new connections log in with the new credentials."""
    return AsyncConnectionPool(
        conninfo or settings.database_url,
        min_size=settings.pool_min_size,
        max_lifetime=settings.pool_max_lifetime_seconds,
        max_size=settings.pool_max_size,
        timeout=settings.pool_timeout_seconds,
        kwargs={
            "row_factory": dict_row,
            "application_name": "crm-api",
            "prepare_threshold": settings.prepare_threshold,
        },
        open=False,
        name="crm-api",
    )


@asynccontextmanager
async def staff_transaction(
    pool: AsyncConnectionPool[Any],
    principal: Principal,
    observe: Callable[[float], None] | None = None,
) -> AsyncIterator[Tx]:
    """A transaction running as `authenticated` with the caller's claims; commits on success."""
    async with pool.connection() as conn, conn.pipeline(), conn.transaction():
        setup = await conn.execute(
            _SETUP_SQL,
            {
                "claims": json.dumps(principal.claims, separators=(",", ":")),
                "sub": principal.user_id,
            },
        )
        yield Tx(conn, setup, principal.user_id, observe)

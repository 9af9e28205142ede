"""Students: create, read (cached), update, archive, and full-text search with keyset pages."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.db import ORG
from app.deps import Caller, Writer, state, tx
from app.models import Student, StudentCreate, StudentPage, StudentPatch
from app.problems import Problem
from app.routes import cursor

router = APIRouter(tags=["students"])
COLUMNS = "id, first_name, last_name, email, archived_at, created_at, updated_at"
_TERM_RE = re.compile(r"[\w@.+-]+")
MAX_TERMS = 8


def tsquery(q: str) -> str | None:
    """Each word of the search box as a prefix match, all required ('ada lov' finds Lovelace).

    Only word characters and @.+- survive, so the text can go to to_tsquery without any
    chance of tsquery syntax errors.
    """
    terms = [t.strip(".+-") for t in _TERM_RE.findall(q)]
    terms = [t for t in terms if t][:MAX_TERMS]
    if not terms:
        return None
    return " & ".join(f"'{t.lower()}':*" for t in terms)


def list_sql(*, include_archived: bool, after: bool) -> str:
    """Listing walks the (organization, last name, first name, id) btree in keyset order.

    Searches go through public.search_students() instead (see its migration: under RLS a
    plain full-text query cannot use the GIN index)."""
    where = [f"organization_id = {ORG}"]
    if not include_archived:
        where.append("archived_at IS NULL")
    if after:
        where.append("(last_name, first_name, id) > (%(ln)s, %(fn)s, %(id)s)")
    return (
        f"SELECT {COLUMNS} FROM public.students WHERE {' AND '.join(where)} "
        "ORDER BY last_name, first_name, id LIMIT %(limit)s"
    )


SEARCH_SQL = (
    f"SELECT {COLUMNS} FROM public.search_students(%(tsq)s, %(archived)s, %(ln)s, "
    "%(fn)s, %(id)s, %(limit)s)"
)


def _not_found(student_id: uuid.UUID) -> Problem:
    return Problem(404, f"no student {student_id} in your organization")


@router.get("/students", response_model=StudentPage, summary="Search or list students")
async def search_students(
    request: Request,
    who: Caller,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to find in first name, last name or email (prefix match)",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor_: Annotated[str | None, Query(alias="cursor", max_length=1000)] = None,
    include_archived: bool = False,
) -> dict[str, Any]:
    tsq = tsquery(q) if q else None
    if q and tsq is None:
        return {"items": [], "next_cursor": None}
    params: dict[str, Any] = {
        "tsq": tsq,
        "limit": limit + 1,
        "archived": include_archived,
        "ln": None,
        "fn": None,
        "id": None,
    }
    if cursor_:
        ln, fn, sid = cursor.decode(cursor_, 3)
        try:
            params.update(ln=ln, fn=fn, id=uuid.UUID(sid))
        except ValueError:
            cursor.decode("", 3)  # raises the same 422 as any other bad cursor
    async with tx(request, who) as t:
        sql = (
            SEARCH_SQL
            if tsq is not None
            else list_sql(include_archived=include_archived, after=bool(cursor_))
        )
        rows = await t.all(sql, params)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = cursor.encode([last["last_name"], last["first_name"], str(last["id"])])
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/students", response_model=Student, status_code=201)
async def create_student(request: Request, who: Writer, body: StudentCreate) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(
            f"INSERT INTO public.students (organization_id, first_name, last_name, email) "
            f"VALUES ({ORG}, %s, %s, %s) RETURNING {COLUMNS}",
            (body.first_name, body.last_name, body.email),
        )
    assert row is not None
    return row


@router.get("/students/{student_id}", response_model=Student)
async def get_student(request: Request, who: Caller, student_id: uuid.UUID) -> dict[str, Any]:
    st = state(request)
    if st.cache is not None:
        org = await st.cache.staff_org(who.user_id)
        if org is not None:
            hit = await st.cache.get_student(org, student_id)
            if hit is not None:
                return hit
    async with tx(request, who) as t:
        row = await t.one(f"SELECT {COLUMNS} FROM public.students WHERE id = %s", (student_id,))
        org = (await t.context()).organization_id
    if row is None:
        raise _not_found(student_id)
    if st.cache is not None:
        await st.cache.remember_staff(who.user_id, org)
        await st.cache.put_student(
            org, student_id, Student.model_validate(row).model_dump(mode="json")
        )
    return row


async def _write_student(
    request: Request, who: Writer, student_id: uuid.UUID, sql: str, params: dict[str, Any]
) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(sql, {**params, "id": student_id})
        org = (await t.context()).organization_id
    cache = state(request).cache
    if cache is not None:  # after commit, so a reader cannot re-cache the old row
        await cache.forget_student(org, student_id)
    if row is None:
        raise _not_found(student_id)
    return row


@router.patch("/students/{student_id}", response_model=Student)
async def update_student(
    request: Request, who: Writer, student_id: uuid.UUID, body: StudentPatch
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    if not changes:
        raise Problem(
            422,
            "nothing to change: send first_name, last_name or email",
            type_="/problems/validation",
        )
    sets = ", ".join(f"{col} = %({col})s" for col in changes)  # keys come from the model
    return await _write_student(
        request,
        who,
        student_id,
        f"UPDATE public.students SET {sets}, updated_at = now() WHERE id = %(id)s "
        f"RETURNING {COLUMNS}",
        changes,
    )


@router.post(
    "/students/{student_id}/archive",
    response_model=Student,
    summary="Archive a student (hidden from search unless include_archived)",
)
async def archive_student(request: Request, who: Writer, student_id: uuid.UUID) -> dict[str, Any]:
    return await _write_student(
        request,
        who,
        student_id,
        "UPDATE public.students SET archived_at = coalesce(archived_at, now()), "
        f"updated_at = now() WHERE id = %(id)s RETURNING {COLUMNS}",
        {},
    )

"""Advisor notes on a student, newest first, keyset-paginated."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.db import ORG, STAFF
from app.deps import Caller, Writer, tx
from app.models import Note, NoteCreate, NotePage
from app.problems import Problem
from app.routes import cursor
from app.routes.pipeline import require_student

router = APIRouter(tags=["notes"])
COLUMNS = "id, student_id, author_staff_id, body, created_at"


@router.get("/students/{student_id}/notes", response_model=NotePage)
async def list_notes(
    request: Request,
    who: Caller,
    student_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor_: Annotated[str | None, Query(alias="cursor", max_length=1000)] = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"sid": student_id, "limit": limit + 1}
    after = ""
    if cursor_:
        created, nid = cursor.decode(cursor_, 2)
        try:
            params.update(created=datetime.fromisoformat(created), nid=uuid.UUID(nid))
        except ValueError:
            cursor.decode("", 2)
        after = "AND (created_at, id) < (%(created)s, %(nid)s) "
    async with tx(request, who) as t:
        await require_student(t, student_id)
        rows = await t.all(
            f"SELECT {COLUMNS} FROM public.notes WHERE student_id = %(sid)s "
            f"{after}ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
            params,
        )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = cursor.encode([rows[-1]["created_at"].isoformat(), str(rows[-1]["id"])])
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/students/{student_id}/notes", response_model=Note, status_code=201)
async def create_note(
    request: Request, who: Writer, student_id: uuid.UUID, body: NoteCreate
) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(
            "INSERT INTO public.notes (organization_id, student_id, author_staff_id, body) "
            f"VALUES ({ORG}, %s, {STAFF}, %s) RETURNING {COLUMNS}",
            (student_id, body.body),
        )
    if row is None:
        raise Problem(404, f"no student {student_id} in your organization")
    return row

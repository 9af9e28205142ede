"""Follow-up reminders: scheduled here, emailed by the worker (python -m app.worker)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from app.db import ORG, STAFF
from app.deps import Caller, Writer, tx
from app.models import Reminder, ReminderCreate
from app.problems import Problem
from app.routes.pipeline import require_student

router = APIRouter(tags=["reminders"])
COLUMNS = (
    "id, student_id, staff_id, due_at, subject, body, status, attempts, last_error, "
    "sent_at, created_at"
)


@router.get("/students/{student_id}/reminders", response_model=list[Reminder])
async def list_reminders(
    request: Request, who: Caller, student_id: uuid.UUID
) -> list[dict[str, Any]]:
    async with tx(request, who) as t:
        await require_student(t, student_id)
        return await t.all(
            f"SELECT {COLUMNS} FROM public.reminders WHERE student_id = %s "
            "ORDER BY due_at, id LIMIT 500",
            (student_id,),
        )


@router.post("/students/{student_id}/reminders", response_model=Reminder, status_code=201)
async def create_reminder(
    request: Request, who: Writer, student_id: uuid.UUID, body: ReminderCreate
) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(
            "INSERT INTO public.reminders (organization_id, student_id, staff_id, due_at, "
            f"subject, body, next_attempt_at) VALUES ({ORG}, %s, coalesce(%s, {STAFF}), %s, "
            f"%s, %s, %s) RETURNING {COLUMNS}",
            (
                student_id,
                body.staff_id,
                body.due_at,
                body.subject,
                body.body,
                body.due_at,
            ),
        )
    assert row is not None
    return row


@router.delete(
    "/reminders/{reminder_id}",
    status_code=204,
    responses={409: {"description": "already sent or failed"}},
)
async def cancel_reminder(request: Request, who: Writer, reminder_id: uuid.UUID) -> Response:
    async with tx(request, who) as t:
        row = await t.one(
            "SELECT status FROM public.reminders WHERE id = %s FOR UPDATE", (reminder_id,)
        )
        if row is None:
            raise Problem(404, f"no reminder {reminder_id} in your organization")
        if row["status"] != "pending":
            raise Problem(409, f"the reminder is already {row['status']}: nothing to cancel")
        await t.conn.execute("DELETE FROM public.reminders WHERE id = %s", (reminder_id,))
    return Response(status_code=204)

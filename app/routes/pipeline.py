"""Job and internship applications, with the status pipeline the database enforces."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from app.db import ORG, Tx
from app.deps import Caller, Writer, tx
from app.models import Application, ApplicationCreate, ApplicationPatch
from app.problems import Problem

router = APIRouter(tags=["applications"])
COLUMNS = "id, student_id, company, role, status, created_at, updated_at"
NEXT = {
    "applied": ["interviewing", "rejected"],
    "interviewing": ["offer", "rejected"],
    "offer": ["accepted", "declined", "rejected"],
    "accepted": [],
    "declined": [],
    "rejected": [],
}


async def require_student(t: Tx, student_id: uuid.UUID) -> None:
    row = await t.one("SELECT 1 AS ok FROM public.students WHERE id = %s", (student_id,))
    if row is None:
        raise Problem(404, f"no student {student_id} in your organization")


@router.get("/students/{student_id}/applications", response_model=list[Application])
async def list_applications(
    request: Request, who: Caller, student_id: uuid.UUID
) -> list[dict[str, Any]]:
    async with tx(request, who) as t:
        await require_student(t, student_id)
        return await t.all(
            f"SELECT {COLUMNS} FROM public.applications WHERE student_id = %s "
            "ORDER BY created_at DESC, id DESC LIMIT 500",
            (student_id,),
        )


@router.post("/students/{student_id}/applications", response_model=Application, status_code=201)
async def create_application(
    request: Request, who: Writer, student_id: uuid.UUID, body: ApplicationCreate
) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(
            "INSERT INTO public.applications (organization_id, student_id, company, role) "
            f"VALUES ({ORG}, %s, %s, %s) RETURNING {COLUMNS}",
            (student_id, body.company, body.role),
        )
    assert row is not None
    return row


@router.get("/applications/{application_id}", response_model=Application)
async def get_application(
    request: Request, who: Caller, application_id: uuid.UUID
) -> dict[str, Any]:
    async with tx(request, who) as t:
        row = await t.one(
            f"SELECT {COLUMNS} FROM public.applications WHERE id = %s", (application_id,)
        )
    if row is None:
        raise Problem(404, f"no application {application_id} in your organization")
    return row


@router.patch(
    "/applications/{application_id}",
    response_model=Application,
    responses={409: {"description": "status transition not allowed"}},
)
async def update_application(
    request: Request, who: Writer, application_id: uuid.UUID, body: ApplicationPatch
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True, mode="json")
    if not changes:
        raise Problem(
            422, "nothing to change: send company, role or status", type_="/problems/validation"
        )
    async with tx(request, who) as t:
        current = await t.one(
            "SELECT status FROM public.applications WHERE id = %s FOR UPDATE", (application_id,)
        )
        if current is None:
            raise Problem(404, f"no application {application_id} in your organization")
        new = changes.get("status")
        if new is not None and new != current["status"] and new not in NEXT[current["status"]]:
            allowed = ", ".join(NEXT[current["status"]]) or "nothing (final)"
            raise Problem(
                409,
                f"status cannot go from {current['status']} to {new}; allowed next: {allowed}",
                type_="/problems/status-transition",
            )
        sets = ", ".join(f"{col} = %({col})s" for col in changes)
        row = await t.one(
            f"UPDATE public.applications SET {sets}, updated_at = now() "
            f"WHERE id = %(id)s RETURNING {COLUMNS}",
            {**changes, "id": application_id},
        )
    assert row is not None
    return row

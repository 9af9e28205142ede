"""The caller, their organization, and staff management (admins only; RLS enforces it too)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from app.db import StaffContext, Tx
from app.deps import Caller, Writer, state, tx
from app.models import Me, Organization, OrganizationPatch, Staff, StaffCreate, StaffPatch
from app.problems import Problem

router = APIRouter(tags=["staff"])
COLUMNS = "id, organization_id, user_id, email, full_name, role, created_at"
ORG_COLUMNS = "id, name, created_at"


async def _require_admin(t: Tx) -> StaffContext:
    ctx = await t.context()
    if not ctx.is_admin:
        raise Problem(403, "only admins manage staff and the organization")
    return ctx


@router.get("/me", response_model=Me, summary="The signed-in staff member and organization")
async def me(request: Request, who: Caller) -> dict[str, Any]:
    async with tx(request, who) as t:
        caller = await t.context()
        staff = await t.one(f"SELECT {COLUMNS} FROM public.staff WHERE id = %s", (caller.staff_id,))
        org = await t.one(
            f"SELECT {ORG_COLUMNS} FROM public.organizations WHERE id = %s",
            (caller.organization_id,),
        )
    return {"staff": staff, "organization": org}


@router.patch("/organization", response_model=Organization)
async def rename_organization(
    request: Request, who: Writer, body: OrganizationPatch
) -> dict[str, Any]:
    async with tx(request, who) as t:
        caller = await _require_admin(t)
        row = await t.one(
            f"UPDATE public.organizations SET name = %s WHERE id = %s RETURNING {ORG_COLUMNS}",
            (body.name, caller.organization_id),
        )
    assert row is not None
    return row


@router.get("/staff", response_model=list[Staff])
async def list_staff(request: Request, who: Caller) -> list[dict[str, Any]]:
    async with tx(request, who) as t:
        return await t.all(f"SELECT {COLUMNS} FROM public.staff ORDER BY full_name, id LIMIT 1000")


@router.post("/staff", response_model=Staff, status_code=201)
async def add_staff(request: Request, who: Writer, body: StaffCreate) -> dict[str, Any]:
    async with tx(request, who) as t:
        caller = await _require_admin(t)
        row = await t.one(
            "INSERT INTO public.staff (organization_id, user_id, email, full_name, role) "
            f"VALUES (%s, %s, %s, %s, %s) RETURNING {COLUMNS}",
            (caller.organization_id, body.user_id, body.email, body.full_name, body.role.value),
        )
    assert row is not None
    return row


async def _forget(request: Request, user_id: uuid.UUID) -> None:
    cache = state(request).cache
    if cache is not None:
        await cache.forget_staff(user_id)


@router.patch("/staff/{staff_id}", response_model=Staff)
async def update_staff(
    request: Request, who: Writer, staff_id: uuid.UUID, body: StaffPatch
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True, mode="json")
    if not changes:
        raise Problem(
            422, "nothing to change: send full_name or role", type_="/problems/validation"
        )
    async with tx(request, who) as t:
        caller = await _require_admin(t)
        if staff_id == caller.staff_id and changes.get("role") == "advisor":
            raise Problem(409, "you cannot demote yourself: ask another admin")
        sets = ", ".join(f"{col} = %({col})s" for col in changes)
        row = await t.one(
            f"UPDATE public.staff SET {sets} WHERE id = %(id)s RETURNING {COLUMNS}",
            {**changes, "id": staff_id},
        )
    if row is None:
        raise Problem(404, f"no staff member {staff_id} in your organization")
    await _forget(request, row["user_id"])
    return row


@router.delete("/staff/{staff_id}", status_code=204)
async def remove_staff(request: Request, who: Writer, staff_id: uuid.UUID) -> Response:
    async with tx(request, who) as t:
        caller = await _require_admin(t)
        if staff_id == caller.staff_id:
            raise Problem(409, "you cannot remove yourself: ask another admin")
        row = await t.one("DELETE FROM public.staff WHERE id = %s RETURNING user_id", (staff_id,))
    if row is None:
        raise Problem(404, f"no staff member {staff_id} in your organization")
    await _forget(request, row["user_id"])
    return Response(status_code=204)

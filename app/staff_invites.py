"""Admins invite staff from the web front: Supabase Auth emails the invitation (admin API
/invite, service role key, which only the API holds) and the new member's staff row is
created in the admin's organization at once, so their first sign-in lands in the CRM."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import APIRouter, Request

from app.deps import Writer, state, tx
from app.models import Email, Staff, StaffRole, Strict, Text
from app.problems import Problem
from app.routes.staff import COLUMNS, _require_admin

router = APIRouter(tags=["staff"])


class StaffInvitation(Strict):
    email: Email
    full_name: Text(200)  # type: ignore[valid-type]
    role: StaffRole = StaffRole.advisor


async def _invite(request: Request, email: str, full_name: str) -> uuid.UUID:
    settings = state(request).settings
    # The route exists only when both are set (app/main.py).
    assert settings.supabase_url and settings.supabase_service_role_key
    key = settings.supabase_service_role_key
    redirect = settings.cors_allow_origins[0] if settings.cors_allow_origins else None
    try:
        async with httpx.AsyncClient(timeout=10.0) as http:
            response = await http.post(
                settings.supabase_url.rstrip("/") + "/auth/v1/invite",
                params={"redirect_to": redirect} if redirect else None,
                headers={"apikey": key, "Authorization": f"Bearer {key}"},
                json={"email": email, "data": {"full_name": full_name}},
            )
    except httpx.HTTPError:
        raise Problem(502, "Supabase Auth could not be reached: try again shortly") from None
    if response.status_code == 422:
        raise Problem(409, f"{email} already has an account: add them with POST /staff")
    if response.status_code != 200:
        raise Problem(502, f"Supabase Auth refused the invitation ({response.status_code})")
    try:
        return uuid.UUID(str(response.json()["id"]))
    except (ValueError, KeyError, TypeError):
        raise Problem(502, "Supabase Auth's answer had no user id") from None


@router.post(
    "/staff/invitations",
    response_model=Staff,
    status_code=201,
    summary="Invite a staff member by email (admins only)",
)
async def invite_staff(request: Request, who: Writer, body: StaffInvitation) -> dict[str, Any]:
    async with tx(request, who) as t:
        caller = await _require_admin(t)
        user_id = await _invite(request, body.email, body.full_name)
        row = await t.one(
            "INSERT INTO public.staff (organization_id, user_id, email, full_name, role) "
            f"VALUES (%s, %s, %s, %s, %s) RETURNING {COLUMNS}",
            (caller.organization_id, user_id, body.email, body.full_name, body.role.value),
        )
    assert row is not None
    return row

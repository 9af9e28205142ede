"""Resend's delivery webhook: a bounced or complained-about address is suppressed, so the
reminder worker never mails it again (repeated bounces hurt the domain's reputation).

Resend signs each delivery the Svix way (Resend docs, "Verify webhooks requests"; Svix docs,
"Verifying Webhooks Manually"): HMAC-SHA256, keyed with the base64 part of the `whsec_`
secret, over `{svix-id}.{svix-timestamp}.{raw body}`, base64 in `svix-signature` as one or
more space-separated `v1,<sig>`. We check it on the raw bytes, in constant time, and refuse
timestamps more than five minutes off (replays).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.deps import state
from app.problems import Problem

router = APIRouter(tags=["webhooks"])
TOLERANCE_SECONDS = 300
SUPPRESSING_EVENTS = {"email.bounced": "bounced", "email.complained": "complained"}


class SignatureError(ValueError):
    """The delivery is not provably from Resend; the message says what is wrong."""


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("the webhook secret is not a whsec_<base64> value") from None


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The `v1,<signature>` Svix sends for this message (also used by our tests' sender)."""
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    msg_id = headers.get("svix-id", "")
    timestamp = headers.get("svix-timestamp", "")
    signatures = headers.get("svix-signature", "")
    if not (msg_id and timestamp and signatures):
        raise SignatureError("svix-id, svix-timestamp and svix-signature headers are required")
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError("svix-timestamp is not a whole number of seconds") from None
    if abs((time.time() if now is None else now) - sent) > TOLERANCE_SECONDS:
        raise SignatureError("svix-timestamp is more than 5 minutes off: a replay or bad clock")
    expected = sign(secret, msg_id, timestamp, body).encode()
    for candidate in signatures.split():
        if hmac.compare_digest(candidate.encode(), expected):
            return
    raise SignatureError("no svix-signature matches the body")


def suppressions(event: Any) -> tuple[str, list[str], str]:
    """(reason, addresses, detail) for an event that suppresses, else ("", [], "")."""
    if not isinstance(event, dict) or event.get("type") not in SUPPRESSING_EVENTS:
        return "", [], ""
    raw_data = event.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    to = data.get("to") or []
    addresses = sorted({a.strip().lower() for a in to if isinstance(a, str) and "@" in a})
    raw_bounce = data.get("bounce")
    bounce: dict[str, Any] = raw_bounce if isinstance(raw_bounce, dict) else {}
    if event["type"] == "email.bounced" and bounce.get("type") == "Transient":
        return "", [], ""  # a full mailbox today may accept mail tomorrow
    detail = str(bounce.get("message") or bounce.get("subType") or "")[:500]
    return SUPPRESSING_EVENTS[event["type"]], addresses, detail


@router.post(
    "/v1/webhooks/resend",
    summary="Resend delivery events (Svix-signed); bounces and complaints stop reminders",
    status_code=200,
    responses={
        400: {"description": "not JSON", "content": {"application/problem+json": {}}},
        401: {"description": "bad signature", "content": {"application/problem+json": {}}},
    },
)
async def resend_webhook(request: Request) -> JSONResponse:
    st = state(request)
    secret = st.settings.resend_webhook_secret
    assert secret  # the route exists only when it is set (app/main.py)
    body = await request.body()
    try:
        verify(secret, request.headers, body)
    except SignatureError as exc:
        raise Problem(401, f"webhook signature rejected: {exc}") from None
    try:
        event = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Problem(400, "the webhook body is not JSON") from None
    reason, addresses, detail = suppressions(event)
    if addresses:
        async with st.pool.connection() as conn, conn.transaction():
            for address in addresses:
                await conn.execute(
                    "INSERT INTO public.email_suppressions (email, reason, detail, event_id) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (email) DO NOTHING",
                    (address, reason, detail, request.headers["svix-id"]),
                )
    return JSONResponse({"suppressed": addresses, "reason": reason or None})

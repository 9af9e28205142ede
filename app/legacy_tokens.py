"""The old CRM's tokens, accepted during the move to Supabase Auth and not a day longer.

The old CRM signed HS256 JWTs with its own issuer and secret; `sub` is the old user id. An
imported user keeps a Supabase Auth id derived from it (`legacy_user_id`, used by
`app.import_sqlite`), so row level security sees the same user whichever token arrives.
After `LEGACY_CRM_TOKENS_UNTIL` (end of that day, UTC) every such token is refused; the
audit fails the stack before then if the window is over 90 days (CRM-APP-001).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import jwt

# Fixed forever: changing it would orphan every imported user's link to the old CRM.
LEGACY_USER_NAMESPACE = uuid.UUID("0d6c5f0e-2a9b-4f5e-9d8e-7c1b3a2f4e60")
MAX_WINDOW = timedelta(days=90)


def legacy_user_id(old_user_id: str) -> uuid.UUID:
    """The Supabase Auth user id an old CRM user gets on import."""
    return uuid.uuid5(LEGACY_USER_NAMESPACE, f"legacy-crm-user:{old_user_id}")


@dataclass(frozen=True)
class LegacyTokens:
    issuer: str
    secret: str = field(repr=False)
    until: date

    def expired(self, now: datetime | None = None) -> bool:
        end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC)
        return (now or datetime.now(UTC)) >= end

    def applies_to(self, header: dict[str, Any], token: str) -> bool:
        if header.get("alg") != "HS256":
            return False
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        return bool(claims.get("iss") == self.issuer)

    def decode(self, token: str) -> tuple[uuid.UUID, dict[str, Any]]:
        """Verified claims re-expressed as Supabase's (sub = the imported user's id), or
        jwt.PyJWTError; the caller checks `expired()` first."""
        claims: dict[str, Any] = jwt.decode(
            token,
            self.secret,
            algorithms=["HS256"],
            issuer=self.issuer,
            leeway=5,
            options={"require": ["exp", "sub", "iss"], "verify_aud": False},
        )
        user = legacy_user_id(str(claims["sub"]))
        return user, {
            "sub": str(user),
            "role": "authenticated",
            "aud": "authenticated",
            "exp": claims["exp"],
            "iss": self.issuer,
            "legacy_crm_sub": str(claims["sub"]),
        }

"""Opaque keyset pagination cursors (base64url JSON), validated on the way back in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from app.problems import Problem


def encode(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, arity: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(isinstance(v, str) and "\x00" not in v for v in values)
    ):
        raise Problem(
            422,
            "cursor is not one this API returned: pass next_cursor unchanged",
            type_="/problems/validation",
            errors=[{"field": "cursor", "message": "invalid cursor"}],
        )
    return values

"""Every rule of the pack, grouped by vendor and service."""

from __future__ import annotations

from policies.model import Rule
from policies.rules import (
    edge,
    email,
    github,
    infisical,
    legacy_tokens,
    observability,
    r2,
    railway,
    seams,
    sentry,
    stack,
    supabase,
    upstash,
    vercel,
)

ALL_RULES: tuple[Rule, ...] = tuple(
    edge.RULES
    + r2.RULES
    + supabase.RULES
    + railway.RULES
    + vercel.RULES
    + github.RULES
    + observability.RULES
    + sentry.RULES
    + infisical.RULES
    + upstash.RULES
    + seams.RULES
    + stack.RULES
    + email.RULES
    + legacy_tokens.RULES
)


def _check_unique() -> None:
    seen: set[str] = set()
    for rule in ALL_RULES:
        if rule.id in seen:
            raise ValueError(f"duplicate rule id {rule.id}")
        seen.add(rule.id)


_check_unique()

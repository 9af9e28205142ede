"""The old CRM's tokens stay accepted only for a short, dated move to Supabase Auth: they are
HS256 tokens under a shared secret, with none of Supabase's session controls (refresh
rotation, sign-out, MFA). The API refuses them after LEGACY_CRM_TOKENS_UNTIL; this rule
fails the audit once that date has passed (turn them off) or when the window is longer
than 90 days (no open-ended fallback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from pulumi_policy import StackValidationArgs

from policies import controls as c
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, stack_rule
from policies.rules._props import get, of_type

RULES: list[Rule] = []

RAILWAY_VARIABLES = "pulumi-python:dynamic/railway:Variables"
MAX_WINDOW_DAYS = 90


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


@stack_rule(
    RULES,
    id="CRM-APP-001",
    title="Old CRM tokens are accepted for at most 90 days, never past their end date",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[c.ASVS_3_5_2, c.SOC2_CC6_1],
    description="During the move to Supabase Auth the API also accepts the old CRM's JWTs "
    "(issuer + HS256 secret) until a set date. Past that date the fallback must be gone "
    "from config; the window from its first to last day is at most 90 days.",
    remediation="Unset app.legacyCrmIssuer, app.legacyCrmSecret, app.legacyCrmTokensSince "
    "and app.legacyCrmTokensUntil once users sign in with Supabase, or shorten the window.",
)
def legacy_token_window(args: StackValidationArgs) -> Iterator[Violation]:
    today = datetime.now(UTC).date()
    for resource in of_type(args, RAILWAY_VARIABLES):
        variables = get(resource.props, "variables") or {}
        if "LEGACY_CRM_JWT_ISSUER" not in variables:
            continue
        since = _date(variables.get("LEGACY_CRM_TOKENS_SINCE"))
        until = _date(variables.get("LEGACY_CRM_TOKENS_UNTIL"))
        if since is None or until is None:
            yield Violation(
                "old CRM tokens are accepted without a dated window",
                path="variables.LEGACY_CRM_TOKENS_UNTIL",
                actual={
                    k: variables.get(k)
                    for k in ("LEGACY_CRM_TOKENS_SINCE", "LEGACY_CRM_TOKENS_UNTIL")
                },
                required="both dates, YYYY-MM-DD",
                urn=resource.urn,
            )
            continue
        if until < today:
            yield Violation(
                f"old CRM tokens were to end on {until.isoformat()}, which has passed",
                path="variables.LEGACY_CRM_TOKENS_UNTIL",
                actual=until.isoformat(),
                required=f"on or after {today.isoformat()}, or the fallback removed",
                urn=resource.urn,
            )
        if until - since > timedelta(days=MAX_WINDOW_DAYS):
            yield Violation(
                f"old CRM tokens are accepted for {(until - since).days} days",
                path="variables.LEGACY_CRM_TOKENS_UNTIL",
                actual=f"{since.isoformat()}..{until.isoformat()}",
                required=f"at most {MAX_WINDOW_DAYS} days",
                urn=resource.urn,
            )

"""The budget as report rows and text, shared by the Markdown, HTML, SARIF and JUnit reports so
they all say the same thing."""

from __future__ import annotations

import math
from typing import Any


def amount(value: Any, unit: str) -> str:
    if value == "unlimited" or (isinstance(value, float) and math.isinf(value)):
        return "unlimited"
    if not isinstance(value, int | float):
        return "-"
    if unit == "bytes":
        return f"{value / 1e9:,.2f} GB"
    if unit == "usd":
        return f"${value:,.2f}"
    return f"{value:,.0f} {unit}" if abs(value) >= 10 else f"{value:,.2f} {unit}"


def scale(value: Any) -> str:
    if value in (None, "unlimited"):
        return "never" if value == "unlimited" else "-"
    return f"{value:,.2f}x"


def rows(budget: dict[str, Any]) -> list[dict[str, str]]:
    """One row per quota: what every report format shows."""
    out = []
    for sid, service in budget.get("services", {}).items():
        for q in service["quotas"]:
            out.append(
                {
                    "service": f"{service['title']} ({service['plan']})",
                    "service_id": sid,
                    "quota": q["quota"],
                    "status": q["status"],
                    "projected": amount(q["projected"], q["unit"]),
                    "limit": amount(q["limit"], q["unit"]),
                    "period": q["period"],
                    "headroom": amount(q["headroom"], q["unit"]),
                    "breaks_at": scale(q["breaks_at_scale"]),
                    "how": q["how"],
                    "source": q["source"],
                    "read": q["read"],
                }
            )
    return out


def headline(budget: dict[str, Any]) -> str:
    if budget.get("status") != "measured":
        return f"Budget not projected: {budget.get('reason', 'no unit costs')}"
    first = budget.get("first_to_break")
    w = budget["workload"]
    text = (
        f"Workload: {w['students']:,} students, {w['applications_per_day']:,} applications/day, "
        f"{w['concurrent_users']:,} concurrent users ({w['monthly_active_users']:,} MAU). "
        f"{len(budget['over'])} free quota(s) exceeded"
        + (f": {', '.join(budget['over'])}." if budget["over"] else ".")
    )
    if first:
        at = (
            f" at {scale(first['scale'])} this workload ({first['students']:,} students, "
            f"{first['concurrent_users']:,} concurrent users)"
            if first["students"] is not None
            else ""
        )
        text += f" First to break: {first['quota']}{at}."
    return text


def claims(budget: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for c in budget.get("cost_claims", []):
        modelled = f"${c['modelled_usd']:,.2f}" + (" or more" if c["lower_bound"] else "")
        out.append(
            {
                "at": c["at"],
                "claimed": f"${c['claimed_usd']:,.0f}",
                "modelled": modelled,
                "verdict": "holds" if c["holds"] else "does not hold",
                "unpriced": ", ".join(c["unpriced_services"]) or "-",
            }
        )
    return out


def markdown(budget: dict[str, Any] | None) -> list[str]:
    if budget is None:
        return []
    lines = ["### Free-tier budget", "", headline(budget), ""]
    if budget.get("status") != "measured":
        return lines
    lines += [
        "| Service | Quota | Projected | Free quota | Headroom | Breaks at | Status |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['service']} | [{r['quota']}]({r['source']}) | {r['projected']} | "
        f"{r['limit']} / {r['period']} | {r['headroom']} | {r['breaks_at']} | {r['status']} |"
        for r in rows(budget)
    ]
    lines += [
        "",
        "| Seed's cost claim | Claimed | Modelled (paid tiers) | Verdict | Not priced |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c['at']} | {c['claimed']} | {c['modelled']} | {c['verdict']} | {c['unpriced']} |"
        for c in claims(budget)
    ]
    return [*lines, ""]

"""Monitor names: the contract between Uptime Kuma and Grafana.

Kuma exports `monitor_status{monitor_name=...}`; dashboards/ and the alert rules select on
these names, so both sides import them from this neutral module (no Pulumi import, cheap
for dashboards).
"""

from __future__ import annotations

READINESS_MONITOR = "API readiness"
BACKUP_MONITOR = "Nightly backup heartbeat"
DRILL_MONITOR = "Weekly restore drill heartbeat"
KEEPALIVE_MONITOR = "Supabase keep-alive"
READINESS_KEYWORD = '"status":"ok"'
"""app/routes/ops.py answers a ready /readyz with {"status": "ok", ...} (compact JSON)."""


def endpoint_monitor_name(host: str) -> str:
    return f"HTTPS {host}"


def push_url(kuma_url: str, token: str) -> str:
    """A push monitor's URL without a query: .github/workflows/backup.yml appends
    `?status=up|down&msg=...` itself (a URL that already had a query would report every
    failure as up: the workflow's `status=down` would land inside the first `msg`)."""
    return f"{kuma_url.rstrip('/')}/api/push/{token}"

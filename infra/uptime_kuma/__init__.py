"""Uptime Kuma monitors as Pulumi dynamic resources (owned by tag, adopted, never duplicated)."""

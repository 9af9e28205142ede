"""Uptime: availability per monitored endpoint over 24 h and 30 d against 99.9%."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import Grid, datasource_variable, new_dashboard, single_stat, time_series

UID = "crm-uptime"


def build() -> db.Dashboard:
    d = new_dashboard(
        UID,
        "CRM uptime",
        "Uptime Kuma's checks of every public endpoint; objective 99.9%.",
        ["careers-crm", "uptime"],
    )
    d.with_variable(datasource_variable())
    g = Grid()
    target = [(None, "red"), (q.AVAILABILITY_OBJECTIVE, "green")]
    d.with_panel(
        single_stat(
            g,
            "Availability, 24 h",
            "Share of minutes UP per endpoint.",
            (q.availability("24h", "1m"), "{{monitor_name}}"),
            "percentunit",
            target,
            width=12,
            height=6,
            decimals=3,
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Availability, 30 d",
            "Share of minutes UP per endpoint.",
            (q.availability("30d", "5m"), "{{monitor_name}}"),
            "percentunit",
            target,
            width=12,
            height=6,
            decimals=3,
        )
    )
    d.with_panel(
        time_series(
            g,
            "Endpoint status",
            "1 up, 0 down, 2 pending, 3 maintenance.",
            [(q.endpoint_status(), "{{monitor_name}}")],
            "none",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Check response time",
            "As measured by Uptime Kuma.",
            [(q.endpoint_response_time(), "{{monitor_name}}")],
            "ms",
        )
    )
    return d

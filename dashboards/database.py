"""Database and connection pool: saturation, waits and readiness."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import (
    Grid,
    datasource_variable,
    new_dashboard,
    query_variable,
    single_stat,
    time_series,
)

UID = "crm-database"


def build() -> db.Dashboard:
    d = new_dashboard(
        UID,
        "CRM database and pool",
        "psycopg pool saturation and waits, and whether /readyz reaches the DB.",
        ["careers-crm", "database"],
    )
    d.with_variable(datasource_variable())
    d.with_variable(
        query_variable("env", "Environment", f"label_values({q.APP_INFO}, environment)")
    )
    g = Grid()
    d.with_panel(
        single_stat(
            g,
            "Pool in use",
            "Checked-out connections / pool max size.",
            (q.pool_usage(), "in use"),
            "percentunit",
            [(None, "green"), (0.8, "orange"), (0.95, "red")],
            width=8,
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Waiting for a connection",
            "Requests queued on the pool.",
            (q.pool_gauge(q.POOL_WAITING), "waiting"),
            "short",
            [(None, "green"), (1, "orange"), (5, "red")],
            width=8,
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Readiness (DB + migrations)",
            "Uptime Kuma's keyword check of /readyz: 1 up, 0 down.",
            (q.readiness(), "ready"),
            "none",
            [(None, "red"), (1, "green"), (2, "orange")],
            width=8,
        )
    )
    g.row(d, "Pool over time")
    d.with_panel(
        time_series(
            g,
            "Pool connections",
            "Open, idle and maximum connections.",
            [
                (q.pool_gauge(q.POOL_SIZE), "open"),
                (q.pool_gauge(q.POOL_AVAILABLE), "idle"),
                (q.pool_gauge(q.POOL_MAX), "max"),
            ],
            "short",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Pool usage",
            "Share of the pool checked out.",
            [(q.pool_usage(), "in use")],
            "percentunit",
            objective=0.8,
        )
    )
    d.with_panel(
        time_series(
            g,
            "Pool waits",
            "Requests waiting for a connection.",
            [(q.pool_gauge(q.POOL_WAITING), "waiting")],
            "short",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Database unreachable (/readyz 503)",
            "Readiness probes answered 503: no database connection or migrations pending.",
            [(q.readiness_failures(), "503/s")],
            "reqps",
        ).no_value("0")
    )
    return d

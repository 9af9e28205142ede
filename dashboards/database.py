"""Database and connection pool: saturation, waits, connection errors, slow statements."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import (
    Grid,
    app_dashboard,
    single_stat,
    time_series,
)

UID = "crm-database"


def build() -> db.Dashboard:
    d = app_dashboard(
        UID,
        "CRM database and pool",
        "psycopg pool saturation and waits, connection errors, statement latency, readiness.",
        ["careers-crm", "database"],
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
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Connection errors, last hour",
            "Failed connects, acquire timeouts, connections broken in use or found dead.",
            (q.connection_errors_last_hour(), "errors"),
            "short",
            [(None, "green"), (1, "orange"), (10, "red")],
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
            "Connection errors by kind",
            "connect: could not open one; acquire: no connection in time; broken: died in use; "
            "lost: found dead by the pool's check.",
            [(q.connection_errors_by_kind(), "{{kind}}")],
            "short",
        )
    )
    g.row(d, "Statements")
    d.with_panel(
        time_series(
            g,
            "Statement duration p50 / p95 / p99",
            "Execute-to-rows time of the API's SQL statements (lock waits included).",
            [
                (q.statement_quantile(0.5), "p50"),
                (q.statement_quantile(0.95), "p95"),
                (q.statement_quantile(0.99), "p99"),
            ],
            "s",
        )
    )
    d.with_panel(
        time_series(
            g,
            f"Slow statements (> {float(q.SLOW_STATEMENT_SECONDS) * 1000:.0f} ms)",
            "Statements per second slower than the threshold.",
            [(q.slow_statement_rate(), "slow/s")],
            "ops",
        )
    )
    return d

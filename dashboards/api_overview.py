"""API overview: RED per route against the 200 ms p95 objective.

The latency panel shows the histogram's exemplars (a dot per sampled request carrying its
`trace_id`: click it for the trace) and links each route's series to a search of its slow
traces in Tempo."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import (
    Grid,
    app_dashboard,
    query_variable,
    single_stat,
    time_series,
    traces_link,
)

UID = "crm-api-overview"


def build() -> db.Dashboard:
    d = app_dashboard(
        UID,
        "CRM API overview",
        "Rate, errors and latency of the CRM API per route (p95 objective 200 ms).",
        ["careers-crm", "api"],
    )
    d.with_variable(
        query_variable(
            "route",
            "Route",
            f"label_values({q.REQUEST_DURATION}_count{{{q.ENV}}}, route)",
            multi=True,
            include_all=True,
        )
    )
    g = Grid()
    green_red = [(None, "green"), (q.LATENCY_OBJECTIVE_SECONDS, "red")]
    d.with_panel(
        single_stat(
            g,
            "p95 latency",
            "All selected routes, last 5 minutes.",
            (q.latency_quantile(0.95, by="le", window="5m"), "p95"),
            "s",
            green_red,
        )
    )
    d.with_panel(
        single_stat(
            g,
            "5xx ratio",
            "Share of responses with a 5xx status, 5 minutes.",
            (q.error_ratio(window="5m"), "5xx"),
            "percentunit",
            [(None, "green"), (q.ERROR_RATIO_OBJECTIVE, "red")],
            decimals=2,
        )
    )
    d.with_panel(
        single_stat(
            g,
            "In flight",
            "Requests being served right now.",
            (q.in_progress(), "in flight"),
            "short",
            [(None, "blue")],
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Version",
            "Build running in this environment.",
            (q.app_version(), "{{version}}"),
            "none",
            [(None, "blue")],
        )
    )
    g.row(d, "RED by route")
    d.with_panel(
        time_series(
            g,
            "Request rate",
            "Requests per second by route template.",
            [(q.request_rate_by_route(), "{{route}}")],
            "reqps",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Error ratio (5xx)",
            "Objective: under 1% of requests.",
            [(q.error_ratio(), "5xx ratio")],
            "percentunit",
            objective=q.ERROR_RATIO_OBJECTIVE,
        )
    )
    d.with_panel(
        time_series(
            g,
            "Latency p50 / p95 / p99 by route",
            "Dashed line: the 200 ms p95 objective.",
            [
                (q.latency_quantile(0.5), "p50 {{route}}"),
                (q.latency_quantile(0.95), "p95 {{route}}"),
                (q.latency_quantile(0.99), "p99 {{route}}"),
            ],
            "s",
            width=24,
            height=9,
            objective=q.LATENCY_OBJECTIVE_SECONDS,
            exemplars=True,
            trace_links=[
                traces_link(
                    "Slow traces of ${__field.labels.route}",
                    '{ resource.service.name = "crm-api" && '
                    'span.http.route = "${__field.labels.route}" && duration > 200ms }',
                )
            ],
        )
    )
    d.with_panel(
        time_series(
            g,
            "Responses by status code",
            "Stacked responses per second.",
            [(q.requests_by_status(), "{{status}}")],
            "reqps",
            stacked=True,
        )
    )
    d.with_panel(
        time_series(
            g,
            "Slow requests (> 1 s)",
            "Requests slower than 1 s per route.",
            [(q.slow_request_rate(), "{{route}}")],
            "reqps",
        )
    )
    g.row(d, "Abuse and auth")
    d.with_panel(
        time_series(
            g,
            "Rejected bearer tokens",
            "JWT rejections by reason.",
            [(q.jwt_rejections(), "{{reason}}")],
            "reqps",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Rate-limited writes",
            "Writes refused with 429.",
            [(q.rate_limited(), "429")],
            "reqps",
        )
    )
    return d

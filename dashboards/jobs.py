"""Reminder jobs: queue depth, oldest due reminder, reminders sent / failed per hour (from the
database), and the worker's own counters (pushed over OTLP), linked to its job traces."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import (
    Grid,
    app_dashboard,
    single_stat,
    time_series,
    traces_link,
)

UID = "crm-jobs"


def build() -> db.Dashboard:
    d = app_dashboard(
        UID,
        "CRM reminder jobs",
        "Follow-up reminders: what is due, sent and failed (from the database).",
        ["careers-crm", "jobs"],
    )
    g = Grid()
    d.with_panel(
        single_stat(
            g,
            "Due reminders",
            "Pending reminders whose time has come.",
            (q.queue_depth(), "due"),
            "short",
            [(None, "green"), (50, "orange"), (200, "red")],
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Oldest due reminder",
            "How long the oldest due, unsent reminder has been due (0 when none is due).",
            (q.oldest_due_age(), "age"),
            "s",
            [(None, "green"), (900, "orange"), (3600, "red")],
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Sent, last hour",
            "Reminders that became 'sent'.",
            (q.reminders_changed_per_hour("sent"), "sent"),
            "short",
            [(None, "blue")],
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Failed, last hour",
            "Reminders given up on.",
            (q.reminders_changed_per_hour("failed"), "failed"),
            "short",
            [(None, "green"), (1, "red")],
        )
    )
    g.row(d, "Over time")
    d.with_panel(
        time_series(
            g, "Reminder queue depth", "Due, unsent reminders.", [(q.queue_depth(), "due")], "short"
        )
    )
    d.with_panel(
        time_series(
            g,
            "Oldest due reminder age",
            "Seconds since the oldest due reminder was due: grows when the worker is stuck.",
            [(q.oldest_due_age(), "oldest due")],
            "s",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Sent and failed per hour",
            "Rolling one-hour counts.",
            [
                (q.reminders_changed_per_hour("sent"), "sent"),
                (q.reminders_changed_per_hour("failed"), "failed"),
            ],
            "short",
        )
    )
    d.with_panel(
        time_series(
            g,
            "Reminders by status",
            "All reminders in the database.",
            [(q.reminders_by_status(), "{{status}}")],
            "short",
        )
    )
    g.row(d, "The worker's own counters (pushed over OTLP)")
    d.with_panel(
        time_series(
            g,
            "Worker sends and failed attempts",
            "Resend accepted (sent) and failed attempts by kind, per second, as the worker "
            "counts them. Click a series for the worker's job traces.",
            [
                (q.worker_sent_rate(), "sent"),
                (q.worker_send_errors_rate(), "failed attempt ({{kind}})"),
            ],
            "ops",
            trace_links=[
                traces_link(
                    "Reminder job traces",
                    '{ resource.service.name = "crm-worker" && name = "reminder send" }',
                )
            ],
        )
    )
    d.with_panel(
        single_stat(
            g,
            "Since the worker's last poll",
            "Seconds since the worker last polled for due reminders (pushed every minute).",
            (q.worker_last_poll_age(), "age"),
            "s",
            [(None, "green"), (180, "orange"), (600, "red")],
        )
    )
    return d

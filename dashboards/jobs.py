"""Reminder jobs: queue depth, oldest due reminder, reminders sent / failed per hour."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from dashboards import queries as q
from dashboards.panels import (
    Grid,
    app_dashboard,
    single_stat,
    time_series,
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
    return d

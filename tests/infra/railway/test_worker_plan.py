"""The reminder worker on Railway, as planned for prod: same source as the API, its own
start command and health check, and its credentials only as secret variables."""

from __future__ import annotations

from tests.support.config import problems
from tests.support.plan import prod_graph

RW = "pulumi-python:dynamic/railway:"


def test_worker_service_runs_the_reminder_worker_with_a_health_check() -> None:
    graph = prod_graph()
    services = {s["inputs"]["name"] for s in graph.of_type(RW + "Service")}
    assert {"api", "worker", "uptime-kuma"} <= services
    settings = graph.named("railway-worker-settings")["inputs"]
    assert settings["startCommand"] == "python -m app.worker"
    assert settings["healthcheckPath"] == "/metrics"
    assert settings["rootDirectory"] == "app"


def test_worker_credentials_are_secret_and_its_sender_plain() -> None:
    variables = prod_graph().named("railway-worker-vars")["inputs"]
    assert variables["secret_variables"] == "[secret]"
    assert variables["variables"]["EMAIL_FROM"] == (
        "Career Services <reminders@careers.example.edu>"
    )
    assert variables["variables"]["PORT"] == variables["variables"]["WORKER_METRICS_PORT"]
    assert "RESEND_API_KEY" not in variables["variables"]


def test_bad_app_settings_are_listed_with_their_keys() -> None:
    found = problems(**{"app.emailFrom": "nobody", "app.sentryTracesSampleRate": "2"})
    assert any(p.startswith("careers-crm:app.emailFrom:") for p in found)
    assert any(p.startswith("careers-crm:app.sentryTracesSampleRate:") for p in found)

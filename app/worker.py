"""Reminder worker: claims due reminders with FOR UPDATE SKIP LOCKED and emails them via Resend.

Exactly once: a reminder is claimed, sent and marked sent inside one transaction holding its
row lock, so a second worker skips it; the Resend call carries an Idempotency-Key (the
reminder id), so even a crash between Resend's 200 and our COMMIT cannot deliver twice.
Failures retry with exponential backoff; after `max_attempts`, or at once for an error that
retrying cannot fix (4xx other than 429), the reminder is marked failed with the reason.

Telemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, each claimed reminder is one trace (the
job's span with its SQL and its Resend call) and the counters below are pushed over OTLP
every OTEL_METRIC_EXPORT_INTERVAL ms (Railway gives the worker no public port to scrape);
BETTERSTACK_* ship its logs; SENTRY_DSN reports a give-up or a crash under the deployed SHA.

Usage: python -m app.worker [--until-empty] [--metrics-port P]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import jinja2
import psycopg
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import Status, StatusCode
from prometheus_client import start_http_server
from psycopg.rows import dict_row

from app import secrets, telemetry
from app.metrics import WorkerMetrics
from app.observability import JsonFormatter, configure_logging, start_sentry
from app.telemetry_settings import TelemetrySettings, release_version

log = logging.getLogger("app.worker")
tracer = trace.get_tracer("app.worker")
TEMPLATES = Path(__file__).parent / "templates"

CLAIM_SQL = """
SELECT r.id, r.subject, r.body, r.due_at, r.attempts,
       s.first_name, s.last_name, s.email AS student_email,
       st.email AS staff_email, st.full_name AS staff_name,
       sup.reason AS suppressed_reason
FROM public.reminders r
JOIN public.students s ON s.id = r.student_id
JOIN public.staff st ON st.id = r.staff_id
LEFT JOIN public.email_suppressions sup ON sup.email = lower(st.email)
WHERE r.status = 'pending' AND r.next_attempt_at <= now()
ORDER BY r.next_attempt_at
LIMIT 1
FOR UPDATE OF r SKIP LOCKED
"""
QUEUE_DEPTH_SQL = (
    "SELECT count(*) AS n FROM public.reminders "
    "WHERE status = 'pending' AND next_attempt_at <= now()"
)


class WorkerSettingsError(ValueError):
    pass


@dataclass(frozen=True)
class WorkerSettings:
    database_url: str = field(repr=False)
    resend_api_key: str = field(repr=False)
    email_from: str
    resend_api_url: str = "https://api.resend.com"
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    max_backoff_seconds: float = 3600.0
    poll_seconds: float = 5.0
    http_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        e = os.environ if env is None else env
        problems = []
        db = e.get("DATABASE_URL", "")
        if not db.startswith(("postgres://", "postgresql://")):
            problems.append("DATABASE_URL: set it to postgresql://user:pass@host/db")
        key = e.get("RESEND_API_KEY", "")
        if not key:
            problems.append("RESEND_API_KEY: set it to the Resend API key (re_...)")
        sender = e.get("EMAIL_FROM", "")
        if "@" not in sender:
            problems.append(
                "EMAIL_FROM: set it to a verified sender, e.g. "
                "'Careers CRM <crm@careers.example.edu>'"
            )
        url = e.get("RESEND_API_URL", "https://api.resend.com")
        if urlparse(url).scheme not in ("http", "https"):
            problems.append("RESEND_API_URL must be an http(s) URL")
        numbers: dict[str, float] = {}
        for name, attr, default in (
            ("REMINDER_MAX_ATTEMPTS", "max_attempts", 5),
            ("REMINDER_BACKOFF_SECONDS", "backoff_seconds", 60),
            ("WORKER_POLL_SECONDS", "poll_seconds", 5),
        ):
            raw = e.get(name, str(default))
            try:
                numbers[attr] = float(raw)
                if numbers[attr] < 0 or (attr == "max_attempts" and numbers[attr] < 1):
                    raise ValueError
            except ValueError:
                problems.append(f"{name}={raw!r}: use a positive number")
                numbers[attr] = default
        if problems:
            raise WorkerSettingsError("invalid worker settings:\n  - " + "\n  - ".join(problems))
        return cls(
            database_url=db,
            resend_api_key=key,
            email_from=sender,
            resend_api_url=url,
            max_attempts=int(numbers["max_attempts"]),
            backoff_seconds=numbers["backoff_seconds"],
            poll_seconds=numbers["poll_seconds"],
        )


class SendError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


class ResendClient:
    """The one Resend call we need: POST /emails with an idempotency key."""

    def __init__(self, settings: WorkerSettings, http: httpx.Client) -> None:
        self._s = settings
        self._http = http

    def send(self, *, idempotency_key: str, to: str, subject: str, text: str, html: str) -> str:
        try:
            r = self._http.post(
                self._s.resend_api_url.rstrip("/") + "/emails",
                headers={
                    "Authorization": f"Bearer {self._s.resend_api_key}",
                    "Idempotency-Key": idempotency_key,
                },
                json={
                    "from": self._s.email_from,
                    "to": [to],
                    "subject": subject,
                    "text": text,
                    "html": html,
                },
                timeout=self._s.http_timeout_seconds,
            )
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", permanent=False) from None
        if r.status_code == 200:
            try:
                return str(r.json()["id"])
            except (ValueError, KeyError, TypeError):
                return ""
        message = _error_message(r)
        permanent = 400 <= r.status_code < 500 and r.status_code not in (408, 409, 429)
        raise SendError(f"HTTP {r.status_code}: {message}", permanent=permanent)


def _error_message(r: httpx.Response) -> str:
    try:
        body = r.json()
        return str(body.get("message") or body.get("name") or body)[:300]
    except ValueError:
        return r.text[:300]


class Renderer:
    def __init__(self) -> None:
        loader = jinja2.FileSystemLoader(TEMPLATES)
        self._text = jinja2.Environment(
            loader=loader, autoescape=False, undefined=jinja2.StrictUndefined
        )
        self._html = jinja2.Environment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined
        )

    def render(self, row: Mapping[str, Any]) -> tuple[str, str, str]:
        ctx = {
            "staff_name": row["staff_name"],
            "subject": row["subject"],
            "student_name": f"{row['first_name']} {row['last_name']}",
            "student_email": row["student_email"],
            "body": row["body"],
            "due_at": row["due_at"].strftime("%Y-%m-%d %H:%M %Z"),
        }
        subject = f"Reminder: {row['subject']} ({ctx['student_name']})"
        return (
            subject,
            self._text.get_template("reminder.txt.j2").render(ctx),
            self._html.get_template("reminder.html.j2").render(ctx),
        )


class Worker:
    def __init__(
        self,
        settings: WorkerSettings,
        http: httpx.Client,
        metrics: WorkerMetrics | None = None,
        database_url: Callable[[], str] | None = None,
    ) -> None:
        self.s = settings
        self.resend = ResendClient(settings, http)
        self.renderer = Renderer()
        self.metrics = metrics or WorkerMetrics()
        self.stopping = False
        # The latest DATABASE_URL (Infisical, refreshed) or the one it started with.
        self.database_url: Callable[[], str] = database_url or (lambda: settings.database_url)

    def backoff(self, attempts: int) -> timedelta:
        seconds = self.s.backoff_seconds * (2 ** max(attempts - 1, 0))
        return timedelta(seconds=min(seconds, self.s.max_backoff_seconds))

    def process_one(self, conn: psycopg.Connection[dict[str, Any]]) -> bool:
        """Claim, send and record one due reminder; False when none is due."""
        with conn.transaction():
            claim_started = time.time_ns()
            # An empty poll every few seconds is not a job: only a claimed reminder is traced.
            with suppress_instrumentation():
                row = conn.execute(CLAIM_SQL).fetchone()
            if row is None:
                return False
            with tracer.start_as_current_span(
                "reminder send",
                kind=trace.SpanKind.CONSUMER,
                start_time=claim_started,
                attributes={"crm.reminder.id": str(row["id"])},
            ) as span:
                return self._deliver(conn, row, span)

    def _deliver(
        self, conn: psycopg.Connection[dict[str, Any]], row: dict[str, Any], span: trace.Span
    ) -> bool:
        """Send one claimed reminder and record the outcome (inside the claim's transaction)."""
        attempts = row["attempts"] + 1
        span.set_attribute("crm.reminder.attempt", attempts)
        if row["suppressed_reason"]:
            # Resend reported this address (bounce/complaint webhook): never mail it again.
            self.metrics.failed.inc()
            span.set_attribute("crm.reminder.outcome", "suppressed")
            conn.execute(
                "UPDATE public.reminders SET status = 'failed', last_error = %s WHERE id = %s",
                (f"suppressed: the address {row['suppressed_reason']}", row["id"]),
            )
            return True
        subject, text, html = self.renderer.render(row)
        try:
            message_id = self.resend.send(
                idempotency_key=f"reminder-{row['id']}",
                to=row["staff_email"],
                subject=subject,
                text=text,
                html=html,
            )
        except SendError as exc:
            self.metrics.send_errors.labels(
                kind="permanent" if exc.permanent else "transient"
            ).inc()
            give_up = exc.permanent or attempts >= self.s.max_attempts
            span.set_attribute("crm.reminder.outcome", "failed" if give_up else "retry")
            span.set_status(Status(StatusCode.ERROR, "permanent" if give_up else "transient"))
            if give_up:
                self.metrics.failed.inc()
                # ERROR: Sentry's logging integration turns it into an event.
                log.error(
                    "reminder %s failed after %d attempt(s): %s",
                    row["id"],
                    attempts,
                    exc.reason,
                )
            conn.execute(
                "UPDATE public.reminders SET attempts = %s, last_error = %s, "
                "status = %s, next_attempt_at = now() + %s WHERE id = %s",
                (
                    attempts,
                    exc.reason,
                    "failed" if give_up else "pending",
                    self.backoff(attempts),
                    row["id"],
                ),
            )
            return True
        conn.execute(
            "UPDATE public.reminders SET attempts = %s, status = 'sent', sent_at = now(), "
            "provider_message_id = %s, last_error = NULL WHERE id = %s",
            (attempts, message_id, row["id"]),
        )
        self.metrics.sent.inc()
        span.set_attribute("crm.reminder.outcome", "sent")
        return True

    def drain(self, conn: psycopg.Connection[dict[str, Any]]) -> int:
        """Process due reminders until none is due (or asked to stop); return how many."""
        done = 0
        while not self.stopping and self.process_one(conn):
            done += 1
        depth = conn.execute(QUEUE_DEPTH_SQL).fetchone()
        conn.commit()
        self.metrics.queue_depth.set(depth["n"] if depth else 0)
        self.metrics.last_poll.set(time.time())
        return done

    def run(self, *, until_empty: bool = False) -> int:
        """Poll until stopped; reconnect when DATABASE_URL changes (a rotated login)."""
        total = 0
        while not self.stopping:
            url = self.database_url()
            with psycopg.connect(url, row_factory=dict_row, application_name="crm-worker") as conn:
                while not self.stopping:
                    total += self.drain(conn)
                    if until_empty:
                        return total
                    time.sleep(self.s.poll_seconds)
                    if self.database_url() != url:
                        log.info("database login rotated: reconnecting")
                        break
        return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.worker",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--until-empty", action="store_true", help="exit once no reminder is due (cron style)"
    )
    parser.add_argument(
        "--metrics-port", type=int, default=int(os.environ.get("WORKER_METRICS_PORT", "0"))
    )
    args = parser.parse_args(argv)
    configure_logging(os.environ.get("LOG_LEVEL", "INFO").upper())
    try:
        env, store = secrets.bootstrap(os.environ)
    except secrets.SecretsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        settings = WorkerSettings.from_env(env)
        telemetry_settings = TelemetrySettings.from_env(env)
    except (WorkerSettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    metrics = WorkerMetrics()
    version = release_version(env)
    start_sentry(env.get("SENTRY_DSN"), release=version, server_name="crm-worker")
    tel = telemetry.start(
        telemetry_settings,
        service="crm-worker",
        version=version,
        format_entry=JsonFormatter().entry,
        env=env,
        with_metrics=True,
    )
    if tel.meter_provider is not None:
        push_metrics(tel.meter_provider, metrics)
    try:
        return _serve(args, settings, metrics, store)
    except Exception:
        log.exception("worker crashed")  # to Sentry through the logging integration
        return 1
    finally:
        telemetry.stop()


def push_metrics(meter_provider: Any, metrics: WorkerMetrics) -> None:
    """The worker's Prometheus counters, read at each OTLP export under the same names, with
    the `environment` label the dashboards select on (the scrape jobs add it to the API's)."""
    environment = str(
        Resource.create().attributes.get("deployment.environment.name", "") or "unknown"
    )

    def sample(name: str, label: str | None = None) -> Any:
        def read() -> list[tuple[dict[str, str], float]]:
            out = []
            for family in metrics.registry.collect():
                for s in family.samples:
                    if s.name == name:
                        labels = {"environment": environment}
                        if label:
                            labels[label] = s.labels[label]
                        out.append((labels, s.value))
            return out

        return read

    telemetry.observe_counters(
        meter_provider,
        counters=[
            (
                "crm_reminders_sent",
                "Reminder emails accepted by Resend",
                sample("crm_reminders_sent_total"),
            ),
            ("crm_reminders_failed", "Reminders given up on", sample("crm_reminders_failed_total")),
            (
                "crm_reminder_send_errors",
                "Failed send attempts",
                sample("crm_reminder_send_errors_total", "kind"),
            ),
            (
                "crm_log_lines_dropped",
                "Log lines not shipped, by reason",
                telemetry.shipper_observations,
            ),
        ],
        gauges=[
            (
                "crm_worker_queue_depth",
                "Due pending reminders seen by the worker",
                sample("crm_reminder_queue_depth"),
            ),
            (
                "crm_worker_last_poll_timestamp_seconds",
                "Unix time of the worker's last poll",
                sample("crm_worker_last_poll_timestamp_seconds"),
            ),
        ],
    )


def _serve(
    args: argparse.Namespace,
    settings: WorkerSettings,
    metrics: WorkerMetrics,
    store: secrets.SecretStore | None,
) -> int:
    if args.metrics_port:
        start_http_server(
            args.metrics_port,
            addr=os.environ.get("WORKER_METRICS_ADDR", "0.0.0.0"),
            registry=metrics.registry,
        )
    with httpx.Client(headers={"User-Agent": "crm-worker"}) as http:
        worker = Worker(
            settings,
            http,
            metrics,
            store.getter("DATABASE_URL", settings.database_url) if store else None,
        )

        def stop(signum: int, frame: object) -> None:
            worker.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            sent = worker.run(until_empty=args.until_empty)
        except psycopg.OperationalError as exc:
            print(f"error: cannot reach the database: {exc}", file=sys.stderr)
            return 1
    log.info("worker stopped after processing %d reminder(s)", sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())

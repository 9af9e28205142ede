"""Every Prometheus metric the app exports. Dashboards and alerts are built from these names:
rename one only together with dashboards/.

API process (`/metrics`, bearer token):
  crm_http_request_duration_seconds{method,route,status}  histogram, route = path template
  crm_http_requests_in_progress                             gauge
  crm_db_pool_size / crm_db_pool_available / crm_db_pool_waiting / crm_db_pool_max  gauges
  crm_reminder_queue_depth                                  gauge, due pending reminders
  crm_reminders{status}                                     gauge, reminders by status (DB)
  crm_cache_requests_total{result=hit|miss|error}           counter
  crm_rate_limited_total                                    counter, writes refused with 429
  crm_jwt_rejections_total{reason}                          counter
  crm_app_info{version}                                     gauge = 1
Worker process (`python -m app.worker --metrics-port P`):
  crm_reminders_sent_total                                  counter
  crm_reminders_failed_total                                counter, gave up after N attempts
  crm_reminder_send_errors_total{kind=transient|permanent}  counter, every failed attempt
  crm_reminder_queue_depth                                  gauge (same name as the API's)
  crm_worker_last_poll_timestamp_seconds                    gauge, for a "worker stuck" alert
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    10.0,
)

REMINDER_STATUSES = ("pending", "sent", "failed")


class ApiMetrics:
    """The API's metrics on their own registry, so several apps can live in one process."""

    def __init__(self, version: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.request_duration = Histogram(
            "crm_http_request_duration_seconds",
            "API request duration by route template",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_progress = Gauge(
            "crm_http_requests_in_progress", "Requests being served", registry=r
        )
        self.pool_size = Gauge("crm_db_pool_size", "Connections open in the pool", registry=r)
        self.pool_available = Gauge(
            "crm_db_pool_available", "Idle connections in the pool", registry=r
        )
        self.pool_waiting = Gauge(
            "crm_db_pool_waiting", "Requests waiting for a pool connection", registry=r
        )
        self.pool_max = Gauge("crm_db_pool_max", "Pool max_size", registry=r)
        self.reminder_queue_depth = Gauge(
            "crm_reminder_queue_depth", "Pending reminders that are due", registry=r
        )
        self.reminders = Gauge("crm_reminders", "Reminders by status", ["status"], registry=r)
        self.cache_requests = Counter(
            "crm_cache_requests", "Student read-through cache lookups", ["result"], registry=r
        )
        self.rate_limited = Counter(
            "crm_rate_limited", "Write requests refused by the per-user rate limit", registry=r
        )
        self.jwt_rejections = Counter(
            "crm_jwt_rejections", "Bearer tokens rejected, by reason", ["reason"], registry=r
        )
        self.info = Gauge("crm_app_info", "Build information", ["version"], registry=r)
        self.info.labels(version=version).set(1)


class WorkerMetrics:
    """The reminder worker's metrics (served by the worker on its own port)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.sent = Counter("crm_reminders_sent", "Reminder emails accepted by Resend", registry=r)
        self.failed = Counter(
            "crm_reminders_failed", "Reminders given up on after the last attempt", registry=r
        )
        self.send_errors = Counter(
            "crm_reminder_send_errors", "Failed send attempts", ["kind"], registry=r
        )
        self.queue_depth = Gauge(
            "crm_reminder_queue_depth", "Pending reminders that are due", registry=r
        )
        self.last_poll = Gauge(
            "crm_worker_last_poll_timestamp_seconds",
            "Unix time of the worker's last poll",
            registry=r,
        )

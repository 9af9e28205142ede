"""Every Prometheus metric the app exports. Dashboards and alerts are built from these names:
rename one only together with dashboards/.

API process (`/metrics`, bearer token):
  crm_http_request_duration_seconds{method,route,status}  histogram, route = path template
  crm_http_requests_in_progress                             gauge
  crm_db_pool_size / crm_db_pool_available / crm_db_pool_waiting / crm_db_pool_max  gauges
  crm_db_connection_errors_total{kind}                      counter, read from the pool's own
      statistics (psycopg_pool get_stats) at scrape time, every kind present from start-up:
      connect = a new connection could not be opened (database down, bad credentials),
      acquire = a request got no connection in time (PoolTimeout / too many waiting),
      broken  = a connection broke while in use (OperationalError; the pool replaces it),
      lost    = the pool's own health check found a connection dead
  crm_db_statement_duration_seconds                         histogram, execute-to-rows time of
      every statement the routes run through db.Tx (one/all): server time plus the round trip,
      lock waits included; the first statement of a request also carries the pipelined BEGIN
      and claims set-up. Slow statements = the share above SLOW_STATEMENT_SECONDS (a bucket
      boundary, so dashboards count them exactly)
  crm_reminder_queue_depth                                  gauge, due pending reminders
  crm_reminder_oldest_due_age_seconds                       gauge, seconds since the oldest
      due pending reminder was due (due_at), 0 when none is due; same query as the depth
  crm_reminders{status}                                     gauge, reminders by status (DB)
  crm_cache_requests_total{result=hit|miss|error}           counter
  crm_rate_limited_total                                    counter, writes refused with 429
  crm_jwt_rejections_total{reason}                          counter
  crm_app_info{version}                                     gauge = 1
  crm_db_size_bytes                                         gauge, pg_database_size at scrape
  crm_redis_commands_total                                  counter, commands sent to Redis
      (a rate-limit check is MULTI, INCR, EXPIRE, EXEC: 4)
  crm_log_bytes_total                                       counter, bytes of JSON log lines
Worker process (`python -m app.worker --metrics-port P`):
  crm_reminders_sent_total                                  counter
  crm_reminders_failed_total                                counter, gave up after N attempts
  crm_reminder_send_errors_total{kind=transient|permanent}  counter, every failed attempt
  crm_reminder_queue_depth                                  gauge (same name as the API's)
  crm_worker_last_poll_timestamp_seconds                    gauge, for a "worker stuck" alert
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

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

STATEMENT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SLOW_STATEMENT_SECONDS = 0.1  # must stay one of STATEMENT_BUCKETS

REMINDER_STATUSES = ("pending", "sent", "failed")

# crm_db_connection_errors_total{kind} <- psycopg_pool's cumulative get_stats() keys
POOL_ERROR_STATS = {
    "connect": "connections_errors",
    "acquire": "requests_errors",
    "broken": "returns_bad",
    "lost": "connections_lost",
}


class PoolErrorCollector(Collector):
    """Connection errors as the pool itself counts them, so every pool user (routes, /readyz,
    the metrics refresh) is covered without wrapping each `pool.connection()`."""

    def __init__(self) -> None:
        self.stats: Callable[[], Mapping[str, int]] = dict

    def _family(self) -> CounterMetricFamily:
        return CounterMetricFamily(
            "crm_db_connection_errors",
            "Database connection errors counted by the pool, by kind",
            labels=["kind"],
        )

    def describe(self) -> Iterator[Metric]:
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        family, stats = self._family(), self.stats()
        for kind, key in POOL_ERROR_STATS.items():
            family.add_metric([kind], stats.get(key, 0))
        yield family


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
        self.pool_errors = PoolErrorCollector()
        r.register(self.pool_errors)
        self.statement_duration = Histogram(
            "crm_db_statement_duration_seconds",
            "Execute-to-rows time of the routes' SQL statements",
            buckets=STATEMENT_BUCKETS,
            registry=r,
        )
        self.reminder_queue_depth = Gauge(
            "crm_reminder_queue_depth", "Pending reminders that are due", registry=r
        )
        self.reminder_oldest_due_age = Gauge(
            "crm_reminder_oldest_due_age_seconds",
            "Seconds since the oldest due pending reminder was due (0 when none is due)",
            registry=r,
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
        # Free-tier budget signals (docs/budget.md): what the quotas meter.
        self.db_size = Gauge(
            "crm_db_size_bytes",
            "pg_database_size of the app's database (Supabase Free: 500 MB)",
            registry=r,
        )
        self.redis_commands = Counter(
            "crm_redis_commands", "Redis commands sent (Upstash Free meters commands)", registry=r
        )
        self.log_bytes = Counter(
            "crm_log_bytes",
            "Bytes of JSON log lines written to stdout (log ingest volume)",
            registry=r,
        )

    def watch_pool(self, stats: Callable[[], Mapping[str, int]]) -> None:
        """Read connection errors from this pool's statistics from now on."""
        self.pool_errors.stats = stats


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

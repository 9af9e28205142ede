"""Every PromQL expression the dashboards and alerts use, built from the metric names the app
(app/metrics.py) and Uptime Kuma (server/prometheus.js) really export.

The `environment` label is not the app's: the scrape job adds it (static label), so one
Grafana Cloud stack can hold several environments.
"""

from __future__ import annotations

from common.monitor_names import BACKUP_MONITOR, DRILL_MONITOR, READINESS_MONITOR

# app/metrics.py -- API process
REQUEST_DURATION = "crm_http_request_duration_seconds"
IN_PROGRESS = "crm_http_requests_in_progress"
POOL_SIZE = "crm_db_pool_size"
POOL_AVAILABLE = "crm_db_pool_available"
POOL_WAITING = "crm_db_pool_waiting"
POOL_MAX = "crm_db_pool_max"
CONNECTION_ERRORS = "crm_db_connection_errors_total"
STATEMENT_DURATION = "crm_db_statement_duration_seconds"
QUEUE_DEPTH = "crm_reminder_queue_depth"
OLDEST_DUE_AGE = "crm_reminder_oldest_due_age_seconds"
REMINDERS = "crm_reminders"
JWT_REJECTIONS = "crm_jwt_rejections_total"
RATE_LIMITED = "crm_rate_limited_total"
APP_INFO = "crm_app_info"
# Uptime Kuma
MONITOR_STATUS = "monitor_status"
MONITOR_RESPONSE_TIME = "monitor_response_time"

ENV = 'environment="$env"'
API = f'{ENV}, route=~"$route"'
RATE = "$__rate_interval"
LATENCY_OBJECTIVE_SECONDS = 0.2
ERROR_RATIO_OBJECTIVE = 0.01
AVAILABILITY_OBJECTIVE = 0.999
SLOW_REQUEST_SECONDS = "1.0"  # a histogram bucket boundary (app/metrics.py LATENCY_BUCKETS)
SLOW_STATEMENT_SECONDS = "0.1"  # app/metrics.py SLOW_STATEMENT_SECONDS (a bucket boundary)


def request_rate_by_route() -> str:
    return f"sum by (route) (rate({REQUEST_DURATION}_count{{{API}}}[{RATE}]))"


def requests_by_status() -> str:
    return f"sum by (status) (rate({REQUEST_DURATION}_count{{{API}}}[{RATE}]))"


def error_ratio(selector: str = API, window: str = RATE) -> str:
    """5xx share of all requests; 0 (not "no data") while there are requests but no 5xx."""
    errors = f'sum(rate({REQUEST_DURATION}_count{{{selector}, status=~"5.."}}[{window}]))'
    total = f"sum(rate({REQUEST_DURATION}_count{{{selector}}}[{window}]))"
    return f"({errors} or vector(0)) / {total}"


def latency_quantile(
    q: float, by: str = "le, route", selector: str = API, window: str = RATE
) -> str:
    return (
        f"histogram_quantile({q}, sum by ({by}) "
        f"(rate({REQUEST_DURATION}_bucket{{{selector}}}[{window}])))"
    )


def slow_request_rate() -> str:
    total = f"sum by (route) (rate({REQUEST_DURATION}_count{{{API}}}[{RATE}]))"
    fast = (
        f"sum by (route) (rate({REQUEST_DURATION}_bucket{{{API}, "
        f'le="{SLOW_REQUEST_SECONDS}"}}[{RATE}]))'
    )
    return f"{total} - {fast}"


def in_progress() -> str:
    return f"sum({IN_PROGRESS}{{{ENV}}})"


def jwt_rejections() -> str:
    return f"sum by (reason) (rate({JWT_REJECTIONS}{{{ENV}}}[{RATE}]))"


def rate_limited() -> str:
    return f"sum(rate({RATE_LIMITED}{{{ENV}}}[{RATE}]))"


def app_version() -> str:
    return f"max by (version) ({APP_INFO}{{{ENV}}})"


def pool_usage() -> str:
    return f"sum({POOL_SIZE}{{{ENV}}} - {POOL_AVAILABLE}{{{ENV}}}) / sum({POOL_MAX}{{{ENV}}})"


def connection_errors_by_kind() -> str:
    """Pool-counted connection errors per second (connect, acquire, broken, lost); every kind
    is exported from start-up, so a healthy app draws 0 rather than "no data"."""
    return f"sum by (kind) (rate({CONNECTION_ERRORS}{{{ENV}}}[{RATE}]))"


def connection_errors_last_hour() -> str:
    return f"sum(increase({CONNECTION_ERRORS}{{{ENV}}}[1h]))"


def statement_quantile(q: float) -> str:
    return (
        f"histogram_quantile({q}, sum by (le) (rate({STATEMENT_DURATION}_bucket{{{ENV}}}[{RATE}])))"
    )


def slow_statement_rate() -> str:
    """Statements slower than SLOW_STATEMENT_SECONDS per second (all minus the fast bucket)."""
    total = f"sum(rate({STATEMENT_DURATION}_count{{{ENV}}}[{RATE}]))"
    fast = f'sum(rate({STATEMENT_DURATION}_bucket{{{ENV}, le="{SLOW_STATEMENT_SECONDS}"}}[{RATE}]))'
    return f"{total} - {fast}"


def pool_gauge(metric: str) -> str:
    return f"sum({metric}{{{ENV}}})"


def queue_depth(selector: str = ENV) -> str:
    return f"max({QUEUE_DEPTH}{{{selector}}})"


def oldest_due_age(selector: str = ENV) -> str:
    return f"max({OLDEST_DUE_AGE}{{{selector}}})"


def reminders_by_status() -> str:
    return f"max by (status) ({REMINDERS}{{{ENV}}})"


def reminders_changed_per_hour(status: str, selector: str = ENV) -> str:
    """Reminders that reached `status` in the last hour (the DB-backed gauge only grows as
    reminders are sent or given up on; a negative delta is a purge, clamped to 0)."""
    return f'clamp_min(max(delta({REMINDERS}{{{selector}, status="{status}"}}[1h])), 0)'


def monitor_status(name: str) -> str:
    return f'min({MONITOR_STATUS}{{monitor_name="{name}"}})'


def readiness() -> str:
    return monitor_status(READINESS_MONITOR)


def backup_heartbeat() -> str:
    return monitor_status(BACKUP_MONITOR)


def drill_heartbeat() -> str:
    return monitor_status(DRILL_MONITOR)


ENDPOINTS = 'monitor_type=~"http|keyword"'


def availability(window: str, step: str) -> str:
    """Share of `step` samples in `window` where the monitor was UP (status 1)."""
    return (
        f"avg by (monitor_name) (avg_over_time(({MONITOR_STATUS}{{{ENDPOINTS}}} == bool 1)"
        f"[{window}:{step}]))"
    )


def endpoint_status() -> str:
    return f"min by (monitor_name) ({MONITOR_STATUS}{{{ENDPOINTS}}})"


def endpoint_response_time() -> str:
    return f"max by (monitor_name) ({MONITOR_RESPONSE_TIME}{{{ENDPOINTS}}})"


# The worker's own counters: pushed over OTLP (job = its service name), same metric names.
WORKER = f'{ENV}, job="crm-worker"'
WORKER_SENT = "crm_reminders_sent_total"
WORKER_SEND_ERRORS = "crm_reminder_send_errors_total"
WORKER_LAST_POLL = "crm_worker_last_poll_timestamp_seconds"


def worker_sent_rate(selector: str = WORKER) -> str:
    return f"sum(rate({WORKER_SENT}{{{selector}}}[{RATE}]))"


def worker_send_errors_rate(selector: str = WORKER) -> str:
    return f"sum by (kind) (rate({WORKER_SEND_ERRORS}{{{selector}}}[{RATE}]))"


def worker_last_poll_age(selector: str = WORKER) -> str:
    return f"time() - max({WORKER_LAST_POLL}{{{selector}}})"

"""Ship JSON log lines to Better Stack over its HTTP ingestion API, off the request path.

`emit` only formats the line (the same JsonFormatter, so the same redaction, as stdout) and
puts it on a bounded queue without waiting; a daemon thread sends NDJSON batches. What the
ingestion endpoint answers (Better Stack's documented contract: 202 accepted; 413 body too
large; 429 and 5xx try later; 402/403/406 refused) never reaches a request: a slow or dead
endpoint fills the queue, and lines beyond its bound are dropped and counted by reason:
  queue_full   the queue was at its bound when the line was logged
  too_large    a single line the endpoint refused with 413 (batches are split in halves first)
  rejected     402 quota, 403 bad token, 406 unparsable, other 4xx: retrying cannot help
  undelivered  429 / 5xx / network errors still failing after the last attempt
We wrote our own handler rather than use logtail-python because we need exactly these
bounds and counts, and the same formatter as stdout.
"""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

DROP_REASONS = ("queue_full", "too_large", "rejected", "undelivered")
MAX_BATCH_LINES = 500
MAX_BATCH_BYTES = 1_000_000  # Better Stack accepts up to 10 MiB; stay far below
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER_SECONDS = 30.0


class LogShipper(logging.Handler):
    """A logging handler that hands lines to a background sender through a bounded queue."""

    def __init__(
        self,
        url: str,
        token: str,
        format_entry: Callable[[logging.LogRecord], dict[str, Any]],
        *,
        max_lines: int = 10_000,
        flush_seconds: float = 1.0,
        timeout_seconds: float = 5.0,
        retry_base_seconds: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__()
        self._url = url
        self._format_entry = format_entry
        self._queue: queue.Queue[str] = queue.Queue(maxsize=max_lines)
        self._flush_seconds = flush_seconds
        self._retry_base = retry_base_seconds
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.shipped = 0
        self.dropped = dict.fromkeys(DROP_REASONS, 0)
        self._warned: set[int] = set()
        self._client = httpx.Client(
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/x-ndjson",
                "User-Agent": "crm-log-shipper",
            },
            timeout=timeout_seconds,
            transport=transport,
        )
        self._thread = threading.Thread(target=self._run, name="betterstack-shipper", daemon=True)
        self._thread.start()

    # -- the caller's side: never blocks, never raises -------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        if threading.current_thread() is self._thread:
            return  # the sender's own logging (httpx debug lines) would feed itself
        try:
            entry = self._format_entry(record)
            entry.setdefault("dt", entry.get("ts"))
            line = json.dumps(entry, default=str)
        except Exception:  # a bad record must not break the request that logged it
            self.handleError(record)
            return
        try:
            self._queue.put_nowait(line)
        except queue.Full:
            self._count("queue_full")

    def queued(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        """Send what is queued (one attempt each, bounded by the timeout), then stop."""
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join(timeout=10)
            self._client.close()
        super().close()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until the queue is empty (tests and shutdown); gives up after `timeout`."""
        deadline = time.monotonic() + timeout
        while (self._queue.unfinished_tasks or not self._queue.empty()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.01)

    # -- the sender thread ---------------------------------------------------------------
    def _count(self, reason: str, n: int = 1) -> None:
        with self._lock:
            self.dropped[reason] += n

    def _run(self) -> None:
        while not (self._stop.is_set() and self._queue.empty()):
            batch = self._take()
            if batch:
                try:
                    self._send(batch, attempt=1)
                finally:
                    for _ in batch:
                        self._queue.task_done()

    def _take(self) -> list[str]:
        try:
            first = self._queue.get(timeout=self._flush_seconds)
        except queue.Empty:
            return []
        batch, size = [first], len(first) + 1
        while len(batch) < MAX_BATCH_LINES and size < MAX_BATCH_BYTES:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            batch.append(line)
            size += len(line) + 1
        return batch

    def _send(self, batch: list[str], attempt: int) -> None:
        try:
            response = self._client.post(self._url, content="\n".join(batch).encode())
            status, retry_after = response.status_code, response.headers.get("retry-after")
        except httpx.HTTPError:
            status, retry_after = 0, None
        if 200 <= status < 300:
            with self._lock:
                self.shipped += len(batch)
            return
        if status == 413:
            if len(batch) == 1:
                self._count("too_large")
                return
            half = len(batch) // 2
            self._send(batch[:half], attempt)
            self._send(batch[half:], attempt)
            return
        if status != 0 and status != 429 and status < 500:
            self._count("rejected", len(batch))
            self._warn_once(status)
            return
        if attempt >= MAX_ATTEMPTS or self._stop.is_set():
            self._count("undelivered", len(batch))
            return
        self._stop.wait(_delay(attempt, retry_after, self._retry_base))
        self._send(batch, attempt + 1)

    def _warn_once(self, status: int) -> None:
        # stderr, not logging: a refused token must not loop through this handler
        if status not in self._warned:
            self._warned.add(status)
            print(
                f"log shipping: Better Stack answered {status}; dropping lines (check "
                "BETTERSTACK_SOURCE_TOKEN and the source's quota)",
                file=sys.stderr,
            )


def _delay(attempt: int, retry_after: str | None, base: float) -> float:
    if retry_after is not None:
        try:
            return min(max(float(retry_after), 0.0), MAX_RETRY_AFTER_SECONDS)
        except ValueError:
            pass
    return float(min(base * 2 ** (attempt - 1), MAX_RETRY_AFTER_SECONDS))


class ShipperCollector(Collector):
    """crm_log_lines_shipped_total, crm_log_lines_dropped_total{reason} (every reason from
    start-up, 0 when shipping is off) and crm_log_ship_queue_lines, read at scrape time."""

    def __init__(self, shipper: Callable[[], LogShipper | None]) -> None:
        self._shipper = shipper

    def describe(self) -> Iterator[Metric]:
        return iter(self._families(None))

    def collect(self) -> Iterator[Metric]:
        return iter(self._families(self._shipper()))

    @staticmethod
    def _families(shipper: LogShipper | None) -> list[Metric]:
        shipped = CounterMetricFamily(
            "crm_log_lines_shipped", "Log lines Better Stack accepted (202)"
        )
        dropped = CounterMetricFamily(
            "crm_log_lines_dropped",
            "Log lines not shipped to Better Stack, by reason",
            labels=["reason"],
        )
        queued = GaugeMetricFamily("crm_log_ship_queue_lines", "Log lines waiting to be shipped")
        shipped.add_metric([], shipper.shipped if shipper else 0)
        for reason in DROP_REASONS:
            dropped.add_metric([reason], shipper.dropped[reason] if shipper else 0)
        queued.add_metric([], shipper.queued() if shipper else 0)
        return [shipped, dropped, queued]

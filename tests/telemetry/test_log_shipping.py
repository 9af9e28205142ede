"""The Better Stack shipper against a receiver held to Better Stack's ingestion contract:
what arrives, what is dropped and counted, and that a bad endpoint never blocks a caller."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.observability import JsonFormatter
from app.telemetry_logs import LogShipper, ShipperCollector
from app.telemetry_settings import TelemetrySettings, betterstack_url
from tests.support.betterstack import running_receiver
from tests.support.ports import free_port

TOKEN = "bs-source-token-for-tests"


@contextmanager
def shipper_to(url: str, **kw: object) -> Iterator[tuple[LogShipper, logging.Logger]]:
    shipper = LogShipper(
        url, TOKEN, JsonFormatter().entry, flush_seconds=0.05, retry_base_seconds=0.05, **kw
    )  # type: ignore[arg-type]
    logger = logging.getLogger(f"test.shipping.{id(shipper)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(shipper)
    try:
        yield shipper, logger
    finally:
        logger.removeHandler(shipper)
        shipper.close()


def wait(predicate: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def test_lines_arrive_as_ndjson_with_the_stdout_redaction() -> None:
    with running_receiver(TOKEN) as rx, shipper_to(rx.url + "/") as (shipper, log):
        log.info("login with Bearer abc.def.ghi for %s", "staff")
        log.info("second line")
        wait(lambda: len(rx.lines()) == 2)
    first = rx.lines()[0]
    assert first["msg"] == "login with Bearer [redacted] for staff"
    assert "abc.def.ghi" not in rx.everything()
    # the same fields as the stdout line, plus Better Stack's `dt` timestamp
    assert {"ts", "level", "logger", "msg", "trace_id", "span_id", "dt"} <= set(first)
    assert first["dt"] == first["ts"]
    assert shipper.shipped == 2 and sum(shipper.dropped.values()) == 0
    assert set(rx.answers) == {202}


def test_413_splits_the_batch_and_drops_only_the_line_too_large_alone() -> None:
    with running_receiver(TOKEN, max_body_bytes=2_000) as rx, shipper_to(rx.url) as (shipper, log):
        shipper_lines = 40
        for i in range(shipper_lines):
            log.info("line %d %s", i, "x" * 100)
        log.info("huge %s", "y" * 5_000)
        wait(lambda: shipper.shipped + shipper.dropped["too_large"] == shipper_lines + 1)
    assert 413 in rx.answers
    assert shipper.shipped == shipper_lines
    assert shipper.dropped["too_large"] == 1
    assert sorted(int(e["msg"].split()[1]) for e in rx.lines()) == list(range(shipper_lines))


def test_429_with_retry_after_is_retried_and_delivered() -> None:
    with (
        running_receiver(TOKEN, status=429, retry_after="0", failures=2) as rx,
        shipper_to(rx.url) as (shipper, log),
    ):
        log.info("rate limited once or twice")
        wait(lambda: shipper.shipped == 1)
    assert rx.answers[:2] == [429, 429] and rx.answers[-1] == 202
    assert sum(shipper.dropped.values()) == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_persistent_failure_is_counted_undelivered(status: int) -> None:
    with (
        running_receiver(TOKEN, status=status) as rx,
        shipper_to(rx.url) as (shipper, log),
    ):
        log.info("never accepted")
        wait(lambda: shipper.dropped["undelivered"] == 1)
    assert rx.answers == [status] * 4  # MAX_ATTEMPTS, then counted
    assert shipper.shipped == 0


def test_a_refused_token_is_counted_rejected_and_not_retried() -> None:
    with running_receiver("another-token") as rx, shipper_to(rx.url) as (shipper, log):
        log.info("wrong token")
        wait(lambda: shipper.dropped["rejected"] == 1)
    assert rx.answers == [403]


def test_an_endpoint_that_is_down_costs_the_caller_nothing() -> None:
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens
    with shipper_to(url) as (shipper, log):
        log.info("nobody is listening")
        wait(lambda: shipper.dropped["undelivered"] == 1)
    assert shipper.shipped == 0


def test_a_hanging_endpoint_fills_the_bounded_queue_and_the_rest_is_counted() -> None:
    with running_receiver(TOKEN) as rx:
        rx.hold()
        with shipper_to(rx.url, max_lines=10) as (shipper, log):
            log.info("first: taken by the sender, then stuck in the held request")
            wait(lambda: shipper.queued() == 0)
            for i in range(200):  # a blocking put would hang here: the sender is stuck
                log.info("line %d", i)
            assert shipper.queued() == 10
            assert shipper.dropped["queue_full"] == 190
            rx.release()
            wait(lambda: shipper.shipped == 11)
    # the bound held while the endpoint hung, and every line is accounted for
    assert shipper.shipped + shipper.dropped["queue_full"] == 201


def test_collector_exports_every_reason_from_start_up() -> None:
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in ShipperCollector(lambda: None).collect()
        for s in family.samples
    }
    assert samples[("crm_log_lines_shipped_total", ())] == 0
    for reason in ("queue_full", "too_large", "rejected", "undelivered"):
        assert samples[("crm_log_lines_dropped_total", (("reason", reason),))] == 0


def test_ingesting_host_forms() -> None:
    assert betterstack_url("s123.eu-nbg-2.betterstackdata.com") == (
        "https://s123.eu-nbg-2.betterstackdata.com/"
    )
    assert betterstack_url("http://127.0.0.1:4318") == "http://127.0.0.1:4318/"
    assert betterstack_url("ftp://x") is None
    assert betterstack_url("not a host") is None


def test_settings_name_each_bad_telemetry_variable() -> None:
    with pytest.raises(ValueError) as err:
        TelemetrySettings.from_env(
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "grafana",
                "OTEL_TRACES_SAMPLER": "sometimes",
                "TRACES_SAMPLE_RATIO": "2",
                "BETTERSTACK_SOURCE_TOKEN": "t",
                "LOG_SHIP_QUEUE_LINES": "-1",
            }
        )
    text = str(err.value)
    for name in (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_TRACES_SAMPLER=",
        "TRACES_SAMPLE_RATIO",
        "BETTERSTACK_INGESTING_HOST is missing",
        "LOG_SHIP_QUEUE_LINES",
    ):
        assert name in text
    assert "bs-" not in text and "'t'" not in text  # no secret value in the message


def test_stdout_line_carries_empty_ids_outside_a_span() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    line = json.loads(JsonFormatter().format(record))
    assert line["trace_id"] == "" and line["span_id"] == ""

"""The Uptime Kuma dynamic providers' CRUD against a real Uptime Kuma server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi.output import Unknown
from uptime_kuma_api import MonitorType, UptimeKumaApi

from common.monitor_names import DRILL_MONITOR, push_url
from infra.uptime_kuma.client import KumaError, kuma_session
from infra.uptime_kuma.component import DRILL_PERIOD_SECONDS
from infra.uptime_kuma.provider import (
    MonitorProvider,
    NotificationProvider,
    StatusPageProvider,
    split_spec,
)
from infra.uptime_kuma.spec import OWNER_TAG, MonitorSpec
from tests.support.uptime_kuma import ADMIN_PASSWORD, ADMIN_USER, KumaServer

pytestmark = pytest.mark.slow

BACKUP_WORKFLOW = Path(__file__).resolve().parents[3] / ".github" / "workflows" / "backup.yml"


def props_for(kuma: KumaServer, spec: MonitorSpec) -> dict[str, Any]:
    public, secret = split_spec(spec)
    return {
        "kuma_url": kuma.url,
        "admin_username": ADMIN_USER,
        "admin_password": ADMIN_PASSWORD,
        "spec": public,
        "secrets": secret,
    }


@pytest.fixture
def api(kuma_server: KumaServer) -> Iterator[UptimeKumaApi]:
    """A separate admin session playing the human who clicks around in the Kuma UI."""
    with kuma_session(kuma_server.url, ADMIN_USER, ADMIN_PASSWORD):
        pass  # claims the fresh instance with the test credentials on first use
    client = UptimeKumaApi(kuma_server.url, timeout=20, wait_events=0.1)
    client.login(ADMIN_USER, ADMIN_PASSWORD)
    yield client
    client.disconnect()


def by_name(api: UptimeKumaApi, name: str) -> list[dict[str, Any]]:
    return [m for m in api.get_monitors() if m["name"] == name]


def test_create_read_update_delete(kuma_server: KumaServer, api: UptimeKumaApi) -> None:
    provider = MonitorProvider()
    spec = MonitorSpec(
        key="crud-web",
        name="HTTPS crud.example.test",
        kind="http",
        url="https://crud.example.test/",
        tls_expiry_alert=True,
    )
    props = props_for(kuma_server, spec)

    created = provider.create(props)
    live = api.get_monitor(int(created.id))
    assert live["url"] == "https://crud.example.test/"
    assert live["expiryNotification"] is True
    assert [(t["name"], t["value"]) for t in live["tags"]] == [(OWNER_TAG, "crud-web")]

    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id
    assert read.outs is not None and read.outs["spec"] == props["spec"]
    assert not provider.diff(created.id, read.outs, props).changes

    slower = props_for(
        kuma_server,
        MonitorSpec(
            key="crud-web",
            name="HTTPS crud.example.test",
            kind="http",
            url="https://crud.example.test/health",
            interval=120,
            tls_expiry_alert=True,
        ),
    )
    assert provider.diff(created.id, read.outs, slower).changes
    provider.update(created.id, read.outs, slower)
    live = api.get_monitor(int(created.id))
    assert (live["interval"], live["url"]) == (120, "https://crud.example.test/health")
    assert len(by_name(api, "HTTPS crud.example.test")) == 1

    provider.delete(created.id, slower)
    assert by_name(api, "HTTPS crud.example.test") == []
    assert provider.read(created.id, slower).id is None
    provider.delete(created.id, slower)  # already gone: delete stays idempotent


def test_manual_change_is_detected_as_drift(kuma_server: KumaServer, api: UptimeKumaApi) -> None:
    provider = MonitorProvider()
    spec = MonitorSpec(
        key="drift-api",
        name="API drift check",
        kind="keyword",
        url="https://api.example.test/readyz",
        keyword="ready",
    )
    props = props_for(kuma_server, spec)
    created = provider.create(props)

    api.edit_monitor(int(created.id), keyword="anything", interval=300)

    read = provider.read(created.id, created.outs or {})
    assert read.outs is not None
    assert (read.outs["spec"]["keyword"], read.outs["spec"]["interval"]) == ("anything", 300)
    diff = provider.diff(created.id, read.outs, props)
    assert diff.changes and not diff.replaces

    provider.update(created.id, read.outs, props)
    healed = provider.read(created.id, read.outs)
    assert healed.outs is not None and healed.outs["spec"] == props["spec"]
    provider.delete(created.id, props)


def test_existing_monitor_is_adopted_not_duplicated(
    kuma_server: KumaServer, api: UptimeKumaApi
) -> None:
    provider = MonitorProvider()
    manual_id = api.add_monitor(
        type=MonitorType.HTTP,
        name="HTTPS adopt.example.test",
        url="https://adopt.example.test/old",
        interval=300,
    )["monitorID"]
    spec = MonitorSpec(
        key="adopt-web",
        name="HTTPS adopt.example.test",
        kind="http",
        url="https://adopt.example.test/",
    )
    props = props_for(kuma_server, spec)

    created = provider.create(props)
    assert int(created.id) == manual_id
    again = provider.create(props)  # e.g. a lost state file: still the same monitor
    assert again.id == created.id
    [live] = by_name(api, "HTTPS adopt.example.test")
    assert (live["url"], live["interval"]) == ("https://adopt.example.test/", 60)
    assert [(t["name"], t["value"]) for t in live["tags"]] == [(OWNER_TAG, "adopt-web")]
    provider.delete(created.id, props)


def test_secret_monitors_and_check(kuma_server: KumaServer, api: UptimeKumaApi) -> None:
    provider = MonitorProvider()
    push = MonitorSpec(
        key="push-backup",
        name="Backup heartbeat test",
        kind="push",
        push_token="fake-push-token-123",
        interval=90000,
        max_retries=0,
    )
    created = provider.create(props_for(kuma_server, push))
    answer = httpx.get(f"{kuma_server.url}/api/push/fake-push-token-123?status=up&msg=OK")
    assert answer.json() == {"ok": True}
    read = provider.read(created.id, created.outs or {})
    assert read.outs is not None
    assert read.outs["secrets"]["push_token"] == "fake-push-token-123"
    assert "push_token" not in read.outs["spec"]
    provider.delete(created.id, props_for(kuma_server, push))

    bad = props_for(kuma_server, MonitorSpec(key="pg", name="pg", kind="postgres"))
    failures = provider.check({}, bad).failures
    assert [f.property for f in failures] == ["spec"]
    assert "postgres:// connection string" in failures[0].reason
    unknown = {**bad, "spec": {**bad["spec"], "notification_ids": [Unknown()]}}
    assert provider.check({}, unknown).failures == []  # preview: validated at apply time
    no_password = props_for(
        kuma_server,
        MonitorSpec(
            key="pg", name="pg", kind="postgres", connection_string="postgresql://u@db.test/x"
        ),
    )
    [failure] = provider.check({}, no_password).failures
    assert "needs a password" in failure.reason


def workflow_push_queries(job_marker: str) -> dict[str, str]:
    """status -> the query backup.yml appends to the push URL secret in the given job."""
    text = BACKUP_WORKFLOW.read_text()
    # The push URL arrives as UPTIME_KUMA_<JOB>_PUSH_URL (exported from Infisical).
    found = re.findall(r'"\$\{UPTIME_KUMA_\w+_PUSH_URL\}(\?status=(\w+)&msg=([\w-]+))"', text)
    return {status: query for query, status, msg in found if msg.startswith(job_marker)}


def kuma_status(kuma: KumaServer, name: str) -> float:
    text = httpx.get(f"{kuma.url}/metrics", auth=(ADMIN_USER, ADMIN_PASSWORD)).text
    [value] = re.findall(
        rf'^monitor_status{{monitor_name="{re.escape(name)}",[^}}]*}} (\S+)$', text, re.M
    )
    return float(value)


def test_the_workflow_heartbeats_land_on_the_drill_monitor(kuma_server: KumaServer) -> None:
    """The push URL output plus backup.yml's own query: `down` must read as down (a URL that
    already carried `?status=up&msg=OK` turned every failed drill into an up beat)."""
    queries = workflow_push_queries("drill")
    assert set(queries) == {"up", "down"}, queries
    provider = MonitorProvider()
    spec = MonitorSpec(
        key="restore-drill-heartbeat",
        name=DRILL_MONITOR,
        kind="push",
        push_token="fake-drill-push-token",
        interval=DRILL_PERIOD_SECONDS,
        max_retries=0,
    )
    created = provider.create(props_for(kuma_server, spec))
    url = push_url(kuma_server.url + "/", "fake-drill-push-token")
    assert "?" not in url
    try:
        for status, expected in (("down", 0.0), ("up", 1.0), ("down", 0.0)):
            assert httpx.get(url + queries[status]).json() == {"ok": True}
            assert kuma_status(kuma_server, DRILL_MONITOR) == expected, status
    finally:
        provider.delete(created.id, props_for(kuma_server, spec))


def test_notification_and_status_page(kuma_server: KumaServer, api: UptimeKumaApi) -> None:
    connection = {
        "kuma_url": kuma_server.url,
        "admin_username": ADMIN_USER,
        "admin_password": ADMIN_PASSWORD,
    }
    notifications = NotificationProvider()
    note = {
        **connection,
        "name": "careers-crm discord",
        "channel": "discord",
        "webhook_url": "https://discord.example.test/api/webhooks/fake",
    }
    created = notifications.create(note)
    assert notifications.create(note).id == created.id  # adopted by name
    assert [n["name"] for n in api.get_notifications()] == ["careers-crm discord"]

    monitors = MonitorProvider()
    spec = MonitorSpec(
        key="page-web",
        name="HTTPS page.example.test",
        kind="http",
        url="https://page.example.test/",
        notification_ids=(int(created.id),),
    )
    monitor = monitors.create(props_for(kuma_server, spec))
    assert api.get_monitor(int(monitor.id))["notificationIDList"] == [int(created.id)]

    pages = StatusPageProvider()
    page = {
        **connection,
        "slug": "crm-status",
        "title": "CRM status",
        "monitor_ids": [int(monitor.id)],
    }
    pages.create(page)
    assert pages.diff("crm-status", page, {**page, "monitor_ids": [Unknown()]}).changes
    assert not pages.diff("crm-status", page, dict(page)).changes
    assert pages.read("crm-status", page).outs == page
    assert httpx.get(f"{kuma_server.url}/api/status-page/crm-status").status_code == 200

    pages.delete("crm-status", page)
    assert pages.read("crm-status", page).id is None
    monitors.delete(monitor.id, props_for(kuma_server, spec))
    notifications.delete(created.id, note)
    assert notifications.read(created.id, note).id is None


def test_wrong_credentials_give_a_clear_error(kuma_server: KumaServer, api: UptimeKumaApi) -> None:
    with (
        pytest.raises(KumaError, match="admin credentials"),
        kuma_session(kuma_server.url, ADMIN_USER, "fake-wrong-password"),
    ):
        pass


def test_a_whole_stack_of_calls_stays_under_kumas_login_limit(
    kuma_server: KumaServer, api: UptimeKumaApi
) -> None:
    """Kuma allows 20 password logins a minute; one `pulumi up` makes a call per resource."""
    provider = MonitorProvider()
    spec = MonitorSpec(
        key="burst", name="HTTPS burst.example.test", kind="http", url="https://burst.example.test/"
    )
    created = provider.create(props_for(kuma_server, spec))
    for _ in range(25):
        assert provider.read(created.id, created.outs or {}).id == created.id
    provider.delete(created.id, props_for(kuma_server, spec))

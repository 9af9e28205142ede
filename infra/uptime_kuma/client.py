"""A short-lived, logged-in Uptime Kuma session with ownership-aware monitor operations.

Uptime Kuma has no REST API for monitors; uptime-kuma-api drives its Socket.IO API. Each
provider call opens one session and closes it: the dynamic provider is pickled and must not
hold sockets or credentials between calls.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from uptime_kuma_api import MonitorType, UptimeKumaApi, UptimeKumaException

from infra.uptime_kuma.spec import OWNER_TAG, MonitorSpec

OWNER_TAG_COLOR = "#2563EB"


class KumaError(RuntimeError):
    """An Uptime Kuma call failed; the message names the server and the operation."""


class KumaClient:
    def __init__(self, api: UptimeKumaApi, url: str) -> None:
        self._api = api
        self.url = url

    # -- tags -------------------------------------------------------------------------------
    def owner_tag_id(self) -> int:
        for tag in self._api.get_tags():
            if tag["name"] == OWNER_TAG:
                return int(tag["id"])
        return int(self._api.add_tag(name=OWNER_TAG, color=OWNER_TAG_COLOR)["id"])

    # -- monitors ---------------------------------------------------------------------------
    def get(self, monitor_id: int) -> dict[str, Any] | None:
        for monitor in self._api.get_monitors():
            if int(monitor["id"]) == monitor_id:
                return dict(monitor)
        return None

    def owned(self) -> dict[str, dict[str, Any]]:
        """Monitors carrying the ownership tag, by key (the tag's value)."""
        out: dict[str, dict[str, Any]] = {}
        for monitor in self._api.get_monitors():
            for tag in monitor.get("tags") or []:
                if tag.get("name") == OWNER_TAG and tag.get("value"):
                    out[str(tag["value"])] = dict(monitor)
        return out

    def find_adoptable(self, spec: MonitorSpec) -> dict[str, Any] | None:
        """The monitor already standing for `spec`: owned by key, else same name."""
        owned = self.owned().get(spec.key)
        if owned is not None:
            return owned
        for monitor in self._api.get_monitors():
            if monitor["name"] == spec.name:
                return dict(monitor)
        return None

    def ensure(self, spec: MonitorSpec) -> int:
        """Create the monitor, or adopt and update the one already there (never duplicate)."""
        existing = self.find_adoptable(spec)
        if existing is None:
            fields = _typed(spec.kuma_fields())
            # add_monitor cannot take a push token (it invents one); edit sets ours after.
            push_token = fields.pop("pushToken")
            monitor_id = int(self._api.add_monitor(**fields)["monitorID"])
            if push_token:
                self._api.edit_monitor(monitor_id, pushToken=push_token)
        else:
            monitor_id = int(existing["id"])
            self._api.edit_monitor(monitor_id, **_typed(spec.kuma_fields()))
        self._tag(monitor_id, spec.key)
        return monitor_id

    def update(self, monitor_id: int, spec: MonitorSpec) -> None:
        if self.get(monitor_id) is None:
            raise KumaError(f"{self.url}: monitor {monitor_id} ({spec.key}) no longer exists")
        self._api.edit_monitor(monitor_id, **_typed(spec.kuma_fields()))
        self._tag(monitor_id, spec.key)

    def delete(self, monitor_id: int) -> None:
        if self.get(monitor_id) is not None:
            self._api.delete_monitor(monitor_id)

    def _tag(self, monitor_id: int, key: str) -> None:
        tag_id = self.owner_tag_id()
        monitor = self.get(monitor_id) or {}
        values = [t.get("value") for t in monitor.get("tags") or [] if t.get("tag_id") == tag_id]
        for stale in (v for v in values if v != key):
            self._api.delete_monitor_tag(tag_id, monitor_id, stale)
        if key not in values:
            self._api.add_monitor_tag(tag_id, monitor_id, key)

    # -- notifications and status page -------------------------------------------------------
    def ensure_notification(self, name: str, settings: dict[str, Any]) -> int:
        """Create or update the notification called `name` (adopted by name)."""
        for notification in self._api.get_notifications():
            if notification["name"] == name:
                notification_id = int(notification["id"])
                self._api.edit_notification(notification_id, name=name, **settings)
                return notification_id
        return int(self._api.add_notification(name=name, **settings)["id"])

    def get_notification(self, notification_id: int) -> dict[str, Any] | None:
        for notification in self._api.get_notifications():
            if int(notification["id"]) == notification_id:
                return dict(notification)
        return None

    def delete_notification(self, notification_id: int) -> None:
        if self.get_notification(notification_id) is not None:
            self._api.delete_notification(notification_id)

    def ensure_status_page(self, slug: str, title: str, monitor_ids: list[int]) -> None:
        if slug not in {page["slug"] for page in self._api.get_status_pages()}:
            self._api.add_status_page(slug, title)
        self._api.save_status_page(
            slug,
            title=title,
            publicGroupList=[
                {
                    "name": "Services",
                    "weight": 1,
                    "monitorList": [{"id": i} for i in sorted(monitor_ids)],
                }
            ],
        )

    def status_page_monitors(self, slug: str) -> list[int] | None:
        if slug not in {page["slug"] for page in self._api.get_status_pages()}:
            return None
        page = self._api.get_status_page(slug)
        return sorted(
            int(m["id"])
            for group in page.get("publicGroupList") or []
            for m in group.get("monitorList") or []
        )

    def delete_status_page(self, slug: str) -> None:
        if slug in {page["slug"] for page in self._api.get_status_pages()}:
            self._api.delete_status_page(slug)


def _typed(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "type": MonitorType(fields["type"])}


_TOKENS: dict[tuple[str, str, str], str] = {}
"""Session JWTs by (url, username, password digest), kept in this process only: Kuma allows
20 password logins a minute, and one `pulumi up` makes a call per monitor."""


@contextmanager
def kuma_session(
    url: str, username: str, password: str, timeout: float = 20
) -> Iterator[KumaClient]:
    """Log in (claiming a fresh instance with these credentials), yield a client, disconnect."""
    api = UptimeKumaApi(url, timeout=timeout, wait_events=0.1)
    try:
        _login(api, url, username, password)
        yield KumaClient(api, url)
    finally:
        api.disconnect()


def _login(api: UptimeKumaApi, url: str, username: str, password: str) -> None:
    cache_key = (url, username, hashlib.sha256(password.encode()).hexdigest())
    token = _TOKENS.get(cache_key)
    if token is not None:
        try:
            api.login_by_token(token)
            return
        except UptimeKumaException:
            _TOKENS.pop(cache_key, None)
    try:
        if api.need_setup():
            api.setup(username, password)
        _TOKENS[cache_key] = str(api.login(username, password)["token"])
    except UptimeKumaException as exc:
        raise KumaError(
            f"{url}: login as {username!r} failed ({exc}); check the uptime_kuma admin "
            "credentials in the stack config"
        ) from None

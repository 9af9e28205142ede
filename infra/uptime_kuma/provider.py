"""Dynamic providers for Uptime Kuma monitors, notifications and the public status page.

Credentials and secret monitor settings travel as inputs (marked secret on the resource), never
as provider attributes: Pulumi stores the dill-pickled provider in state in plain text.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from infra.uptime_kuma.spec import MonitorSpec, SpecError, props_from_live, validate

CONNECTION_KEYS = ("kuma_url", "admin_username", "admin_password")
SECRET_SPEC_KEYS = ("push_token", "connection_string")


def split_spec(spec: MonitorSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """Public spec props and the secret ones (push token, database DSN)."""
    props = spec.to_props()
    secret = {k: props.pop(k) for k in SECRET_SPEC_KEYS}
    return props, secret


def join_spec(props: dict[str, Any]) -> MonitorSpec:
    return MonitorSpec.from_props({**props["spec"], **(props.get("secrets") or {})})


def _session(props: dict[str, Any]) -> Any:
    # Imported here: uptime-kuma-api (Socket.IO, requests) costs ~0.35 s to import, and only
    # the provider process at `up`/`refresh` talks to Kuma; the program and plan never do.
    from infra.uptime_kuma.client import kuma_session

    return kuma_session(props["kuma_url"], props["admin_username"], props["admin_password"])


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _changed(olds: dict[str, Any], news: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if olds.get(k) != news.get(k)]


class MonitorProvider(ResourceProvider):
    """One monitor, owned through the `careers-crm` tag whose value is the spec key."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [CheckFailure(k, f"{k} is required") for k in CONNECTION_KEYS if not news.get(k)]
        if _has_unknown(news):  # a preview before e.g. the notification exists: check at apply
            return CheckResult(news, failures)
        try:
            problems = validate(join_spec(news))
        except (SpecError, KeyError, TypeError, ValueError) as exc:
            problems = [str(exc)]
        failures += [CheckFailure("spec", p) for p in problems]
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with _session(props) as kuma:
            monitor_id = kuma.ensure(join_spec(props))
        return CreateResult(str(monitor_id), {**props, "monitor_id": monitor_id})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _session(props) as kuma:
            live = kuma.get(int(id_))
        if live is None:
            return ReadResult(None, {})
        live_props = props_from_live(props["spec"]["key"], live)
        secrets = {k: live_props.pop(k) for k in SECRET_SPEC_KEYS}
        outs = {**props, "spec": live_props, "secrets": secrets, "monitor_id": int(id_)}
        return ReadResult(id_, outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = _changed(olds, news, ("spec", "secrets", *CONNECTION_KEYS))
        return DiffResult(
            changes=bool(changes),
            replaces=[k for k in changes if k == "kuma_url"],
            delete_before_replace=True,
        )

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _session(news) as kuma:
            kuma.update(int(id_), join_spec(news))
        return UpdateResult({**news, "monitor_id": int(id_)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with _session(props) as kuma:
            kuma.delete(int(id_))


class NotificationProvider(ResourceProvider):
    """A Discord or Slack webhook notification, adopted by name."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        with _session(props) as kuma:
            notification_id = kuma.ensure_notification(props["name"], _notification_settings(props))
        return CreateResult(str(notification_id), {**props, "notification_id": notification_id})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _session(props) as kuma:
            live = kuma.get_notification(int(id_))
        if live is None:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, "name": live["name"], "notification_id": int(id_)})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = _changed(olds, news, ("name", "channel", "webhook_url", *CONNECTION_KEYS))
        return DiffResult(changes=bool(changes), replaces=[k for k in changes if k == "kuma_url"])

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _session(news) as kuma:
            notification_id = kuma.ensure_notification(news["name"], _notification_settings(news))
        return UpdateResult({**news, "notification_id": notification_id})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with _session(props) as kuma:
            kuma.delete_notification(int(id_))


def _notification_settings(props: dict[str, Any]) -> dict[str, Any]:
    channel, url = props["channel"], props["webhook_url"]
    common = {"isDefault": True, "applyExisting": False}
    if channel == "discord":
        return {"type": "discord", "discordWebhookUrl": url, **common}
    if channel == "slack":
        return {"type": "slack", "slackwebhookURL": url, **common}
    raise ValueError(f"notification channel {channel!r}: use 'discord' or 'slack'")


class StatusPageProvider(ResourceProvider):
    """The public status page listing the managed monitors."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        with _session(props) as kuma:
            kuma.ensure_status_page(props["slug"], props["title"], _ids(props))
        return CreateResult(props["slug"], dict(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with _session(props) as kuma:
            monitors = kuma.status_page_monitors(id_)
        if monitors is None:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, "monitor_ids": monitors})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if _has_unknown(news):  # new monitors' ids come at apply time
            return DiffResult(changes=True, replaces=[])
        olds = {**olds, "monitor_ids": _ids(olds)}
        news = {**news, "monitor_ids": _ids(news)}
        changes = _changed(olds, news, ("slug", "title", "monitor_ids", *CONNECTION_KEYS))
        return DiffResult(
            changes=bool(changes), replaces=[k for k in changes if k in ("slug", "kuma_url")]
        )

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _session(news) as kuma:
            kuma.ensure_status_page(news["slug"], news["title"], _ids(news))
        return UpdateResult(dict(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with _session(props) as kuma:
            kuma.delete_status_page(id_)


def _ids(props: dict[str, Any]) -> list[int]:
    return sorted(int(i) for i in props.get("monitor_ids") or [])


_SECRET_OUTS = ["admin_password", "secrets", "webhook_url"]


class Monitor(pulumi.dynamic.Resource, module="uptimekuma", name="Monitor"):
    monitor_id: pulumi.Output[int]

    def __init__(
        self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTS)
        super().__init__(
            MonitorProvider(),
            name,
            {**props, "monitor_id": None},
            pulumi.ResourceOptions.merge(opts, secret),
        )


class Notification(pulumi.dynamic.Resource, module="uptimekuma", name="Notification"):
    notification_id: pulumi.Output[int]

    def __init__(
        self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTS)
        super().__init__(
            NotificationProvider(),
            name,
            {**props, "notification_id": None},
            pulumi.ResourceOptions.merge(opts, secret),
        )


class StatusPage(pulumi.dynamic.Resource, module="uptimekuma", name="StatusPage"):
    def __init__(
        self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=_SECRET_OUTS)
        super().__init__(
            StatusPageProvider(), name, props, pulumi.ResourceOptions.merge(opts, secret)
        )

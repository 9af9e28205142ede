"""What a monitor should look like, independent of Pulumi and of the Socket.IO client.

A `MonitorSpec` is the desired state; `live_fields()` projects a monitor read back from Uptime
Kuma onto the same keys, so drift is a plain dict comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

MonitorKind = Literal["http", "keyword", "push", "postgres"]
KINDS: tuple[str, ...] = ("http", "keyword", "push", "postgres")

OWNER_TAG = "careers-crm"
"""Every monitor this program manages carries this tag; its value is the monitor's key."""

# Fields the provider owns: compared for drift, written on create/update.
MANAGED_FIELDS: tuple[str, ...] = (
    "name",
    "type",
    "url",
    "keyword",
    "interval",
    "maxretries",
    "retryInterval",
    "expiryNotification",
    "ignoreTls",
    "pushToken",
    "databaseConnectionString",
    "databaseQuery",
    "description",
    "accepted_statuscodes",
    "notificationIDList",
)
SECRET_FIELDS: tuple[str, ...] = ("pushToken", "databaseConnectionString")


class SpecError(ValueError):
    """A monitor spec that Uptime Kuma would reject or misread."""


@dataclass(frozen=True)
class MonitorSpec:
    key: str
    name: str
    kind: MonitorKind
    url: str | None = None
    keyword: str | None = None
    interval: int = 60
    max_retries: int = 2
    retry_interval: int = 60
    tls_expiry_alert: bool = False
    push_token: str | None = None
    connection_string: str | None = None
    query: str | None = None
    description: str = ""
    notification_ids: tuple[int, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Secrets are often unresolved Outputs when a spec is declared; the provider's check()
        # validates them once Pulumi has resolved them.
        problems = validate(self, with_secrets=False)
        if problems:
            raise SpecError(f"monitor {self.key!r}: " + "; ".join(problems))

    def kuma_fields(self) -> dict[str, Any]:
        """The monitor as uptime-kuma-api's add/edit keyword arguments."""
        return {
            "name": self.name,
            "type": self.kind,
            "url": self.url if self.kind in ("http", "keyword") else None,
            "keyword": self.keyword if self.kind == "keyword" else None,
            "interval": self.interval,
            "maxretries": self.max_retries,
            "retryInterval": self.retry_interval,
            "expiryNotification": self.tls_expiry_alert,
            "ignoreTls": False,
            "pushToken": self.push_token if self.kind == "push" else None,
            "databaseConnectionString": (
                self.connection_string if self.kind == "postgres" else None
            ),
            "databaseQuery": self.query if self.kind == "postgres" else None,
            "description": self.description or None,
            "accepted_statuscodes": ["200-299"],
            "notificationIDList": sorted(self.notification_ids),
        }

    def to_props(self) -> dict[str, Any]:
        """Plain, serialisable inputs for the dynamic resource."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "keyword": self.keyword,
            "interval": self.interval,
            "max_retries": self.max_retries,
            "retry_interval": self.retry_interval,
            "tls_expiry_alert": self.tls_expiry_alert,
            "push_token": self.push_token,
            "connection_string": self.connection_string,
            "query": self.query,
            "description": self.description,
            "notification_ids": list(self.notification_ids),
        }

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> MonitorSpec:
        return cls(
            key=str(props["key"]),
            name=str(props["name"]),
            kind=props["kind"],
            url=props.get("url"),
            keyword=props.get("keyword"),
            interval=int(props.get("interval", 60)),
            max_retries=int(props.get("max_retries", 2)),
            retry_interval=int(props.get("retry_interval", 60)),
            tls_expiry_alert=bool(props.get("tls_expiry_alert", False)),
            push_token=props.get("push_token"),
            connection_string=props.get("connection_string"),
            query=props.get("query"),
            description=str(props.get("description") or ""),
            notification_ids=tuple(int(i) for i in props.get("notification_ids") or ()),
        )


def validate(spec: MonitorSpec, with_secrets: bool = True) -> list[str]:
    problems: list[str] = []
    if spec.kind not in KINDS:
        problems.append(f"kind {spec.kind!r} is not one of {', '.join(KINDS)}")
    if spec.kind in ("http", "keyword") and not (spec.url or "").startswith(
        ("https://", "http://")
    ):
        problems.append("url must be an http(s) URL for http/keyword monitors")
    if spec.kind == "keyword" and not spec.keyword:
        problems.append("keyword monitors need the keyword the page must contain")
    token = spec.push_token or ""
    if with_secrets and spec.kind == "push" and len(token) < 10:
        problems.append("push monitors need a push token of at least 10 characters")
    if (
        with_secrets
        and spec.kind == "postgres"
        and not (spec.connection_string or "").startswith(("postgres://", "postgresql://"))
    ):
        problems.append("postgres monitors need a postgres:// connection string")
    elif (
        with_secrets
        and spec.kind == "postgres"
        and not urlsplit(spec.connection_string or "").password
    ):
        problems.append(
            "the postgres connection string needs a password (Uptime Kuma's "
            "postgres monitor fails with 'Password is undefined' without one)"
        )
    if spec.interval < 20:
        problems.append("interval must be at least 20 s (Uptime Kuma's minimum)")
    if not spec.key or not spec.name:
        problems.append("key and name must be non-empty")
    return problems


def live_fields(monitor: dict[str, Any]) -> dict[str, Any]:
    """Project a monitor from `get_monitor` onto MANAGED_FIELDS, normalised like kuma_fields."""
    kind = str(getattr(monitor.get("type"), "value", monitor.get("type")))
    out: dict[str, Any] = {}
    for name in MANAGED_FIELDS:
        value = monitor.get(name)
        if name == "type":
            value = kind
        elif name == "notificationIDList":
            value = sorted(int(i) for i in (value or []))
        elif name in ("interval", "maxretries", "retryInterval"):
            value = int(value) if value is not None else None
        elif name in ("expiryNotification", "ignoreTls"):
            value = bool(value)
        elif name == "accepted_statuscodes":
            value = list(value or ["200-299"])
        elif value == "":
            value = None
        out[name] = value
    return out


def desired_fields(spec: MonitorSpec) -> dict[str, Any]:
    return {name: spec.kuma_fields()[name] for name in MANAGED_FIELDS}


def drift(spec: MonitorSpec, monitor: dict[str, Any]) -> list[str]:
    """Names of the managed fields whose live value differs from the spec."""
    want, have = desired_fields(spec), live_fields(monitor)
    return [name for name in MANAGED_FIELDS if want[name] != have[name]]


def props_from_live(key: str, monitor: dict[str, Any]) -> dict[str, Any]:
    """The live monitor expressed as `MonitorSpec.to_props()` keys, for refresh and drift."""
    live = live_fields(monitor)
    return {
        "key": key,
        "name": live["name"],
        "kind": live["type"],
        "url": live["url"],
        "keyword": live["keyword"],
        "interval": live["interval"],
        "max_retries": live["maxretries"],
        "retry_interval": live["retryInterval"],
        "tls_expiry_alert": live["expiryNotification"],
        "push_token": live["pushToken"],
        "connection_string": live["databaseConnectionString"],
        "query": live["databaseQuery"],
        "description": live["description"] or "",
        "notification_ids": live["notificationIDList"],
    }

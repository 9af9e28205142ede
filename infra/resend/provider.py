"""Dynamic providers for Resend objects: the sending domain, its verification, the webhook.

The API key comes from stack config in `configure()` inside the provider process (or the
RESEND_API_KEY environment variable); it is never an input, never pickled, never in state.
A domain or webhook cannot be edited in place in the ways we care about (name, region,
return path, endpoint, events), so changing one replaces it; deleting the Pulumi resource
deletes the Resend object, since nothing else owns it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from infra.http_api.connection import Connection
from infra.http_api.errors import ApiNotFoundError
from infra.http_api.transport import RetryPolicy
from infra.resend.client import (
    BASE_URL_CONFIG_KEY,
    DEFAULT_BASE_URL,
    REGIONS,
    TOKEN_CONFIG_KEY,
    ResendApiClient,
)

TOKEN_ENV = "RESEND_MANAGEMENT_API_KEY"
DOMAIN_FIELDS = ("name", "region", "return_path")
WEBHOOK_FIELDS = ("endpoint", "events")
RECORD_FIELDS = ("record", "name", "type", "ttl", "value", "priority", "status")


class _ResendProvider(ResourceProvider):
    def __init__(self, *, base_url: str = DEFAULT_BASE_URL, policy: RetryPolicy | None = None):
        super().__init__()
        self.api = Connection(
            token_key=TOKEN_CONFIG_KEY,
            token_env=TOKEN_ENV,
            url_key=BASE_URL_CONFIG_KEY,
            base_url=base_url,
        )
        self.policy = policy or RetryPolicy()

    def configure(self, req: ConfigureRequest) -> None:
        self.api.configure(req.config)

    def client(self) -> ResendApiClient:
        return ResendApiClient(self.api.token, base_url=self.api.base_url, policy=self.policy)

    @staticmethod
    def _replace_on(
        fields: tuple[str, ...], olds: dict[str, Any], news: dict[str, Any]
    ) -> DiffResult:
        replaces = [f for f in fields if olds.get(f) != news.get(f)]
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=False)


def _records(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {k: r[k] for k in RECORD_FIELDS if k in r}
        for r in reply.get("records") or []
        if isinstance(r, dict)
    ]


class DomainProvider(_ResendProvider):
    """A Resend sending domain; outputs the DNS records Resend asks for (DKIM, SPF MX + TXT)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        name = news.get("name")
        if not isinstance(name, str) or "." not in name:
            failures.append(CheckFailure("name", "must be the sending domain, e.g. example.edu"))
        if news.get("region") not in REGIONS:
            failures.append(CheckFailure("region", f"must be one of {', '.join(REGIONS)}"))
        path = news.get("return_path")
        if not isinstance(path, str) or not path.isalnum():
            failures.append(CheckFailure("return_path", "must be one DNS label, e.g. send"))
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client() as client:
            reply = client.create_domain(
                str(props["name"]),
                region=str(props["region"]),
                return_path=str(props["return_path"]),
            )
        outs = {
            **_inputs(props, DOMAIN_FIELDS),
            "status": reply.get("status"),
            "records": _records(reply),
        }
        return CreateResult(str(reply["id"]), outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return self._replace_on(DOMAIN_FIELDS, olds, news)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            reply = client.get_domain(id_)
        outs = {
            "name": reply.get("name"),
            "region": reply.get("region"),
            "return_path": props.get("return_path"),
            "status": reply.get("status"),
            "records": _records(reply),
        }
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, contextlib.suppress(ApiNotFoundError):  # already gone
            client.delete_domain(id_)


class DomainVerificationProvider(_ResendProvider):
    """Asks Resend to verify the domain once its DNS records exist; outputs the status."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        status = self._verify(str(props["domain_id"]))
        return CreateResult(f"{props['domain_id']}/verification", {**props, "status": status})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in ("domain_id", "records") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "status": self._verify(str(news["domain_id"]))})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            status = client.get_domain(str(props["domain_id"])).get("status")
        return ReadResult(id_, {**props, "status": status})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None  # verification is a state of the domain, not an object

    def _verify(self, domain_id: str) -> Any:
        with self.client() as client:
            client.verify_domain(domain_id)
            return client.get_domain(domain_id).get("status")


class WebhookProvider(_ResendProvider):
    """A webhook to our API; the signing secret is an output, kept secret in state."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not str(news.get("endpoint", "")).startswith("https://"):
            failures.append(CheckFailure("endpoint", "must be an https:// URL of the API"))
        if not news.get("events"):
            failures.append(CheckFailure("events", "needs at least one event, e.g. email.bounced"))
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client() as client:
            reply = client.create_webhook(str(props["endpoint"]), list(props["events"]))
        outs = {**_inputs(props, WEBHOOK_FIELDS), "signing_secret": reply.get("signing_secret")}
        return CreateResult(str(reply["id"]), outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return self._replace_on(WEBHOOK_FIELDS, olds, news)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            reply = client.get_webhook(id_)
        outs = {
            "endpoint": reply.get("endpoint"),
            "events": list(reply.get("events") or []),
            "signing_secret": reply.get("signing_secret") or props.get("signing_secret"),
        }
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, contextlib.suppress(ApiNotFoundError):
            client.delete_webhook(id_)


def _inputs(props: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: props[k] for k in fields if k in props}

"""Dynamic providers for Infisical objects, sharing one CRUD/diff/drift skeleton.

Semantics, shared by every kind:
- credentials come from the provider process's environment (`INFISICAL_TOKEN`, or the Pulumi
  machine identity's universal-auth client id/secret), never from inputs, state or pickles;
- create adopts an object that already exists under the same natural key (a new project
  already has a `prod` environment; a folder or secret made by hand is taken over, not
  duplicated);
- read GETs the live object so `pulumi refresh` shows drift; a secret's value is compared by
  SHA-256 with what Pulumi last wrote, and a changed value shows as `changed-outside-pulumi`
  so the next `up` writes it back; a 404 means the object is gone (the next `up` recreates it);
- diff compares managed fields; `replaces` lists the fields that identify the object.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import Any, ClassVar

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

from infra.http_api.errors import ApiNotFoundError
from infra.http_api.transport import RetryPolicy
from infra.infisical.client import (
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
    TOKEN_ENV,
    InfisicalClient,
    JsonObject,
    universal_auth_login,
)

API_URL = "api_url"
DRIFTED = "changed-outside-pulumi"
_INTERNAL = frozenset({"__provider"})


class InfisicalProvider(ResourceProvider):
    """Skeleton: subclasses say which fields identify the object and how to call the API."""

    kind: ClassVar[str] = "object"
    required: ClassVar[tuple[str, ...]] = ()
    replace_on: ClassVar[tuple[str, ...]] = ()
    # Output-only fields (ids the API assigned): never compared as inputs.
    computed: ClassVar[tuple[str, ...]] = ()

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        super().__init__()
        self.policy = policy or RetryPolicy()

    def client(self, api_url: str) -> InfisicalClient:
        token = os.environ.get(TOKEN_ENV) or universal_auth_login(
            os.environ.get(CLIENT_ID_ENV, ""),
            os.environ.get(CLIENT_SECRET_ENV, ""),
            base_url=api_url,
            policy=self.policy,
        )
        return InfisicalClient(token, base_url=api_url, policy=self.policy)

    # -- engine entry points ------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [
            CheckFailure(key, f"Infisical {self.kind} needs `{key}`")
            for key in (API_URL, *self.required)
            if news.get(key) in (None, "")
        ]
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client(str(props[API_URL])) as client:
            id_, extra = self.do_create(client, props)
        return CreateResult(id_, {**_inputs(props), **extra})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if not has_credentials():
            # Pull request previews and the drift check run without Infisical access on
            # purpose (their identity reads only preview:/ci): say so, keep the state.
            pulumi.log.warn(
                f"Infisical {self.kind} {id_}: not refreshed, this job has no Infisical "
                f"credentials ({TOKEN_ENV} or {CLIENT_ID_ENV}/{CLIENT_SECRET_ENV})"
            )
            return ReadResult(id_, _inputs(props))
        with self.client(str(props[API_URL])) as client:
            try:
                live = self.do_read(client, id_, props)
            except ApiNotFoundError:
                live = None
        if live is None:
            return ReadResult(None, {})  # gone: the next `up` creates it again
        return ReadResult(id_, {**_inputs(props), **live})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = self.changed(olds, news)
        replaces = [k for k in changed if k in (API_URL, *self.replace_on)]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces),
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed = self.changed(olds, news)
        with self.client(str(news[API_URL])) as client:
            extra = self.do_update(client, id_, olds, news, changed)
        kept = {k: olds[k] for k in self.computed if k in olds}
        return UpdateResult({**_inputs(news), **kept, **extra})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Already gone (404) means deleting is done.
        with self.client(str(props[API_URL])) as client, contextlib.suppress(ApiNotFoundError):
            self.do_delete(client, id_, props)

    def changed(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        keys = (set(_inputs(olds)) | set(_inputs(news))) - set(self.computed)
        return sorted(k for k in keys if not _same(olds.get(k), news.get(k)))

    # -- per kind -----------------------------------------------------------------------------
    def do_create(self, client: InfisicalClient, props: dict[str, Any]) -> tuple[str, JsonObject]:
        raise NotImplementedError

    def do_read(
        self, client: InfisicalClient, id_: str, props: dict[str, Any]
    ) -> JsonObject | None:
        raise NotImplementedError

    def do_update(
        self,
        client: InfisicalClient,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        changed: list[str],
    ) -> JsonObject:
        raise NotImplementedError

    def do_delete(self, client: InfisicalClient, id_: str, props: dict[str, Any]) -> None:
        raise NotImplementedError


def has_credentials() -> bool:
    return bool(
        os.environ.get(TOKEN_ENV)
        or (os.environ.get(CLIENT_ID_ENV) and os.environ.get(CLIENT_SECRET_ENV))
    )


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in _INTERNAL}


def _same(old: Any, new: Any) -> bool:
    """Numbers come back from the engine as floats: 3600.0 equals 3600."""
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    return bool(old == new)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def whole(value: Any) -> int:
    """The engine hands numbers over as floats; the API's integer fields refuse 3600.0."""
    return int(value)

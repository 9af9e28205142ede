"""Dynamic provider for Supabase project settings we own (auth, SSL, network, PostgREST, Postgres).

Semantics, shared by every settings kind:
- create/update send only managed fields (update only the changed ones, unless the endpoint
  replaces the whole document); everything else in the project is left alone;
- read GETs live values so `pulumi refresh` shows drift; secrets come back hashed, so we keep
  the hash the API answered right after our write and flag drift when the live hash differs;
- diff compares field by field (CIDR lists as sets, numbers by value);
- delete leaves the live settings as they are and says so (they belong to the project).

The token comes from stack config in `configure()` inside the provider process; it is never
an input, never pickled, never in state.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
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
from infra.http_api.transport import RetryPolicy
from infra.supabase.client import (
    BASE_URL_CONFIG_KEY,
    DEFAULT_BASE_URL,
    TOKEN_CONFIG_KEY,
    SupabaseClient,
)
from infra.supabase.settings import SettingsKind

PROJECT_REF = "project_ref"
SECRET_HASHES = "secret_hashes"
DRIFTED = "changed-outside-pulumi"
_RESERVED = frozenset({PROJECT_REF, SECRET_HASHES, "__provider"})
_REF_PATTERN = re.compile(r"^[a-z]{20}$")
TOKEN_ENV = "SUPABASE_ACCESS_TOKEN"


def managed_fields(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in _RESERVED}


class SettingsProvider(ResourceProvider):
    """One provider class for every settings kind; the kind decides endpoints and comparisons."""

    def __init__(
        self,
        kind: SettingsKind,
        *,
        write_all: bool = False,
        base_url: str = DEFAULT_BASE_URL,
        policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.write_all = write_all
        self.api = Connection(
            token_key=TOKEN_CONFIG_KEY,
            token_env=TOKEN_ENV,
            url_key=BASE_URL_CONFIG_KEY,
            base_url=base_url,
        )
        self.policy = policy or RetryPolicy()

    def configure(self, req: ConfigureRequest) -> None:
        self.api.configure(req.config)

    def client(self) -> SupabaseClient:
        return SupabaseClient(
            self.api.token,
            base_url=self.api.base_url,
            policy=self.policy,
        )

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        ref = news.get(PROJECT_REF)
        failures = []
        if not isinstance(ref, str) or not _REF_PATTERN.match(ref):
            failures.append(
                CheckFailure(
                    PROJECT_REF,
                    "must be the 20-letter project ref; set `careers-crm:supabase.projectRef`",
                )
            )
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        ref = str(props[PROJECT_REF])
        fields = managed_fields(props)
        with self.client() as client:
            live = self.kind.write(client, ref, fields) if fields else {}
        outs = {**_public(props), SECRET_HASHES: self._hashes(live, fields, {})}
        return CreateResult(f"{ref}/{self.kind.name.replace(' ', '-').lower()}", outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = self._changed(olds, news)
        replaces = [PROJECT_REF] if olds.get(PROJECT_REF) != news.get(PROJECT_REF) else []
        return DiffResult(
            changes=bool(changed or replaces),
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces),
        )

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        ref = str(news[PROJECT_REF])
        wanted = managed_fields(news)
        to_send = wanted if self.write_all else {k: wanted[k] for k in self._changed(olds, news)}
        to_send = {k: v for k, v in to_send.items() if k in wanted}
        live: dict[str, Any] = {}
        if to_send:
            with self.client() as client:
                live = self.kind.write(client, ref, to_send)
        old_hashes = dict(olds.get(SECRET_HASHES) or {})
        outs = {**_public(news), SECRET_HASHES: self._hashes(live, to_send, old_hashes)}
        return UpdateResult(outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        ref = str(props.get(PROJECT_REF) or id_.split("/", 1)[0])
        fields = managed_fields(props)
        with self.client() as client:
            live = self.kind.read(client, ref, set(fields))
        hashes = dict(props.get(SECRET_HASHES) or {})
        outs = _public(props)
        outs[PROJECT_REF] = ref
        for name in fields:
            if name in self.kind.secret_fields:
                if live.get(name) != hashes.get(name):
                    outs[name] = DRIFTED  # unreadable secret changed: next `up` rewrites it
            else:
                outs[name] = live.get(name)
        outs[SECRET_HASHES] = hashes
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        pulumi.log.warn(
            f"Supabase {self.kind.name} ({id_}): removed from Pulumi management only; the "
            "project keeps its current settings (change them in the dashboard if needed)."
        )

    def _changed(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        old_fields, new_fields = managed_fields(olds), managed_fields(news)
        return sorted(
            name
            for name in new_fields
            if olds.get(name) == DRIFTED
            or not self.kind.same(name, old_fields.get(name), new_fields[name])
        )

    def _hashes(
        self, live: dict[str, Any], sent: dict[str, Any], previous: dict[str, Any]
    ) -> dict[str, Any]:
        hashes = {k: v for k, v in previous.items() if k in self.kind.secret_fields}
        for name in self.kind.secret_fields:
            if name in sent:
                hashes[name] = live.get(name)
        return hashes


def _public(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}

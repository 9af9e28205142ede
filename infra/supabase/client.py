"""Typed client for the Supabase Management API (https://api.supabase.com, Bearer PAT).

Only the operations in `infra.supabase.operations` can be sent; bodies carry only the fields a
caller passes (we PATCH what we manage and nothing else). Secret values passed in bodies are
registered with the redactor so they never surface in a log line or an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Unpack

from infra.endpoints import SUPABASE_API, SUPABASE_API_KEY
from infra.http_api.client import BearerClient, ClientOptions
from infra.http_api.errors import ApiResponseError
from infra.http_api.transport import AuthHint, decode_json
from infra.supabase import operations as ops
from infra.supabase.operations import Operation

DEFAULT_BASE_URL = SUPABASE_API
TOKEN_CONFIG_KEY = "careers-crm:supabase.accessToken"
# Another base URL (a local stand-in) for a stack that must not reach the real API.
BASE_URL_CONFIG_KEY = SUPABASE_API_KEY
_PROJECT_REF = re.compile(r"^[a-z]{20}$")

# Auth config fields that carry secrets: never logged, and the API answers them hashed.
AUTH_SECRET_FIELDS = frozenset(
    {
        "smtp_pass",
        "security_captcha_secret",
        "external_google_secret",
        "external_github_secret",
        "external_linkedin_oidc_secret",
    }
)
# Fields a GET may return that we must never keep (state, logs, outputs).
_DROPPED_READ_FIELDS = frozenset({"jwt_secret"})

JsonObject = dict[str, Any]


class SupabaseClient(BearerClient):
    """One client per provider call; cheap to build, never pickled (providers hold no client)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            token,
            service="supabase",
            token_name="access token",
            token_placeholder="PAT",
            auth_hint=AuthHint(TOKEN_CONFIG_KEY, ""),
            base_url=base_url,
            **options,
        )

    # -- auth ---------------------------------------------------------------------------------
    def get_auth_config(self, ref: str) -> JsonObject:
        return self._object(ops.GET_AUTH_CONFIG, ref)

    def update_auth_config(self, ref: str, fields: Mapping[str, Any]) -> JsonObject:
        self.redactor.add_all(str(fields[k]) for k in AUTH_SECRET_FIELDS if fields.get(k))
        return self._object(ops.UPDATE_AUTH_CONFIG, ref, dict(fields))

    # -- database security --------------------------------------------------------------------
    def get_ssl_enforcement(self, ref: str) -> JsonObject:
        return self._object(ops.GET_SSL_ENFORCEMENT, ref)

    def update_ssl_enforcement(self, ref: str, *, database: bool) -> JsonObject:
        return self._object(
            ops.UPDATE_SSL_ENFORCEMENT, ref, {"requestedConfig": {"database": database}}
        )

    def get_network_restrictions(self, ref: str) -> JsonObject:
        return self._object(ops.GET_NETWORK_RESTRICTIONS, ref)

    def apply_network_restrictions(
        self, ref: str, *, ipv4: list[str], ipv6: list[str]
    ) -> JsonObject:
        body = {"dbAllowedCidrs": list(ipv4), "dbAllowedCidrsV6": list(ipv6)}
        return self._object(ops.APPLY_NETWORK_RESTRICTIONS, ref, body)

    # -- data API and database config ---------------------------------------------------------
    def get_postgrest_config(self, ref: str) -> JsonObject:
        return self._object(ops.GET_POSTGREST_CONFIG, ref)

    def update_postgrest_config(self, ref: str, fields: Mapping[str, Any]) -> JsonObject:
        return self._object(ops.UPDATE_POSTGREST_CONFIG, ref, dict(fields))

    def get_postgres_config(self, ref: str) -> JsonObject:
        return self._object(ops.GET_POSTGRES_CONFIG, ref)

    def update_postgres_config(self, ref: str, fields: Mapping[str, Any]) -> JsonObject:
        return self._object(ops.UPDATE_POSTGRES_CONFIG, ref, dict(fields))

    def get_pooler_config(self, ref: str) -> list[JsonObject]:
        reply = self._call(ops.GET_POOLER_CONFIG, ref)
        if not isinstance(reply, list):
            raise ApiResponseError(ops.GET_POOLER_CONFIG.operation_id, "expected a JSON list")
        return [self._clean(item) for item in reply if isinstance(item, dict)]

    def update_pooler_config(self, ref: str, fields: Mapping[str, Any]) -> JsonObject:
        return self._object(ops.UPDATE_POOLER_CONFIG, ref, dict(fields))

    # -- read-only reports --------------------------------------------------------------------
    def list_backups(self, ref: str) -> JsonObject:
        return self._object(ops.LIST_BACKUPS, ref)

    def get_security_advisors(self, ref: str) -> JsonObject:
        return self._object(ops.GET_SECURITY_ADVISORS, ref)

    # -- plumbing -----------------------------------------------------------------------------
    def _object(self, op: Operation, ref: str, body: JsonObject | None = None) -> JsonObject:
        reply = self._call(op, ref, body)
        if not isinstance(reply, dict):
            raise ApiResponseError(op.operation_id, "expected a JSON object in the reply")
        return self._clean(reply)

    def _call(self, op: Operation, ref: str, body: JsonObject | None = None) -> Any:
        if not _PROJECT_REF.match(ref):
            raise ApiResponseError(
                op.operation_id,
                f"project ref {ref!r} is not 20 lowercase letters; set "
                "`careers-crm:supabase.projectRef` to the ref from the dashboard URL",
            )
        request = self._http.build_request(
            op.method, op.path.format(ref=ref), json=body if body is not None else None
        )
        response = self._exchange.send(op.operation_id, request, scope=op.scope)
        return decode_json(op.operation_id, response)

    @staticmethod
    def _clean(reply: JsonObject) -> JsonObject:
        return {k: v for k, v in reply.items() if k not in _DROPPED_READ_FIELDS}

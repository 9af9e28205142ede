"""Typed client for the parts of Resend's API we manage (https://api.resend.com, Bearer key).

Only operations from `infra.resend.operations` can be sent. A webhook's signing secret is
registered with the redactor the moment it is read, so it never surfaces in an error or log.
"""

from __future__ import annotations

from typing import Any, Unpack

from infra.endpoints import RESEND_API, RESEND_API_KEY
from infra.http_api.client import BearerClient, ClientOptions
from infra.http_api.errors import ApiResponseError
from infra.http_api.transport import AuthHint, decode_json
from infra.resend import operations as ops
from infra.resend.operations import Operation

DEFAULT_BASE_URL = RESEND_API
TOKEN_CONFIG_KEY = "careers-crm:resend.apiKey"
# Another base URL (a local stand-in) for a stack that must not reach the real API.
BASE_URL_CONFIG_KEY = RESEND_API_KEY
REGIONS = ("us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1")

JsonObject = dict[str, Any]


class ResendApiClient(BearerClient):
    """One client per provider call; providers never hold (or pickle) a client or key."""

    def __init__(
        self, token: str, *, base_url: str = DEFAULT_BASE_URL, **options: Unpack[ClientOptions]
    ) -> None:
        super().__init__(
            token,
            service="resend",
            token_name="API key",
            token_placeholder="re_... key with full access",
            auth_hint=AuthHint(TOKEN_CONFIG_KEY, "full_access"),
            base_url=base_url,
            **options,
        )

    # -- domains ------------------------------------------------------------------------------
    def create_domain(self, name: str, *, region: str, return_path: str) -> JsonObject:
        body = {"name": name, "region": region, "custom_return_path": return_path}
        return self._object(ops.CREATE_DOMAIN, body=body)

    def get_domain(self, domain_id: str) -> JsonObject:
        return self._object(ops.GET_DOMAIN, domain_id)

    def verify_domain(self, domain_id: str) -> JsonObject:
        return self._object(ops.VERIFY_DOMAIN, domain_id)

    def delete_domain(self, domain_id: str) -> JsonObject:
        return self._object(ops.DELETE_DOMAIN, domain_id)

    # -- webhooks -----------------------------------------------------------------------------
    def create_webhook(self, endpoint: str, events: list[str]) -> JsonObject:
        reply = self._object(ops.CREATE_WEBHOOK, body={"endpoint": endpoint, "events": events})
        self.redactor.add(str(reply.get("signing_secret") or ""))
        return reply

    def get_webhook(self, webhook_id: str) -> JsonObject:
        reply = self._object(ops.GET_WEBHOOK, webhook_id)
        self.redactor.add(str(reply.get("signing_secret") or ""))
        return reply

    def delete_webhook(self, webhook_id: str) -> JsonObject:
        return self._object(ops.DELETE_WEBHOOK, webhook_id)

    # -- plumbing -----------------------------------------------------------------------------
    def _object(
        self, op: Operation, object_id: str | None = None, body: JsonObject | None = None
    ) -> JsonObject:
        if "{id}" in op.path and not object_id:
            raise ApiResponseError(op.operation_id, "an object id is required")
        path = op.path.format(id=object_id) if object_id else op.path
        request = self._http.build_request(op.method, path, json=body)
        response = self._exchange.send(
            op.operation_id, request, scope="full_access", idempotent=op.idempotent
        )
        reply = decode_json(op.operation_id, response)
        if not isinstance(reply, dict):
            raise ApiResponseError(op.operation_id, "expected a JSON object in the reply")
        return reply

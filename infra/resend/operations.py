"""Every Resend API operation our client may send: the single list the contract tests check.

The client can only send an `Operation` from this module, so a new endpoint cannot slip in
without `tests/infra/resend/test_contract.py` seeing it against Resend's OpenAPI description.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    idempotent: bool = True


CREATE_DOMAIN = Operation("domains/create", "POST", "/domains", idempotent=False)
GET_DOMAIN = Operation("domains/get", "GET", "/domains/{id}")
VERIFY_DOMAIN = Operation("domains/verify", "POST", "/domains/{id}/verify")
DELETE_DOMAIN = Operation("domains/remove", "DELETE", "/domains/{id}")
CREATE_WEBHOOK = Operation("webhooks/create", "POST", "/webhooks", idempotent=False)
GET_WEBHOOK = Operation("webhooks/get", "GET", "/webhooks/{id}")
DELETE_WEBHOOK = Operation("webhooks/remove", "DELETE", "/webhooks/{id}")

ALL = (
    CREATE_DOMAIN,
    GET_DOMAIN,
    VERIFY_DOMAIN,
    DELETE_DOMAIN,
    CREATE_WEBHOOK,
    GET_WEBHOOK,
    DELETE_WEBHOOK,
)

"""A stateful fake of the Resend endpoints we use, held to Resend's OpenAPI description:
every request is validated (strict bodies) before it is answered and every reply after."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.infra.resend import contract

FAKE_KEY = "re_fake_management_key_for_tests"


class FakeResend:
    def __init__(self) -> None:
        self.domains: dict[str, dict[str, Any]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        op = contract.validate_request(request.method, path, body)
        self.calls.append((op.operation_id, path))
        if request.headers.get("authorization") != f"Bearer {FAKE_KEY}":
            return httpx.Response(401, json={"name": "validation_error", "message": "bad key"})
        status, reply = self._answer(op.operation_id, path, body)
        if status < 300:
            contract.validate_response(op, status, reply)
        return httpx.Response(status, json=reply)

    def _answer(self, op: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        object_id = path.split("/")[2] if path.count("/") >= 2 else ""
        if op == "domains/create":
            domain_id = str(uuid.uuid4())
            region, sub = body.get("region", "us-east-1"), body.get("custom_return_path", "send")
            self.domains[domain_id] = {
                "id": domain_id,
                "name": body["name"],
                "region": region,
                "status": "not_started",
                "created_at": "2026-11-30 12:00:00.000000+00",
                "records": [
                    {
                        "record": "DKIM",
                        "name": "resend._domainkey",
                        "type": "TXT",
                        "ttl": "Auto",
                        "status": "not_started",
                        "value": "p=MIGfMA0GCSqGSIb3DQEB",
                    },
                    {
                        "record": "SPF",
                        "name": sub,
                        "type": "MX",
                        "ttl": "Auto",
                        "status": "not_started",
                        "priority": 10,
                        "value": f"feedback-smtp.{region}.amazonses.com",
                    },
                    {
                        "record": "SPF",
                        "name": sub,
                        "type": "TXT",
                        "ttl": "Auto",
                        "status": "not_started",
                        "value": "v=spf1 include:amazonses.com ~all",
                    },
                ],
            }
            return 201, self.domains[domain_id]
        if op.startswith("domains/") and object_id not in self.domains:
            return 404, {"name": "not_found", "message": "Domain not found"}
        if op == "domains/get":
            return 200, {"object": "domain", **self.domains[object_id]}
        if op == "domains/verify":
            domain = self.domains[object_id]
            domain["status"] = "verified"
            for record in domain["records"]:
                record["status"] = "verified"
            return 200, {"object": "domain", "id": object_id}
        if op == "domains/remove":
            del self.domains[object_id]
            return 200, {"object": "domain", "id": object_id, "deleted": True}
        if op == "webhooks/create":
            webhook_id = str(uuid.uuid4())
            secret = "whsec_" + uuid.uuid4().hex
            self.webhooks[webhook_id] = {**body, "signing_secret": secret}
            return 201, {"object": "webhook", "id": webhook_id, "signing_secret": secret}
        if object_id not in self.webhooks:
            return 404, {"name": "not_found", "message": "Webhook not found"}
        if op == "webhooks/get":
            hook = self.webhooks[object_id]
            return 200, {"object": "webhook", "id": object_id, "status": "enabled", **hook}
        if op == "webhooks/remove":
            del self.webhooks[object_id]
            return 200, {"object": "webhook", "id": object_id, "deleted": True}
        return 400, {"message": f"{op} not faked"}

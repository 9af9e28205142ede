"""A stand-in for Supabase Auth's browser-facing endpoints, held to its OpenAPI contract.

WHY a stand-in: the real server (github.com/supabase/auth v2.196.0) could not be built here
(the Go module proxy serves it only by its exact pseudo-version, whose commit timestamp we
do not have; see the report of issue 15). Until it can, this answers the endpoints the web
front calls, as GoTrue documents them: every request body is validated strictly against
tests/contracts/supabase-auth-api.openapi.yaml; with CAPTCHA on, /otp without
`gotrue_meta_security.captcha_token` is refused (400 captcha_failed, as GoTrue answers);
magic links are single use; refresh tokens rotate and are revoked by /logout. Access tokens
are signed with the test identity's key, so the real API verifies them through its JWKS.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

from tests.app.identity import Identity
from tests.auth import contract

# Cloudflare's documented dummy token, which its test site keys hand the browser.
TURNSTILE_DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX"
PREFIX = "/auth/v1"


@dataclass
class AuthStandIn:
    identity: Identity
    users: dict[str, uuid.UUID]  # email -> user id (create_user is false: no sign-up)
    captcha_required: bool = True
    service_key: str = "fake-service-role-key-for-tests"
    access_token_seconds: int = 3600
    mailbox: list[dict[str, str]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    refresh_tokens: dict[str, uuid.UUID] = field(default_factory=dict)  # live ones only
    _links: dict[str, tuple[str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self, user: uuid.UUID) -> dict[str, Any]:
        now = int(time.time())
        refresh = secrets.token_urlsafe(16)
        self.refresh_tokens[refresh] = user
        return {
            "access_token": self.identity.token(user, exp=now + self.access_token_seconds),
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": self.access_token_seconds,
            "expires_at": now + self.access_token_seconds,
        }


def _handler(state: AuthStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
            self.send_header("Access-Control-Allow-Headers", "apikey, content-type, authorization")
            self.send_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, code: str, msg: str) -> None:
            self._reply(status, {"code": status, "error_code": code, "msg": msg})

        def do_OPTIONS(self) -> None:
            self._reply(204)

        def _parse(self) -> tuple[str, dict[str, str], Any]:
            url = urllib.parse.urlparse(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            path = url.path.removeprefix(PREFIX)
            contract.validate_request(self.command, path, body)
            with state._lock:
                state.requests.append(
                    {
                        "method": self.command,
                        "path": path,
                        "query": query,
                        "body": body,
                        "apikey": self.headers.get("apikey"),
                        "authorization": self.headers.get("Authorization"),
                    }
                )
            return path, query, body

        def do_GET(self) -> None:
            path, query, _ = self._parse()
            if path != "/verify":
                self._error(404, "not_found", "unknown path")
                return
            with state._lock:
                link = state._links.pop(query.get("token", ""), None)
            if link is None:  # used or never issued: GoTrue redirects with an error
                target = query.get("redirect_to", "")
                self._reply(
                    303, None, {"Location": f"{target}#error=access_denied&error_code=otp_expired"}
                )
                return
            email, redirect = link
            session = state.session(state.users[email])
            fragment = urllib.parse.urlencode({**session, "type": "magiclink"})
            self._reply(303, None, {"Location": f"{redirect}#{fragment}"})

        def do_POST(self) -> None:
            try:
                path, query, body = self._parse()
            except contract.ContractViolation as exc:
                self._error(400, "validation_failed", str(exc))
                return
            if path == "/otp":
                captcha = (body.get("gotrue_meta_security") or {}).get("captcha_token")
                if state.captcha_required and captcha != TURNSTILE_DUMMY_TOKEN:
                    self._error(
                        400,
                        "captcha_failed",
                        "captcha protection: request disallowed (no captcha response)",
                    )
                    return
                email = body["email"]
                if email in state.users:
                    token = secrets.token_urlsafe(12)
                    with state._lock:
                        state._links[token] = (email, query.get("redirect_to", ""))
                    verify = (
                        f"http://{self.headers['Host']}{PREFIX}/verify?token={token}"
                        f"&type=magiclink&redirect_to="
                        f"{urllib.parse.quote(query.get('redirect_to', ''), safe='')}"
                    )
                    state.mailbox.append({"to": email, "link": verify})
                self._reply(200, {})  # same answer for unknown addresses: no enumeration
            elif path == "/invite":  # admin only (service role), sends the invitation mail
                if self.headers.get("Authorization") != f"Bearer {state.service_key}":
                    self._error(401, "no_authorization", "This endpoint requires a valid JWT")
                    return
                email = body["email"].lower()
                if email in state.users:
                    self._error(
                        422,
                        "email_exists",
                        "A user with this email address has already been registered",
                    )
                    return
                user = uuid.uuid4()
                state.users[email] = user
                state.mailbox.append(
                    {"to": email, "link": f"invite:{query.get('redirect_to', '')}"}
                )
                self._reply(
                    200,
                    {
                        "id": str(user),
                        "aud": "authenticated",
                        "role": "authenticated",
                        "email": email,
                    },
                )
            elif path == "/token" and query.get("grant_type") == "refresh_token":
                with state._lock:
                    user = state.refresh_tokens.pop(body["refresh_token"], None)
                if user is None:
                    self._error(400, "refresh_token_not_found", "Invalid Refresh Token")
                    return
                self._reply(200, state.session(user))
            elif path == "/logout":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(
                        token,
                        state.identity.rsa_key.public_key(),
                        algorithms=["RS256"],
                        audience="authenticated",
                    )
                except jwt.PyJWTError:
                    self._error(401, "bad_jwt", "invalid JWT")
                    return
                user = uuid.UUID(claims["sub"])
                with state._lock:
                    for refresh in [r for r, u in state.refresh_tokens.items() if u == user]:
                        del state.refresh_tokens[refresh]
                self._reply(204)
            else:
                self._error(404, "not_found", "unknown path")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class AuthServer:
    def __init__(self, state: AuthStandIn) -> None:
        self.state = state
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> AuthServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

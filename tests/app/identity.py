"""A stand-in for Supabase Auth: signing keys, a real JWKS endpoint on 127.0.0.1, token minting.

The JWKS is served over HTTP by a real server so the API's fetch, cache and refresh-on-unknown-
kid paths run for real; `hits` counts fetches.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER_PATH = "/auth/v1"
HS_SECRET = "fake-legacy-jwt-secret-for-tests-only-0123456789"


@dataclass
class Identity:
    issuer: str
    rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey
    rsa_kid: str = "fake-rsa-kid-1"
    ec_kid: str = "fake-ec-kid-1"
    hits: int = 0
    otp_requests: list[dict[str, Any]] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec_key.public_key()))
        rsa_jwk.update(kid=self.rsa_kid, alg="RS256", use="sig")
        ec_jwk.update(kid=self.ec_kid, alg="ES256", use="sig")
        return {"keys": [rsa_jwk, ec_jwk]}

    def claims(self, sub: uuid.UUID | str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "sub": str(sub),
            "aud": "authenticated",
            "iss": self.issuer,
            "role": "authenticated",
            "iat": now,
            "exp": now + 3600,
            "email": "advisor@example.test",
        }
        base.update(overrides)
        return {k: v for k, v in base.items() if v is not None}

    def token(self, sub: uuid.UUID | str, alg: str = "RS256", **overrides: Any) -> str:
        claims = self.claims(sub, **overrides)
        if alg == "RS256":
            return jwt.encode(claims, self.rsa_key, "RS256", headers={"kid": self.rsa_kid})
        if alg == "ES256":
            return jwt.encode(claims, self.ec_key, "ES256", headers={"kid": self.ec_kid})
        if alg == "HS256":
            return jwt.encode(claims, HS_SECRET, "HS256")
        raise ValueError(alg)

    def rotate_rsa(self) -> None:
        """A new RSA key under a new kid, as after a Supabase key rotation."""
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_kid = f"fake-rsa-kid-{uuid.uuid4().hex[:6]}"


class _Handler(BaseHTTPRequestHandler):
    identity: Identity

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
        self.send_header("Access-Control-Allow-Headers", "apikey, content-type, authorization")
        self.send_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_POST(self) -> None:
        """Supabase Auth's magic-link endpoint: record the request, answer like GoTrue."""
        if not self.path.startswith(f"{ISSUER_PATH}/otp"):
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        self.identity.otp_requests.append(
            {
                "path": self.path,
                "apikey": self.headers.get("apikey"),
                "body": json.loads(self.rfile.read(length) or b"{}"),
            }
        )
        self.send_response(200)
        self._cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:
        if self.path != f"{ISSUER_PATH}/.well-known/jwks.json":
            self.send_error(404)
            return
        self.identity.hits += 1
        body = json.dumps(self.identity.jwks()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class JwksServer:
    def __init__(self) -> None:
        handler = type("Handler", (_Handler,), {})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        port = self._server.server_address[1]
        self.identity = Identity(
            issuer=f"http://127.0.0.1:{port}{ISSUER_PATH}",
            rsa_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
            ec_key=ec.generate_private_key(ec.SECP256R1()),
        )
        handler.identity = self.identity
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Identity:
        self._thread.start()
        return self.identity

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

"""Forged, stale and misdirected tokens are all refused with 401 problem+json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from app.main import create_app
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity, JwksServer


@pytest.fixture(scope="module")
def own_identity() -> Iterator[Identity]:
    """This module counts JWKS fetches, so it gets its own Auth stand-in."""
    with JwksServer() as ident:
        yield ident


@pytest.fixture(scope="module")
def client(module_dsn: str, own_identity: Identity) -> Iterator[TestClient]:
    """The default 30 s JWKS refresh cooldown: unknown kids cannot trigger a second fetch."""
    with TestClient(
        create_app(app_settings(module_dsn, own_identity)), raise_server_exceptions=False
    ) as c:
        yield c


@pytest.fixture(scope="module")
def member(module_dsn: str) -> seed.Member:
    return seed.member(module_dsn, seed.organization(module_dsn, "JWT Centre"))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def call(client: TestClient, token: str) -> tuple[int, dict[str, object]]:
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    if r.status_code == 401:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
    return r.status_code, r.json()


def test_valid_tokens_of_every_accepted_kind(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    for alg in ("RS256", "ES256", "HS256"):
        status, body = call(client, own_identity.token(member.user_id, alg))
        assert status == 200, (alg, body)


def test_alg_none_is_refused(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64(json.dumps(own_identity.claims(member.user_id)).encode())
    status, body = call(client, f"{header}.{payload}.")
    assert status == 401 and "algorithm" in str(body["detail"])


def test_hs256_signed_with_the_public_key_is_refused(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    pem = own_identity.rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": own_identity.rsa_kid}).encode())
    payload = b64(json.dumps(own_identity.claims(member.user_id)).encode())
    signing_input = f"{header}.{payload}".encode()
    sig = b64(hmac.new(pem, signing_input, hashlib.sha256).digest())
    status, _ = call(client, f"{header}.{payload}.{sig}")
    assert status == 401


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"aud": "anon"}, "audience"),
        ({"iss": "https://evil.example.test/auth/v1"}, "issuer"),
        ({"exp": None}, "'exp'"),
        ({"role": "service_role"}, "authenticated"),
    ],
)
def test_claims_are_checked(
    client: TestClient,
    own_identity: Identity,
    member: seed.Member,
    overrides: dict[str, object],
    words: str,
) -> None:
    for alg in ("RS256", "HS256"):
        status, body = call(client, own_identity.token(member.user_id, alg, **overrides))
        assert status == 401 and words in str(body["detail"]), (alg, body)


def test_bad_signature_is_refused(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    token = own_identity.token(member.user_id)
    header, payload, sig = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["sub"] = str(uuid.uuid4())
    status, body = call(client, f"{header}.{b64(json.dumps(forged).encode())}.{sig}")
    assert status == 401 and "signature" in str(body["detail"])
    hs = own_identity.token(member.user_id, "HS256")
    status, _ = call(client, hs[:-4] + ("AAAA" if not hs.endswith("AAAA") else "BBBB"))
    assert status == 401


def test_unknown_kid_is_refused_without_flooding_the_jwks(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = own_identity.claims(member.user_id)
    call(client, own_identity.token(member.user_id))  # JWKS cached
    before = own_identity.hits
    for i in range(5):
        token = jwt.encode(claims, stranger, "RS256", headers={"kid": f"unknown-{i}"})
        status, body = call(client, token)
        assert status == 401 and "key id" in str(body["detail"])
    assert own_identity.hits - before <= 1


def test_key_type_must_match_the_algorithm(
    client: TestClient, own_identity: Identity, member: seed.Member
) -> None:
    claims = own_identity.claims(member.user_id)
    token = jwt.encode(claims, own_identity.rsa_key, "RS256", headers={"kid": own_identity.ec_kid})
    status, _ = call(client, token)
    assert status == 401


def test_rotated_key_is_fetched_on_unknown_kid(module_dsn: str, member: seed.Member) -> None:
    with JwksServer() as rotating:  # its own Auth stand-in: the rotation affects nothing else
        settings = app_settings(module_dsn, rotating, jwks_refresh_cooldown_seconds=0.5)
        with TestClient(create_app(settings), raise_server_exceptions=False) as quick:
            assert call(quick, rotating.token(member.user_id))[0] == 200
            rotating.rotate_rsa()
            time.sleep(0.6)  # past the refresh cooldown
            status, body = call(quick, rotating.token(member.user_id))
    assert status == 200, body


def test_missing_and_malformed_tokens(client: TestClient) -> None:
    r = client.get("/me")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/me", headers={"Authorization": "Bearer not.a.jwt"}).status_code == 401
    assert client.get("/me", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401

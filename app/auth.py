"""Supabase JWT verification: asymmetric keys from the project's JWKS, legacy HS256 fallback.

Why each check: the algorithm comes from an allow list (never `none`, and an HS256 token is
only ever checked against the HS256 secret, so a token MAC'd with the public key fails); the
JWKS is cached and refetched on an unknown kid (key rotation), at most once per cooldown so
junk kids cannot turn the API into a JWKS flooder; exp, aud, iss and sub are required.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from app.settings import Settings

_ASYMMETRIC = {"RS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}


class AuthError(Exception):
    """The bearer token is unacceptable; `reason` is a short label safe to log and count."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    claims: dict[str, Any]


class JwksCache:
    """The project's signing keys by kid, refreshed on expiry and on an unknown kid."""

    def __init__(self, url: str, http: httpx.AsyncClient, ttl: float, cooldown: float) -> None:
        self._url = url
        self._http = http
        self._ttl = ttl
        self._cooldown = cooldown
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        if now - self._fetched_at > self._ttl:
            await self._refresh(force=True)
        elif kid not in self._keys:
            await self._refresh(force=False)
        return self._keys.get(kid)

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            now = time.monotonic()
            if not force and now - self._fetched_at < self._cooldown:
                return
            if force and now - self._fetched_at <= self._ttl and self._keys:
                return  # another request refreshed while we waited
            try:
                response = await self._http.get(self._url, timeout=5.0)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError):
                # Keep serving the keys we have; an unknown kid stays unknown.
                self._fetched_at = now - self._ttl + self._cooldown if self._keys else now
                return
            keys: dict[str, jwt.PyJWK] = {}
            for jwk in document.get("keys", []) if isinstance(document, dict) else []:
                kid = jwk.get("kid") if isinstance(jwk, dict) else None
                if not kid or jwk.get("use", "sig") != "sig":
                    continue
                try:
                    keys[kid] = jwt.PyJWK(jwk)
                except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
                    continue
            self._keys = keys
            self._fetched_at = now


class JwtVerifier:
    """Verifies tokens, remembering recent good ones: a browser sends the same token for up to
    an hour, and decoding + signature checking was ~20% of a request's CPU in the benchmark
    profile. A remembered token is only reused while unexpired; tokens that failed are never
    remembered, so forgeries are checked in full every time."""

    CACHE_SIZE = 10_000

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._allowed = tuple(settings.jwt_algorithms)
        self._jwks = JwksCache(
            settings.effective_jwks_url,
            http,
            settings.jwks_cache_seconds,
            settings.jwks_refresh_cooldown_seconds,
        )
        self._verified: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        hit = self._verified.get(token)
        if hit is not None:
            if hit[0] > time.time():
                return hit[1]
            del self._verified[token]
        principal = await self._verify(token)
        self._verified[token] = (float(principal.claims["exp"]), principal)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed", "the bearer token is not a JWT") from None
        legacy = self._settings.legacy_tokens
        if legacy is not None and legacy.applies_to(header, token):
            return self._verify_legacy(token)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._allowed:
            raise AuthError("algorithm", f"JWT algorithm {alg!r} is not accepted")
        key: Any
        if alg == "HS256":
            if not self._settings.jwt_secret:
                raise AuthError("algorithm", "HS256 tokens are not accepted here")
            key = self._settings.jwt_secret
        else:
            kid = header.get("kid")
            if not isinstance(kid, str) or not kid:
                raise AuthError("kid", "the JWT has no key id (kid)")
            jwk = await self._jwks.key(kid)
            if jwk is None:
                raise AuthError("kid", "the JWT's key id is not in the project's JWKS")
            declared = jwk._jwk_data.get("alg")
            if jwk.key_type != _ASYMMETRIC[alg] or (declared is not None and declared != alg):
                raise AuthError("algorithm", "the JWT's algorithm does not match its key")
            key = jwk.key
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                leeway=5,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("expired", "the JWT has expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError("audience", "the JWT's audience is not accepted") from None
        except jwt.InvalidIssuerError:
            raise AuthError("issuer", "the JWT's issuer is not accepted") from None
        except jwt.InvalidSignatureError:
            raise AuthError("signature", "the JWT's signature is invalid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError("claims", f"the JWT lacks the {exc.claim!r} claim") from None
        except jwt.PyJWTError:
            raise AuthError("invalid", "the JWT is invalid") from None
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError:
            raise AuthError("claims", "the JWT's sub is not a user id") from None
        if claims.get("role", "authenticated") != "authenticated":
            raise AuthError("claims", "only signed-in users (role authenticated) are accepted")
        return Principal(user_id, claims)

    def _verify_legacy(self, token: str) -> Principal:
        legacy = self._settings.legacy_tokens
        assert legacy is not None
        if legacy.expired():
            raise AuthError(
                "legacy_expired",
                f"old CRM tokens were accepted until {legacy.until.isoformat()}: "
                "sign in with your email link instead",
            )
        try:
            user_id, claims = legacy.decode(token)
        except jwt.ExpiredSignatureError:
            raise AuthError("expired", "the JWT has expired") from None
        except jwt.PyJWTError:
            raise AuthError("signature", "the old CRM token is invalid") from None
        return Principal(user_id, claims)

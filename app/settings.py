"""The app's configuration, read once from the environment into a frozen, validated object.

Every problem is collected and raised together as one SettingsError naming each variable and
its fix, so a misconfigured deploy fails at start with one readable message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from app.legacy_tokens import LegacyTokens
from app.telemetry_settings import TelemetrySettings, release_version

ALLOWED_JWT_ALGORITHMS = ("RS256", "ES256", "EdDSA", "HS256")


class SettingsError(ValueError):
    """One or more settings are missing or invalid; the message lists each with its fix."""


@dataclass(frozen=True)
class Settings:
    database_url: str = field(repr=False)
    jwt_issuer: str
    jwt_audience: str = "authenticated"
    jwks_url: str = ""
    jwt_secret: str | None = field(default=None, repr=False)  # legacy HS256 fallback
    jwt_algorithms: tuple[str, ...] = ("RS256", "ES256", "HS256")
    jwks_cache_seconds: float = 600.0
    jwks_refresh_cooldown_seconds: float = 30.0
    metrics_token: str | None = field(default=None, repr=False)
    redis_url: str | None = field(default=None, repr=False)
    student_cache_seconds: int = 300
    rate_limit_writes_per_minute: int = 120
    sentry_dsn: str | None = field(default=None, repr=False)
    sentry_traces_sample_rate: float = 0.0
    pool_min_size: int = 2
    pool_max_size: int = 10
    pool_timeout_seconds: float = 30.0
    # A pooled connection is replaced after this long, so a rotated database login
    # (app/rotate_db_password.py) reaches every connection within it.
    pool_max_lifetime_seconds: float = 600.0
    # Server-side prepared statements after N uses; None disables them, for a pooler in
    # transaction mode that cannot keep them (Supabase's port 6543 without prepared support).
    prepare_threshold: int | None = 5
    cors_allow_origins: tuple[str, ...] = ()
    resend_webhook_secret: str | None = field(default=None, repr=False)  # whsec_... (Svix)
    legacy_tokens: LegacyTokens | None = None  # the old CRM's tokens, until a set date
    supabase_url: str | None = None  # for staff invitations (Auth admin API)
    supabase_service_role_key: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    version: str = "dev"  # the deployed git SHA: Sentry release, OTel service.version
    telemetry: TelemetrySettings = field(default_factory=TelemetrySettings)

    @property
    def effective_jwks_url(self) -> str:
        return self.jwks_url or self.jwt_issuer.rstrip("/") + "/.well-known/jwks.json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        problems: list[str] = []

        def text(name: str, default: str | None = None) -> str | None:
            value = e.get(name, "").strip()
            return value or default

        def number(name: str, default: float, low: float, high: float) -> float:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                problems.append(f"{name}={raw!r} is not a number: set it to {default:g} or so")
                return default
            if not low <= value <= high:
                problems.append(f"{name}={raw} is outside {low:g}..{high:g}")
                return default
            return value

        database_url = text("DATABASE_URL")
        if not database_url:
            problems.append("DATABASE_URL is missing: set it to postgresql://user:pass@host/db")
        elif urlparse(database_url).scheme not in ("postgres", "postgresql"):
            problems.append("DATABASE_URL must start with postgresql://")
        issuer = text("JWT_ISSUER")
        if not issuer:
            problems.append(
                "JWT_ISSUER is missing: set it to https://<project-ref>.supabase.co/auth/v1"
            )
        elif urlparse(issuer).scheme not in ("https", "http"):
            problems.append(
                "JWT_ISSUER must be an http(s) URL like https://<ref>.supabase.co/auth/v1"
            )
        algorithms = tuple(
            a.strip()
            for a in (text("JWT_ALGORITHMS") or "RS256,ES256,HS256").split(",")
            if a.strip()
        )
        bad = [a for a in algorithms if a not in ALLOWED_JWT_ALGORITHMS]
        if bad or not algorithms:
            problems.append(
                f"JWT_ALGORITHMS has {bad or 'nothing'}: use a comma list of "
                f"{', '.join(ALLOWED_JWT_ALGORITHMS)}"
            )
        secret = text("SUPABASE_JWT_SECRET")
        if "HS256" in algorithms and secret is not None and len(secret) < 32:
            problems.append(
                "SUPABASE_JWT_SECRET is shorter than 32 characters: use the "
                "project's legacy JWT secret or unset it"
            )
        redis_url = text("REDIS_URL")
        if redis_url and urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
            problems.append("REDIS_URL must start with redis:// or rediss://")
        pool_min = int(number("DB_POOL_MIN_SIZE", 2, 0, 100))
        pool_max = int(number("DB_POOL_MAX_SIZE", 10, 1, 200))
        if pool_min > pool_max:
            problems.append(f"DB_POOL_MIN_SIZE={pool_min} exceeds DB_POOL_MAX_SIZE={pool_max}")
        raw_prepare = (text("DB_PREPARE_THRESHOLD") or "5").lower()
        prepare_threshold: int | None = 5
        if raw_prepare in ("none", "off", "disabled"):
            prepare_threshold = None
        elif raw_prepare.isdigit():
            prepare_threshold = int(raw_prepare)
        else:
            problems.append(
                f"DB_PREPARE_THRESHOLD={raw_prepare!r}: use a whole number, or "
                "none behind a transaction-mode pooler"
            )
        log_level = (text("LOG_LEVEL") or "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            problems.append(f"LOG_LEVEL={log_level!r}: use DEBUG, INFO, WARNING or ERROR")
        webhook_secret = text("RESEND_WEBHOOK_SECRET")
        if webhook_secret is not None and not webhook_secret.startswith("whsec_"):
            problems.append(
                "RESEND_WEBHOOK_SECRET must be the webhook's signing secret (whsec_...)"
            )
        legacy = _legacy_tokens(text, problems)
        settings = cls(
            database_url=database_url or "",
            jwt_issuer=issuer or "",
            jwt_audience=text("JWT_AUDIENCE", "authenticated") or "authenticated",
            jwks_url=text("SUPABASE_JWKS_URL") or "",
            jwt_secret=secret,
            jwt_algorithms=algorithms,
            metrics_token=text("METRICS_TOKEN"),
            redis_url=redis_url,
            student_cache_seconds=int(number("STUDENT_CACHE_SECONDS", 300, 1, 86400)),
            rate_limit_writes_per_minute=int(number("RATE_LIMIT_WRITES_PER_MINUTE", 120, 1, 1e6)),
            sentry_dsn=text("SENTRY_DSN"),
            sentry_traces_sample_rate=number("SENTRY_TRACES_SAMPLE_RATE", 0.0, 0.0, 1.0),
            pool_min_size=pool_min,
            pool_max_size=pool_max,
            pool_timeout_seconds=number("DB_POOL_TIMEOUT_SECONDS", 30.0, 0.1, 600),
            pool_max_lifetime_seconds=number("DB_POOL_MAX_LIFETIME_SECONDS", 600.0, 1.0, 86400),
            prepare_threshold=prepare_threshold,
            cors_allow_origins=tuple(
                o.strip() for o in (text("CORS_ALLOW_ORIGINS") or "").split(",") if o.strip()
            ),
            resend_webhook_secret=webhook_secret,
            legacy_tokens=legacy,
            supabase_url=text("SUPABASE_URL"),
            supabase_service_role_key=text("SUPABASE_SERVICE_ROLE_KEY"),
            log_level=log_level,
            version=release_version(e),
            telemetry=TelemetrySettings.from_env(e, problems),
        )
        if problems:
            raise SettingsError("invalid settings:\n  - " + "\n  - ".join(problems))
        return settings


def _legacy_tokens(text: Callable[[str], str | None], problems: list[str]) -> LegacyTokens | None:
    """LEGACY_CRM_JWT_ISSUER, LEGACY_CRM_JWT_SECRET and LEGACY_CRM_TOKENS_UNTIL: all or none."""
    names = ("LEGACY_CRM_JWT_ISSUER", "LEGACY_CRM_JWT_SECRET", "LEGACY_CRM_TOKENS_UNTIL")
    values = {n: text(n) for n in names}
    if not any(values.values()):
        return None
    missing = [n for n, v in values.items() if not v]
    if missing:
        problems.append(
            f"{', '.join(missing)} missing: the old CRM's tokens need issuer, secret and an "
            "end date (YYYY-MM-DD) together, or none of them"
        )
        return None
    try:
        until = date.fromisoformat(str(values["LEGACY_CRM_TOKENS_UNTIL"]))
    except ValueError:
        problems.append("LEGACY_CRM_TOKENS_UNTIL must be a date such as 2027-02-28")
        return None
    if len(str(values["LEGACY_CRM_JWT_SECRET"])) < 32:
        problems.append("LEGACY_CRM_JWT_SECRET is shorter than 32 characters")
        return None
    return LegacyTokens(
        str(values["LEGACY_CRM_JWT_ISSUER"]), str(values["LEGACY_CRM_JWT_SECRET"]), until
    )

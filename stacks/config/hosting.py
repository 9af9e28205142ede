"""Hosting: Supabase settings, Railway services, the app's processes and the Vercel project."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import date

import pulumi

from infra.baseline import PASSWORD_MIN_LENGTH, POSTGREST_MAX_ROWS, TOKEN_MAX_SECONDS
from infra.endpoints import RAILWAY_API, SUPABASE_API
from stacks.config.edge import DnsConfig
from stacks.config.reader import (
    Reader,
    endpoint_check,
    label_check,
)

_SUPABASE_REF_RE = re.compile(r"^[a-z]{20}$")

_PG_DURATION_RE = re.compile(r"^[1-9][0-9]*(ms|s|min)$")

_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}$")

_RAILWAY_REGIONS = ("us-west2", "us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a")

_NEVER_EXPOSED_SCHEMAS = ("auth", "storage", "extensions", "pg_catalog", "information_schema")


@dataclass(frozen=True)
class OAuthClientConfig:
    client_id: str
    secret: pulumi.Output[str]


@dataclass(frozen=True)
class SupabaseConfig:
    project_ref: str
    access_token: pulumi.Output[str] | None  # read by the dynamic providers, checked here
    management_api_url: str  # read by the dynamic providers, checked here
    anon_key: pulumi.Output[str] | None
    database_url: pulumi.Output[str] | None  # pooler URL with password, for the API
    jwt_expiry: int
    otp_expiry: int
    password_min_length: int
    leaked_password_check: bool
    captcha_secret: pulumi.Output[str] | None
    captcha_site_key: str  # public: the web front renders the Turnstile widget with it
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: pulumi.Output[str] | None
    smtp_sender_email: str
    smtp_sender_name: str
    oauth: dict[str, OAuthClientConfig]  # google / github / linkedin, when configured
    allowed_cidrs: tuple[str, ...]
    allowed_cidrs_v6: tuple[str, ...]
    exposed_schemas: tuple[str, ...]
    max_rows: int
    statement_timeout: str

    @property
    def api_url(self) -> str:
        return f"https://{self.project_ref}.supabase.co"


@dataclass(frozen=True)
class RailwayConfig:
    token: pulumi.Output[str] | None  # read by the dynamic providers, checked here
    api_url: str  # read by the dynamic providers, checked here
    project_name: str
    workspace_id: str | None
    adopt_project_id: str | None
    region: str
    api_replicas: int
    source_repo: str  # GitHub owner/name that Railway and Vercel build from


@dataclass(frozen=True)
class LegacyCrmTokens:
    """The old CRM's JWTs, accepted by the API from `since` to `until`. Their HS256 secret
    (LEGACY_CRM_JWT_SECRET) is person-made: entered into Infisical prod:/api, never here."""

    issuer: str
    since: date
    until: date


@dataclass(frozen=True)
class AppConfig:
    """Settings of the CRM app's processes on Railway (API and reminder worker)."""

    email_from: str
    legacy_crm: LegacyCrmTokens | None  # the old CRM's own tokens, for a bounded window
    sentry_traces_sample_rate: float
    # RESEND_API_KEY, REDIS_URL, SUPABASE_JWT_SECRET: person-made, entered into Infisical
    # (prod:/api, prod:/worker) once; Pulumi never holds them. SENTRY_DSN and the OTLP and
    # Better Stack credentials are written there by Pulumi (stacks/telemetry.py).


@dataclass(frozen=True)
class VercelConfig:
    project_name: str
    team_id: str | None


def _cidrs(reader: Reader, key: str, version: int) -> tuple[str, ...]:
    cidrs = reader.string_list(key, [])
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            reader.problem(key, f"{cidr!r} is not a CIDR block such as 203.0.113.0/24")
            continue
        if network.version != version:
            reader.problem(key, f"{cidr!r} is not an IPv{version} block")
    return cidrs


def _oauth(reader: Reader, name: str) -> OAuthClientConfig | None:
    client_id = reader.raw(f"supabase.{name}ClientId")
    secret = reader.secret(f"supabase.{name}ClientSecret", required=client_id is not None)
    if client_id is None:
        return None
    return None if secret is None else OAuthClientConfig(client_id, secret)


_TURNSTILE_WIDGET_ID_RE = re.compile(r"^[0-3]x[0-9A-Za-z_-]{20,40}$")


def _site_key_check(value: str) -> str | None:
    if _TURNSTILE_WIDGET_ID_RE.match(value):
        return None
    return f"must be the Turnstile widget's site key (0x4AAAA...); got {value!r}"


def read_supabase(reader: Reader, dns: DnsConfig) -> SupabaseConfig:
    def ref_check(value: str) -> str | None:
        return (
            None
            if _SUPABASE_REF_RE.match(value)
            else (f"must be the 20-letter project ref from the dashboard URL; got {value!r}")
        )

    def timeout_check(value: str) -> str | None:
        return (
            None
            if _PG_DURATION_RE.match(value)
            else (f"must be a Postgres duration such as 8s, 500ms or 2min; got {value!r}")
        )

    schemas = reader.string_list("supabase.exposedSchemas", ["api"])
    for schema in schemas:
        if schema in _NEVER_EXPOSED_SCHEMAS:
            reader.problem(
                "supabase.exposedSchemas",
                f"must not expose the {schema!r} schema through the Data API",
            )
    if not schemas:
        reader.problem("supabase.exposedSchemas", "needs at least one schema (e.g. api)")
    oauth = {
        name: client
        for name in ("google", "github", "linkedin")
        if (client := _oauth(reader, name)) is not None
    }
    allowed = _cidrs(reader, "supabase.allowedCidrs", 4)
    if not allowed:
        reader.problem(
            "supabase.allowedCidrs", "needs at least one IPv4 CIDR that may reach the database"
        )
    return SupabaseConfig(
        project_ref=reader.string("supabase.projectRef", check=ref_check),
        access_token=reader.secret("supabase.accessToken"),
        management_api_url=reader.string(
            "supabase.managementApiUrl", SUPABASE_API, check=endpoint_check
        ),
        anon_key=reader.secret("supabase.anonKey"),
        database_url=reader.secret("supabase.databaseUrl"),
        jwt_expiry=reader.integer(
            "supabase.jwtExpiry", TOKEN_MAX_SECONDS, minimum=300, maximum=TOKEN_MAX_SECONDS
        ),
        otp_expiry=reader.integer(
            "supabase.otpExpiry", TOKEN_MAX_SECONDS, minimum=60, maximum=TOKEN_MAX_SECONDS
        ),
        password_min_length=reader.integer(
            "supabase.passwordMinLength",
            PASSWORD_MIN_LENGTH,
            minimum=PASSWORD_MIN_LENGTH,
            maximum=72,
        ),
        leaked_password_check=reader.boolean("supabase.leakedPasswordCheck", False),
        captcha_secret=reader.secret("supabase.captchaSecret"),
        captcha_site_key=reader.string("supabase.captchaSiteKey", check=_site_key_check),
        smtp_host=reader.string("supabase.smtpHost", "smtp.resend.com"),
        smtp_port=reader.integer("supabase.smtpPort", 465, minimum=1, maximum=65535),
        smtp_user=reader.string("supabase.smtpUser", "resend"),
        smtp_password=reader.secret("supabase.smtpPassword"),
        smtp_sender_email=reader.string("supabase.smtpSenderEmail", f"no-reply@{dns.domain}"),
        smtp_sender_name=reader.string("supabase.smtpSenderName", "Career Services"),
        oauth=oauth,
        allowed_cidrs=allowed,
        allowed_cidrs_v6=_cidrs(reader, "supabase.allowedCidrsV6", 6),
        exposed_schemas=schemas,
        max_rows=reader.integer("supabase.maxRows", 500, minimum=1, maximum=POSTGREST_MAX_ROWS),
        statement_timeout=reader.string("supabase.statementTimeout", "8s", check=timeout_check),
    )


def read_app(reader: Reader, domain: str) -> AppConfig:
    email_from = reader.string("app.emailFrom", f"Career Services <reminders@{domain}>")
    if "@" not in email_from:
        reader.problem(
            "app.emailFrom",
            "must contain a sender address verified in Resend, "
            "e.g. 'Career Services <reminders@careers.example.edu>'",
        )
    rate = reader.raw("app.sentryTracesSampleRate") or "0.1"
    try:
        sample_rate = float(rate)
    except ValueError:
        sample_rate = -1.0
    if not 0.0 <= sample_rate <= 1.0:
        reader.problem("app.sentryTracesSampleRate", f"must be a number from 0 to 1, got {rate!r}")
        sample_rate = 0.1
    return AppConfig(
        legacy_crm=_legacy_crm(reader),
        email_from=email_from,
        sentry_traces_sample_rate=sample_rate,
    )


def _legacy_crm(reader: Reader) -> LegacyCrmTokens | None:
    keys = ("app.legacyCrmIssuer", "app.legacyCrmTokensSince", "app.legacyCrmTokensUntil")
    raw = {key: reader.raw(key) for key in keys}
    if not any(raw.values()):
        return None
    dates: dict[str, date] = {}
    for key in keys:
        if raw[key] is None:
            reader.problem(key, "is required while the old CRM's tokens are accepted")
        elif key != "app.legacyCrmIssuer":
            try:
                dates[key] = date.fromisoformat(str(raw[key]))
            except ValueError:
                reader.problem(key, f"must be a date such as 2027-02-28; got {raw[key]!r}")
    since, until = dates.get(keys[1]), dates.get(keys[2])
    if since is not None and until is not None and until < since:
        reader.problem(keys[2], "must not be before app.legacyCrmTokensSince")
    if since is None or until is None or raw[keys[0]] is None:
        return None
    return LegacyCrmTokens(str(raw[keys[0]]), since, until)


def read_railway(reader: Reader) -> RailwayConfig:
    def repo_check(value: str) -> str | None:
        return (
            None
            if _REPO_RE.match(value)
            else (f"must be the GitHub repository as owner/name; got {value!r}")
        )

    return RailwayConfig(
        token=reader.secret("railway.token"),
        api_url=reader.string("railway.apiUrl", RAILWAY_API, check=endpoint_check),
        project_name=reader.string("railway.projectName", "careers-crm", check=label_check),
        workspace_id=reader.raw("railway.workspaceId"),
        adopt_project_id=reader.raw("railway.projectId"),
        region=reader.choice("railway.region", "us-west2", _RAILWAY_REGIONS),
        api_replicas=reader.integer("railway.apiReplicas", 1, minimum=1, maximum=3),
        source_repo=reader.string("railway.sourceRepo", check=repo_check),
    )


def read_vercel(reader: Reader) -> VercelConfig:
    return VercelConfig(
        project_name=reader.string("vercel.projectName", "careers-crm-web", check=label_check),
        team_id=reader.raw("vercel.teamId"),
    )

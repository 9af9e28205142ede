"""The stack's configuration, read once into typed, immutable objects and validated.

Every problem is collected first, then raised together as one `ConfigError` naming each key
and its fix, so an engineer fixes the whole stack config in one go instead of one error per
run. Secrets are only ever held as `pulumi.Output`s.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import pulumi

from infra.cloudflare.plans import LIMITS, PLANS, PlanLimits, PlanName
from infra.cloudflare.waf import RateLimitRule

PROJECT: Final = "careers-crm"
T = TypeVar("T")

_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_CF_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_GH_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_TLS_VERSIONS = ("1.2", "1.3")
_R2_LOCATIONS = ("apac", "eeur", "enam", "weur", "wnam", "oc")
ONE_YEAR = 31_536_000
# --- observability (Grafana Cloud, Uptime Kuma) ---
_HTTPS_ORIGIN_RE = re.compile(r"^https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?/?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,63}$")
_GRAFANA_STACK_ID_RE = re.compile(r"^[0-9]{1,12}$")
_WEBHOOK_KINDS = ("discord", "slack")
# --- hosting (Supabase, Railway, Vercel) ---
_SUPABASE_REF_RE = re.compile(r"^[a-z]{20}$")
_PG_DURATION_RE = re.compile(r"^[1-9][0-9]*(ms|s|min)$")
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]{1,39}/[A-Za-z0-9_.-]{1,100}$")
_RAILWAY_REGIONS = ("us-west2", "us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a")
_NEVER_EXPOSED_SCHEMAS = ("auth", "storage", "extensions", "pg_catalog", "information_schema")


class ConfigError(Exception):
    """Invalid stack configuration; `problems` holds one line per key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"stack configuration has {len(problems)} problem(s):\n{lines}\n"
            f"Set values with `pulumi config set {PROJECT}:<key> <value>` "
            f"(secrets with --secret); every key is documented in Pulumi.yaml."
        )


class Reader:
    """Reads keys of one namespace, recording problems instead of raising."""

    def __init__(self, source: pulumi.Config) -> None:
        self._config = source
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{PROJECT}:{key}: {message}")

    def raw(self, key: str) -> str | None:
        value = self._config.get(key)
        return None if value is None or value == "" else value

    def string(
        self,
        key: str,
        default: str | None = None,
        *,
        check: Callable[[str], str | None] | None = None,
    ) -> str:
        value = self.raw(key)
        if value is None:
            if default is None:
                self.problem(key, "is required but not set")
                return ""
            value = default
        if check is not None and (why := check(value)) is not None:
            self.problem(key, why)
        return value

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.problem(key, f"must be a whole number, got {value!r}")
            return default
        if minimum is not None and number < minimum:
            self.problem(key, f"must be at least {minimum}, got {number}")
        if maximum is not None and number > maximum:
            self.problem(key, f"must be at most {maximum}, got {number}")
        return number

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.problem(key, f"must be true or false, got {value!r}")
        return default

    def choice(self, key: str, default: T, choices: tuple[T, ...]) -> T:
        value = self.raw(key)
        if value is None:
            return default
        for option in choices:
            if value == option:
                return option
        self.problem(key, f"must be one of {', '.join(map(str, choices))}; got {value!r}")
        return default

    def structured(self, key: str, default: Any) -> Any:
        value = self.raw(key)
        if value is None:
            return default
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            self.problem(key, "must be a YAML list/object in the stack file (not valid JSON)")
            return default

    def string_list(self, key: str, default: list[str]) -> tuple[str, ...]:
        value = self.structured(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of strings")
            return tuple(default)
        return tuple(value)

    def secret(self, key: str, *, required: bool = True) -> pulumi.Output[str] | None:
        value = self._config.get_secret(key)
        if value is None and required:
            self.problem(
                key, f"secret is required: `pulumi config set --secret {PROJECT}:{key} ...`"
            )
        return value


def domain_check(value: str) -> str | None:
    if not _DOMAIN_RE.match(value):
        return f"must be a lower-case DNS name such as careers.example.edu; got {value!r}"
    return None


def label_check(value: str) -> str | None:
    if not _LABEL_RE.match(value):
        return f"must be one lower-case DNS label (letters, digits, '-'); got {value!r}"
    return None


def cf_id_check(value: str) -> str | None:
    if not _CF_ID_RE.match(value):
        return (
            "must be the 32-character hex id from the Cloudflare dashboard "
            f"(Overview > API); got {value!r}"
        )
    return None


def github_name_check(value: str) -> str | None:
    return None if _GH_NAME_RE.match(value) else f"is not a valid GitHub name: {value!r}"


@dataclass(frozen=True)
class DnsConfig:
    domain: str
    api_label: str
    web_label: str

    @property
    def api_hostname(self) -> str:
        return f"{self.api_label}.{self.domain}"

    @property
    def web_hostname(self) -> str:
        return f"{self.web_label}.{self.domain}"

    @property
    def web_origin(self) -> str:
        return f"https://{self.web_hostname}"


@dataclass(frozen=True)
class CloudflareConfig:
    account_id: str
    zone_id: str
    plan: PlanName
    min_tls_version: str
    hsts_max_age: int
    rate_limits: tuple[RateLimitRule, ...]

    @property
    def limits(self) -> PlanLimits:
        return LIMITS[self.plan]


@dataclass(frozen=True)
class R2Config:
    location: str
    backup_retention_days: int
    uploads_bucket: str
    backups_bucket: str
    # S3 credentials of an R2 token the operator (not the app) uses for lifecycle and CORS.
    access_key_id: pulumi.Output[str] | None
    secret_access_key: pulumi.Output[str] | None


@dataclass(frozen=True)
class GitHubConfig:
    repository: str
    required_approvals: int
    prod_reviewers: tuple[str, ...]
    advanced_security: bool
    required_checks: tuple[str, ...]
    pulumi_access_token: pulumi.Output[str] | None


@dataclass(frozen=True)
class OAuthClientConfig:
    client_id: str
    secret: pulumi.Output[str]


@dataclass(frozen=True)
class SupabaseConfig:
    project_ref: str
    access_token: pulumi.Output[str] | None  # read by the dynamic providers, checked here
    anon_key: pulumi.Output[str] | None
    database_url: pulumi.Output[str] | None  # pooler URL with password, for the API
    jwt_expiry: int
    otp_expiry: int
    password_min_length: int
    leaked_password_check: bool
    captcha_secret: pulumi.Output[str] | None
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
    project_name: str
    workspace_id: str | None
    adopt_project_id: str | None
    region: str
    api_replicas: int
    source_repo: str  # GitHub owner/name that Railway and Vercel build from


@dataclass(frozen=True)
class AppConfig:
    """Settings of the CRM app's processes on Railway (API and reminder worker)."""

    email_from: str
    resend_api_key: pulumi.Output[str] | None
    legacy_jwt_secret: pulumi.Output[str] | None  # HS256 fallback while tokens migrate
    redis_url: pulumi.Output[str] | None
    sentry_dsn: pulumi.Output[str] | None
    sentry_traces_sample_rate: float


@dataclass(frozen=True)
class VercelConfig:
    project_name: str
    team_id: str | None


@dataclass(frozen=True)
class AlertingConfig:
    """Who is told when something breaks: Grafana alerts and Uptime Kuma notifications."""

    emails: tuple[str, ...]
    webhook_kind: str  # discord | slack
    webhook_url: pulumi.Output[str] | None
    runbook_base_url: str  # docs/observability.md is linked from every alert


@dataclass(frozen=True)
class GrafanaConfig:
    url: str
    auth: pulumi.Output[str] | None  # service account token
    stack_id: str
    connections_api_url: str
    connections_api_token: pulumi.Output[str] | None  # access policy token (scrape jobs)
    prometheus_datasource_uid: str
    metrics_token: pulumi.Output[str] | None  # the API's METRICS_TOKEN (bearer for /metrics)


@dataclass(frozen=True)
class UptimeKumaConfig:
    admin_username: str
    admin_password: pulumi.Output[str] | None
    backup_push_token: pulumi.Output[str] | None
    drill_push_token: pulumi.Output[str] | None  # the weekly restore drill's heartbeat
    status_page_slug: str
    extra_hosts: tuple[str, ...]  # public hostnames beyond the API and web hosts


@dataclass(frozen=True)
class StackConfig:
    stack: str
    dns: DnsConfig
    cloudflare: CloudflareConfig
    r2: R2Config
    github: GitHubConfig
    supabase: SupabaseConfig
    railway: RailwayConfig
    app: AppConfig
    vercel: VercelConfig
    alerting: AlertingConfig
    grafana: GrafanaConfig
    uptime_kuma: UptimeKumaConfig


DEFAULT_RATE_LIMITS: Final[list[dict[str, Any]]] = [
    {
        "name": "Sign-in and API paths",
        "paths": ["/auth/*", "/v1/*"],
        "requestsPerPeriod": 100,
        "period": 10,
        "mitigationTimeout": 10,
        "action": "block",
    },
]


def _rate_limits(reader: Reader, limits: PlanLimits) -> tuple[RateLimitRule, ...]:
    key = "cloudflare.rateLimits"
    raw = reader.structured(key, DEFAULT_RATE_LIMITS)
    if not isinstance(raw, list) or not raw:
        reader.problem(
            key,
            "must be a non-empty list of rules "
            "(name, paths, requestsPerPeriod, period, mitigationTimeout)",
        )
        return ()
    if len(raw) > limits.rate_limit_rules:
        reader.problem(
            key,
            f"has {len(raw)} rules but the Cloudflare {limits.plan} plan allows "
            f"{limits.rate_limit_rules}; merge the paths into fewer rules or "
            f"raise cloudflare.plan",
        )
    rules: list[RateLimitRule] = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            reader.problem(where, "must be an object")
            continue
        rule = _rate_limit(reader, where, item, limits)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rate_limit(
    reader: Reader, where: str, item: Mapping[str, Any], limits: PlanLimits
) -> RateLimitRule | None:
    name, paths = item.get("name"), item.get("paths")
    rpp, period = item.get("requestsPerPeriod"), item.get("period")
    timeout, action = item.get("mitigationTimeout", period), item.get("action", "block")
    ok = True
    if not isinstance(name, str) or not name:
        reader.problem(f"{where}.name", "must be a non-empty string")
        ok = False
    if (
        not isinstance(paths, list)
        or not paths
        or not all(isinstance(p, str) and p.startswith("/") for p in paths)
    ):
        reader.problem(f"{where}.paths", "must be a non-empty list of paths starting with '/'")
        ok = False
    if not isinstance(rpp, int) or rpp < 1:
        reader.problem(f"{where}.requestsPerPeriod", "must be a positive whole number")
        ok = False
    allowed_periods = sorted(limits.rate_limit_periods)
    if not isinstance(period, int) or period not in limits.rate_limit_periods:
        reader.problem(
            f"{where}.period",
            f"must be one of {allowed_periods} seconds on the "
            f"Cloudflare {limits.plan} plan; got {period!r}",
        )
        ok = False
    allowed_timeouts = sorted(limits.mitigation_timeouts)
    if not isinstance(timeout, int) or timeout not in limits.mitigation_timeouts:
        reader.problem(
            f"{where}.mitigationTimeout",
            f"must be one of {allowed_timeouts} seconds on the Cloudflare "
            f"{limits.plan} plan; got {timeout!r}",
        )
        ok = False
    if action not in ("block", "managed_challenge", "js_challenge", "log"):
        reader.problem(f"{where}.action", "must be block, managed_challenge, js_challenge or log")
        ok = False
    if not ok:
        return None
    return RateLimitRule(
        name=str(name),
        paths=tuple(paths or ()),
        requests_per_period=int(rpp or 0),
        period=int(period or 0),
        mitigation_timeout=int(timeout),
        action=action,
    )


def _dns(reader: Reader) -> DnsConfig:
    dns = DnsConfig(
        domain=reader.string("domain", check=domain_check),
        api_label=reader.string("dns.apiHost", "api", check=label_check),
        web_label=reader.string("dns.webHost", "app", check=label_check),
    )
    if dns.api_label == dns.web_label:
        reader.problem("dns.webHost", "must differ from dns.apiHost")
    return dns


def _cloudflare(reader: Reader) -> CloudflareConfig:
    plan = reader.choice("cloudflare.plan", "free", PLANS)
    return CloudflareConfig(
        account_id=reader.string("cloudflare.accountId", check=cf_id_check),
        zone_id=reader.string("cloudflare.zoneId", check=cf_id_check),
        plan=plan,
        min_tls_version=reader.choice("cloudflare.minTlsVersion", "1.2", _TLS_VERSIONS),
        hsts_max_age=reader.integer(
            "cloudflare.hstsMaxAge", ONE_YEAR, minimum=ONE_YEAR, maximum=2 * ONE_YEAR
        ),
        rate_limits=_rate_limits(reader, LIMITS[plan]),
    )


def _r2(reader: Reader, stack: str) -> R2Config:
    prefix = reader.string("r2.bucketPrefix", "careers-crm", check=label_check)
    return R2Config(
        location=reader.choice("r2.location", "enam", _R2_LOCATIONS),
        backup_retention_days=reader.integer("r2.backupRetentionDays", 30, minimum=7, maximum=3650),
        uploads_bucket=f"{prefix}-{stack}-uploads",
        backups_bucket=f"{prefix}-{stack}-backups",
        access_key_id=reader.secret("r2.accessKeyId"),
        secret_access_key=reader.secret("r2.secretAccessKey"),
    )


def _github(reader: Reader) -> GitHubConfig:
    github = GitHubConfig(
        repository=reader.string(
            "github.repository", "careers-crm-platform", check=github_name_check
        ),
        required_approvals=reader.integer("github.requiredApprovals", 1, minimum=1, maximum=6),
        prod_reviewers=reader.string_list("github.prodReviewers", []),
        advanced_security=reader.boolean("github.advancedSecurity", True),
        required_checks=reader.string_list(
            "github.requiredChecks", ["lint", "typecheck", "test", "audit"]
        ),
        pulumi_access_token=reader.secret("github.pulumiAccessToken"),
    )
    if not github.prod_reviewers:
        reader.problem(
            "github.prodReviewers", "needs at least one GitHub user login who approves prod deploys"
        )
    for login in github.prod_reviewers:
        if (why := github_name_check(login)) is not None:
            reader.problem("github.prodReviewers", why)
    return github


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


def _supabase(reader: Reader, dns: DnsConfig) -> SupabaseConfig:
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
        anon_key=reader.secret("supabase.anonKey"),
        database_url=reader.secret("supabase.databaseUrl"),
        jwt_expiry=reader.integer("supabase.jwtExpiry", 3600, minimum=300, maximum=86400),
        otp_expiry=reader.integer("supabase.otpExpiry", 3600, minimum=60, maximum=3600),
        password_min_length=reader.integer("supabase.passwordMinLength", 12, minimum=8, maximum=72),
        leaked_password_check=reader.boolean("supabase.leakedPasswordCheck", False),
        captcha_secret=reader.secret("supabase.captchaSecret"),
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
        max_rows=reader.integer("supabase.maxRows", 500, minimum=1, maximum=10000),
        statement_timeout=reader.string("supabase.statementTimeout", "8s", check=timeout_check),
    )


def _app(reader: Reader, domain: str) -> AppConfig:
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
        email_from=email_from,
        resend_api_key=reader.secret("app.resendApiKey"),
        legacy_jwt_secret=reader.secret("app.legacyJwtSecret", required=False),
        redis_url=reader.secret("app.redisUrl", required=False),
        sentry_dsn=reader.secret("app.sentryDsn", required=False),
        sentry_traces_sample_rate=sample_rate,
    )


def _railway(reader: Reader) -> RailwayConfig:
    def repo_check(value: str) -> str | None:
        return (
            None
            if _REPO_RE.match(value)
            else (f"must be the GitHub repository as owner/name; got {value!r}")
        )

    return RailwayConfig(
        token=reader.secret("railway.token"),
        project_name=reader.string("railway.projectName", "careers-crm", check=label_check),
        workspace_id=reader.raw("railway.workspaceId"),
        adopt_project_id=reader.raw("railway.projectId"),
        region=reader.choice("railway.region", "us-west2", _RAILWAY_REGIONS),
        api_replicas=reader.integer("railway.apiReplicas", 1, minimum=1, maximum=3),
        source_repo=reader.string("railway.sourceRepo", check=repo_check),
    )


def _vercel(reader: Reader) -> VercelConfig:
    return VercelConfig(
        project_name=reader.string("vercel.projectName", "careers-crm-web", check=label_check),
        team_id=reader.raw("vercel.teamId"),
    )


def _https_origin_check(value: str) -> str | None:
    return (
        None
        if _HTTPS_ORIGIN_RE.match(value)
        else (f"must be an https:// origin such as https://example.grafana.net; got {value!r}")
    )


def _alerting(reader: Reader) -> AlertingConfig:
    emails = reader.string_list("observability.alertEmails", [])
    if not emails:
        reader.problem(
            "observability.alertEmails", "needs at least one address that receives alerts"
        )
    for email in emails:
        if not _EMAIL_RE.match(email):
            reader.problem("observability.alertEmails", f"{email!r} is not an email address")
    return AlertingConfig(
        emails=emails,
        webhook_kind=reader.choice("observability.webhookKind", "discord", _WEBHOOK_KINDS),
        webhook_url=reader.secret("observability.webhookUrl"),
        runbook_base_url=reader.string(
            "observability.runbookBaseUrl",
            "https://github.com/careers-crm/careers-crm-platform/blob/main",
            check=lambda v: None if v.startswith("https://") else "must be an https:// URL",
        ),
    )


def _grafana(reader: Reader) -> GrafanaConfig:
    def stack_id_check(value: str) -> str | None:
        return (
            None
            if _GRAFANA_STACK_ID_RE.match(value)
            else (
                "must be the numeric Grafana Cloud stack id (grafana.com > My Account > "
                f"your stack > Details); got {value!r}"
            )
        )

    return GrafanaConfig(
        url=reader.string("grafana.url", check=_https_origin_check),
        auth=reader.secret("grafana.auth"),
        stack_id=reader.string("grafana.stackId", check=stack_id_check),
        connections_api_url=reader.string("grafana.connectionsApiUrl", check=_https_origin_check),
        connections_api_token=reader.secret("grafana.connectionsApiToken"),
        prometheus_datasource_uid=reader.string(
            "grafana.prometheusDatasourceUid", "grafanacloud-prom"
        ),
        metrics_token=reader.secret("grafana.metricsToken"),
    )


def _uptime_kuma(reader: Reader) -> UptimeKumaConfig:
    extra = reader.string_list("uptimeKuma.extraHosts", [])
    for host in extra:
        if (why := domain_check(host)) is not None:
            reader.problem("uptimeKuma.extraHosts", why)
    return UptimeKumaConfig(
        admin_username=reader.string("uptimeKuma.adminUsername", "admin"),
        admin_password=reader.secret("uptimeKuma.adminPassword"),
        backup_push_token=reader.secret("uptimeKuma.backupPushToken"),
        drill_push_token=reader.secret("uptimeKuma.drillPushToken"),
        status_page_slug=reader.string("uptimeKuma.statusPageSlug", "status", check=label_check),
        extra_hosts=extra,
    )


def load(stack: str | None = None, source: pulumi.Config | None = None) -> StackConfig:
    """Read and validate the whole stack configuration, or raise one ConfigError."""
    reader = Reader(source or pulumi.Config(PROJECT))
    stack_name = stack or pulumi.get_stack()
    dns = _dns(reader)
    config = StackConfig(
        stack=stack_name,
        dns=dns,
        cloudflare=_cloudflare(reader),
        r2=_r2(reader, stack_name),
        github=_github(reader),
        supabase=_supabase(reader, dns),
        railway=_railway(reader),
        app=_app(reader, dns.domain),
        vercel=_vercel(reader),
        alerting=_alerting(reader),
        grafana=_grafana(reader),
        uptime_kuma=_uptime_kuma(reader),
    )
    if reader.problems:
        raise ConfigError(reader.problems)
    return config

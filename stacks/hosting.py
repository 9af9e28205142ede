"""Hosting part of the prod composition: Supabase settings, Railway (API + Uptime Kuma), Vercel.

Returns the DNS targets the Edge's records point at (Railway's required CNAME for the API
host, Vercel's recommended CNAME for the web host), so no target is ever copied by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.infisical.component import InfisicalSecrets
from infra.r2.storage import Storage
from infra.railway.component import ApiServiceArgs, RailwayApp, RailwayArgs, WorkerServiceArgs
from infra.resend.component import EmailDomain
from infra.supabase.component import SupabaseProject, SupabaseProjectArgs
from infra.supabase.resources import (
    AuthConfigArgs,
    NetworkRestrictionsArgs,
    OAuthClient,
    PostgresArgs,
    PostgrestArgs,
    SmtpSettings,
)
from infra.upstash.redis import RedisArgs, RedisCache
from infra.upstash.regions import RAILWAY_TO_UPSTASH
from infra.vercel.web import WebFront, WebFrontArgs
from stacks import secrets
from stacks.config import AppConfig, ConfigError, StackConfig
from stacks.telemetry import ServiceTelemetry

# Our config names -> Supabase Auth's provider names (/authorize?provider=...).
AUTH_PROVIDER_NAMES = {"google": "google", "github": "github", "linkedin": "linkedin_oidc"}


@dataclass(frozen=True)
class Hosting:
    api_target: pulumi.Output[str]
    web_target: pulumi.Output[str]
    uptime_kuma_url: pulumi.Output[str]
    supabase_url: str
    # Ids the deploy workflow needs (RAILWAY_*_SERVICE_ID, RAILWAY_ENVIRONMENT_ID, VERCEL_*).
    railway_project_id: pulumi.Output[str]
    railway_environment_id: pulumi.Output[str]
    railway_api_service_id: pulumi.Output[str]
    railway_worker_service_id: pulumi.Output[str]
    vercel_project_id: pulumi.Output[str]


def _required(value: pulumi.Output[str] | None, key: str) -> pulumi.Output[str]:
    if value is None:  # load() already reported it; this keeps the types honest
        raise ConfigError([f"careers-crm:{key}: secret is required"])
    return value


def _legacy_crm_variables(app: AppConfig) -> dict[str, str]:
    """The old CRM's token window, as plain variables the audit reads (CRM-APP-001)."""
    if app.legacy_crm is None:
        return {}
    return {
        "LEGACY_CRM_JWT_ISSUER": app.legacy_crm.issuer,
        "LEGACY_CRM_TOKENS_SINCE": app.legacy_crm.since.isoformat(),
        "LEGACY_CRM_TOKENS_UNTIL": app.legacy_crm.until.isoformat(),
    }


def build(
    cfg: StackConfig,
    storage: Storage,
    vault: InfisicalSecrets,
    mail: EmailDomain,
    telemetry: ServiceTelemetry,
) -> Hosting:
    """`telemetry` adds the plain OTLP and Better Stack settings to both services (their
    credentials are in Infisical, published by the program)."""
    sb, rw, dns, app = cfg.supabase, cfg.railway, cfg.dns, cfg.app
    api_plain, api_secret = secrets.runtime_variables(vault, cfg, "api")
    worker_plain, worker_secret = secrets.runtime_variables(vault, cfg, "worker")
    api_plain |= telemetry.plain_for("crm-api")
    worker_plain |= telemetry.plain_for("crm-worker")
    api_origin = f"https://{dns.api_hostname}"
    oauth = {name: OAuthClient(c.client_id, c.secret) for name, c in sb.oauth.items()}

    supabase = SupabaseProject(
        "supabase",
        SupabaseProjectArgs(
            auth=AuthConfigArgs(
                project_ref=sb.project_ref,
                site_url=dns.web_origin,
                redirect_urls=[f"{dns.web_origin}/**", f"{api_origin}/**"],
                captcha_secret=_required(sb.captcha_secret, "supabase.captchaSecret"),
                smtp=SmtpSettings(
                    host=sb.smtp_host,
                    port=sb.smtp_port,
                    user=sb.smtp_user,
                    password=_required(sb.smtp_password, "supabase.smtpPassword"),
                    admin_email=sb.smtp_sender_email,
                    sender_name=sb.smtp_sender_name,
                ),
                google=oauth.get("google"),
                github=oauth.get("github"),
                linkedin=oauth.get("linkedin"),
                jwt_expiry_s=sb.jwt_expiry,
                otp_expiry_s=sb.otp_expiry,
                password_min_length=sb.password_min_length,
                leaked_password_check=sb.leaked_password_check or None,
            ),
            network=NetworkRestrictionsArgs(sb.project_ref, sb.allowed_cidrs, sb.allowed_cidrs_v6),
            postgrest=PostgrestArgs(sb.project_ref, sb.exposed_schemas, sb.max_rows),
            postgres=PostgresArgs(sb.project_ref, sb.statement_timeout),
        ),
        # Auth mail goes out through Resend SMTP from the sending domain: verify it first.
        opts=pulumi.ResourceOptions(depends_on=[mail.verification]),
    )

    # The API's shared cache and rate limits, next to its Railway region; the URL (with the
    # database password) goes to Infisical prod:/api and is never set by hand.
    if cfg.upstash.enabled:
        redis = RedisCache(
            "redis",
            RedisArgs(
                database_name=f"careers-crm-{cfg.stack}",
                primary_region=RAILWAY_TO_UPSTASH[rw.region],
            ),
        )
        vault.publish("prod", "api", {"REDIS_URL": redis.url})

    railway = RailwayApp(
        "railway",
        RailwayArgs(
            project_name=rw.project_name,
            region=rw.region,
            workspace_id=rw.workspace_id,
            adopt_project_id=rw.adopt_project_id,
            api=ApiServiceArgs(
                repo=rw.source_repo,
                hostname=dns.api_hostname,
                replicas=rw.api_replicas,
                start_command="python -m app",
                variables={
                    "JWT_ISSUER": f"{sb.api_url}/auth/v1",
                    "SUPABASE_JWKS_URL": f"{sb.api_url}/auth/v1/.well-known/jwks.json",
                    "CORS_ALLOW_ORIGINS": dns.web_origin,
                    **_legacy_crm_variables(app),
                    # Staff invitations call Supabase Auth's admin API with the service role
                    # key, a person-made secret in Infisical prod:/api (never on the web).
                    "SUPABASE_URL": sb.api_url,
                    "SENTRY_TRACES_SAMPLE_RATE": str(app.sentry_traces_sample_rate),
                    "R2_ENDPOINT": storage.s3_endpoint,
                    "R2_UPLOADS_BUCKET": storage.uploads_bucket,
                    **api_plain,
                },
                # Every secret comes from Infisical prod:/api at start (app/secrets.py);
                # Railway holds only how to log in there.
                secret_variables=api_secret,
            ),
            worker=WorkerServiceArgs(
                variables={"EMAIL_FROM": app.email_from, **worker_plain},
                secret_variables=worker_secret,  # DATABASE_URL, RESEND_API_KEY: prod:/worker
            ),
        ),
        opts=pulumi.ResourceOptions(depends_on=[supabase, mail.verification]),
    )

    web = WebFront(
        "web",
        WebFrontArgs(
            project_name=cfg.vercel.project_name,
            team_id=cfg.vercel.team_id,
            repo=rw.source_repo,
            hostname=dns.web_hostname,
            api_url=api_origin,
            supabase_url=sb.api_url,
            supabase_anon_key=_required(sb.anon_key, "supabase.anonKey"),
            extra_variables={
                # Public: the widget's site key (Cloudflare's API names widgets by it).
                "TURNSTILE_WIDGET_ID": sb.captcha_site_key,
                # Social buttons for exactly the providers AuthConfig enables (Supabase names).
                "AUTH_PROVIDERS": ",".join(AUTH_PROVIDER_NAMES[name] for name in sorted(oauth)),
            },
        ),
    )

    _required(sb.access_token, "supabase.accessToken")  # read by providers via configure()
    _required(rw.token, "railway.token")
    return Hosting(
        api_target=railway.api_dns_target,
        web_target=web.cname_target,
        # A stack whose Kuma runs elsewhere (a local stack's instance) says where.
        uptime_kuma_url=(
            pulumi.Output.from_input(cfg.uptime_kuma.url)
            if cfg.uptime_kuma.url
            else railway.uptime_kuma_url
        ),
        supabase_url=sb.api_url,
        railway_project_id=railway.project.id,
        railway_environment_id=railway.environment.id,
        railway_api_service_id=railway.api.id,
        railway_worker_service_id=railway.worker.id,
        vercel_project_id=web.project.id,
    )

"""The prod composition: every component built from the validated stack configuration."""

from __future__ import annotations

import pulumi

from infra.cloudflare.edge import Edge, EdgeArgs, ProxiedHost
from infra.github.repository import (
    PROD_ENVIRONMENT,
    EnvironmentSpec,
    Repository,
    RepositoryArgs,
)
from infra.r2.storage import Storage, StorageArgs
from stacks import config as stack_config
from stacks import email, hosting, observability, secrets, telemetry


def build(cfg: stack_config.StackConfig) -> None:
    r2 = cfg.r2
    if r2.access_key_id is None or r2.secret_access_key is None:  # guaranteed by load()
        raise stack_config.ConfigError(["r2.accessKeyId and r2.secretAccessKey are required"])

    storage = Storage(
        "storage",
        StorageArgs(
            account_id=cfg.cloudflare.account_id,
            location=r2.location,
            uploads_bucket=r2.uploads_bucket,
            backups_bucket=r2.backups_bucket,
            backup_retention_days=r2.backup_retention_days,
            web_origin=cfg.dns.web_origin,
            operator_access_key_id=r2.access_key_id,
            operator_secret_access_key=r2.secret_access_key,
        ),
    )

    # Supabase settings, the API and Uptime Kuma on Railway, the web front on Vercel; their
    # DNS targets (Railway's required CNAME, Vercel's recommended CNAME) feed the edge.
    # Infisical first: Railway's only secrets are the identities' logins it makes.
    vault = secrets.build(cfg, cfg.railway.source_repo)
    secrets.publish_runtime(vault, cfg, storage)
    # The Sentry project and the Grafana Cloud telemetry token: their credentials go to
    # Infisical (prod:/api, prod:/worker), the plain OTLP settings to Railway.
    service_telemetry = telemetry.build(cfg)
    for consumer in ("api", "worker"):
        vault.publish("prod", consumer, service_telemetry.secret_variables)
    mail = email.build(cfg)  # sending domain + DNS first: Supabase and the worker send from it
    email.publish(vault, mail)
    hosted = hosting.build(cfg, storage, vault, mail, service_telemetry)
    api_target: pulumi.Input[str] = hosted.api_target
    web_target: pulumi.Input[str] = hosted.web_target

    edge = Edge(
        "edge",
        EdgeArgs(
            zone_id=cfg.cloudflare.zone_id,
            limits=cfg.cloudflare.limits,
            api_hostname=cfg.dns.api_hostname,
            min_tls_version=cfg.cloudflare.min_tls_version,
            hsts_max_age=cfg.cloudflare.hsts_max_age,
            rate_limits=cfg.cloudflare.rate_limits,
            hosts=(
                ProxiedHost(cfg.dns.api_hostname, api_target, "CRM API on Railway"),
                ProxiedHost(cfg.dns.web_hostname, web_target, "CRM web front on Vercel"),
            ),
        ),
    )

    # Grafana Cloud + Uptime Kuma: a monitor and an alert for every public hostname.
    observed = observability.build(cfg, hosted.uptime_kuma_url, cfg.supabase.database_url)

    # Workflows read their secrets from Infisical (OIDC login, no token in GitHub): Pulumi
    # writes what it knows there; tokens only a person can create are entered by hand.
    vault.publish(
        "prod",
        "ci",
        {
            # Every Railway service that runs our code is deployed by deploy.yml from the
            # same commit (tests/workflows/test_deploy_services.py derives the list from here).
            "RAILWAY_SERVICE_ID": hosted.railway_api_service_id,
            "RAILWAY_WORKER_SERVICE_ID": hosted.railway_worker_service_id,
            "RAILWAY_ENVIRONMENT_ID": hosted.railway_environment_id,
            "VERCEL_PROJECT_ID": hosted.vercel_project_id,
            "API_BASE_URL": f"https://{cfg.dns.api_hostname}",
            "WEB_BASE_URL": cfg.dns.web_origin,
            # deploy.yml creates the Sentry release and marks the deploy in this project.
            "SENTRY_ORG": cfg.sentry.organization,
            "SENTRY_PROJECT": service_telemetry.sentry.project.slug,
        },
    )
    vault.publish(
        "prod",
        "backups",
        {
            # The names app.backup / app.restore read (BACKUP_DATABASE_URL is person-made).
            "BACKUP_S3_ACCESS_KEY_ID": storage.backup_token.access_key_id,
            "BACKUP_S3_SECRET_ACCESS_KEY": storage.backup_token.secret_access_key,
            "BACKUP_S3_ENDPOINT": storage.s3_endpoint,
            "BACKUP_S3_BUCKET": storage.backups_bucket,
            "UPTIME_KUMA_BACKUP_PUSH_URL": observed.uptime.backup_push_url,
            "UPTIME_KUMA_DRILL_PUSH_URL": observed.uptime.drill_push_url,
        },
    )
    gh_vars = secrets.github_variables(vault, cfg)
    repository = Repository(
        "platform-repo",
        RepositoryArgs(
            name=cfg.github.repository,
            description="Career Services CRM platform: Pulumi stacks, policies, app",
            required_approvals=cfg.github.required_approvals,
            required_checks=cfg.github.required_checks,
            advanced_security=cfg.github.advanced_security,
            environments=(
                EnvironmentSpec(
                    PROD_ENVIRONMENT,
                    reviewers=cfg.github.prod_reviewers,
                    branches="protected",
                    variables=gh_vars["prod"],
                ),
                # Pull request previews and the drift check: read-only tokens, any branch.
                EnvironmentSpec("preview", branches=None, variables=gh_vars["preview"]),
                # Nightly backups and restore drills: main only.
                EnvironmentSpec("backups", branches=("main",), variables=gh_vars["backups"]),
                # The scheduled database password rotation: main only.
                EnvironmentSpec("rotation", branches=("main",), variables=gh_vars["rotation"]),
            ),
        ),
    )

    pulumi.export("apiHostname", cfg.dns.api_hostname)
    pulumi.export("webHostname", cfg.dns.web_hostname)
    pulumi.export("hostnames", edge.hostnames)
    pulumi.export("uploadsBucket", storage.uploads_bucket)
    pulumi.export("backupsBucket", storage.backups_bucket)
    pulumi.export("r2Endpoint", storage.s3_endpoint)
    pulumi.export("appR2AccessKeyId", storage.app_token.access_key_id)
    pulumi.export("appR2SecretAccessKey", storage.app_token.secret_access_key)
    pulumi.export("repository", repository.repository_name)
    pulumi.export("supabaseUrl", hosted.supabase_url)
    pulumi.export("apiDnsTarget", hosted.api_target)
    pulumi.export("webDnsTarget", hosted.web_target)
    pulumi.export("uptimeKumaUrl", hosted.uptime_kuma_url)
    pulumi.export("railwayProjectId", hosted.railway_project_id)
    pulumi.export("railwayEnvironmentId", hosted.railway_environment_id)
    pulumi.export("railwayApiServiceId", hosted.railway_api_service_id)
    pulumi.export("railwayWorkerServiceId", hosted.railway_worker_service_id)
    pulumi.export("vercelProjectId", hosted.vercel_project_id)
    pulumi.export("infisicalProjectId", vault.project_id)
    observability.export(observed)
    pulumi.export("sentryProject", service_telemetry.sentry.project.slug)
    pulumi.export("otlpEndpoint", service_telemetry.grafana_token.otlp_endpoint)
    email.export(mail)


def main() -> None:
    """Entry for `pulumi up` and the offline plan: config problems end the run cleanly."""
    try:
        cfg = stack_config.load()
    except stack_config.ConfigError as err:
        raise pulumi.RunError(str(err)) from None
    build(cfg)

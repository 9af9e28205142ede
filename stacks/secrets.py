"""Secrets part of the prod composition: the Infisical project and who reads what from it.

Pulumi writes only what it generates or reads itself (R2 tokens, the metrics token, the
backup push URLs, ids the workflows need); person-made secrets are entered into Infisical
once (docs/runbooks.md#secrets). Consumers get nothing but how to log in: Railway the API's
and the worker's universal-auth client id and secret, GitHub each environment's identity id
(jobs log in with their OIDC token, so no Infisical credential is stored in GitHub).
"""

from __future__ import annotations

import pulumi

from infra.infisical.component import (
    CiIdentity,
    Credentials,
    InfisicalArgs,
    InfisicalSecrets,
    RuntimeIdentity,
)
from infra.r2.storage import Storage
from stacks.config import StackConfig

PROD, PREVIEW = "prod", "preview"
FOLDERS = {
    PROD: ("api", "worker", "web", "ci", "backups", "rotation"),
    PREVIEW: ("ci",),
}
# GitHub environment -> what its jobs may read (and write) in Infisical. The prod environment
# runs as the person-made deploy identity (infisical.deployIdentityId), not listed here.
CI = (
    CiIdentity("preview", PREVIEW, reads=("ci",)),
    CiIdentity("backups", PROD, reads=("backups",)),
    # The scheduled DB password rotation writes DATABASE_URL for the API and the worker.
    CiIdentity("rotation", PROD, reads=("rotation",), writes=("api", "worker", "rotation")),
)


def build(cfg: StackConfig, repository: str) -> InfisicalSecrets:
    inf = cfg.infisical
    return InfisicalSecrets(
        "infisical",
        InfisicalArgs(
            api_url=inf.api_url,
            organization_id=inf.organization_id,
            project_name=f"Careers CRM ({cfg.stack})",
            project_slug=inf.project_slug,
            repository=repository,
            folders=FOLDERS,
            runtime=(RuntimeIdentity("api"), RuntimeIdentity("worker")),
            ci=CI,
        ),
    )


def publish_runtime(vault: InfisicalSecrets, cfg: StackConfig, storage: Storage) -> None:
    """What the API reads that Pulumi makes: its R2 token and the /metrics bearer."""
    values: dict[str, pulumi.Input[str]] = {
        "R2_ACCESS_KEY_ID": storage.app_token.access_key_id,
        "R2_SECRET_ACCESS_KEY": storage.app_token.secret_access_key,
    }
    if cfg.grafana.metrics_token is not None:  # load() reports it missing
        values["METRICS_TOKEN"] = cfg.grafana.metrics_token
    vault.publish(PROD, "api", values)
    # Rotation job setting (not a secret): how old the DB password may get, in days.
    days = str(cfg.infisical.db_password_rotation_days)
    vault.publish(PROD, "rotation", {"DB_PASSWORD_ROTATION_DAYS": days}, sensitive=False)


def runtime_variables(
    vault: InfisicalSecrets, cfg: StackConfig, consumer: str
) -> tuple[dict[str, pulumi.Input[str]], dict[str, pulumi.Input[str]]]:
    """(plain, secret) Railway variables: where to log in, and the one bootstrap credential."""
    creds: Credentials = vault.runtime[consumer]
    plain: dict[str, pulumi.Input[str]] = {
        "INFISICAL_API_URL": cfg.infisical.api_url,
        "INFISICAL_PROJECT_ID": vault.project_id,
        "INFISICAL_ENVIRONMENT": PROD,
        "INFISICAL_PATH": f"/{consumer}",
        "INFISICAL_REFRESH_SECONDS": str(cfg.infisical.refresh_seconds),
    }
    secret: dict[str, pulumi.Input[str]] = {
        "INFISICAL_CLIENT_ID": creds.client_id,
        "INFISICAL_CLIENT_SECRET": creds.client_secret,
    }
    return plain, secret


def github_variables(
    vault: InfisicalSecrets, cfg: StackConfig
) -> dict[str, dict[str, pulumi.Input[str]]]:
    """Per GitHub environment: which Infisical identity its jobs log in as, and where."""
    identities: dict[str, pulumi.Input[str]] = {
        PROD: cfg.infisical.deploy_identity_id,
        **vault.ci_identity_ids,
    }
    return {
        env: {
            "INFISICAL_IDENTITY_ID": identity,
            "INFISICAL_PROJECT_ID": vault.project_id,
            "INFISICAL_API_URL": cfg.infisical.api_url,
        }
        for env, identity in identities.items()
    }

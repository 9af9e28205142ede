"""Email part of the prod composition: the Resend sending domain with its DNS records and the
bounce webhook whose signing secret the API gets through Infisical."""

from __future__ import annotations

import pulumi

from infra.infisical.component import InfisicalSecrets
from infra.resend.component import EmailDomain, EmailDomainArgs
from stacks.config import ConfigError, StackConfig

WEBHOOK_PATH = "/v1/webhooks/resend"


def build(cfg: StackConfig) -> EmailDomain:
    if cfg.email.resend_api_key is None:  # load() already reported it
        raise ConfigError(["careers-crm:resend.apiKey: secret is required"])
    return EmailDomain(
        "email",
        EmailDomainArgs(
            zone_id=cfg.cloudflare.zone_id,
            domain=cfg.email.domain,
            region=cfg.email.region,
            return_path=cfg.email.return_path,
            dmarc_policy=cfg.email.dmarc_policy,
            dmarc_report_address=cfg.email.dmarc_report_address,
            webhook_endpoint=f"https://{cfg.dns.api_hostname}{WEBHOOK_PATH}",
        ),
    )


def publish(vault: InfisicalSecrets, mail: EmailDomain) -> None:
    """The webhook's signing secret, made by Resend, goes to the API through Infisical
    (prod:/api RESEND_WEBHOOK_SECRET), like every other secret Pulumi makes."""
    vault.publish("prod", "api", {"RESEND_WEBHOOK_SECRET": mail.webhook.signing_secret})


def export(mail: EmailDomain) -> None:
    pulumi.export("emailDomainId", mail.domain.id)
    pulumi.export("emailDomainStatus", mail.verification.status)

"""Dynamic resources for Resend: typed Args, inputs named as the provider reads them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from infra.resend.provider import DomainProvider, DomainVerificationProvider, WebhookProvider


class SendingDomain(pulumi.dynamic.Resource, module="resend", name="Domain"):
    """A Resend sending domain; `records` are the DNS records Resend asks the owner to add."""

    status: pulumi.Output[str]
    records: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        name: str,
        domain: str,
        region: str,
        return_path: str = "send",
        opts: pulumi.ResourceOptions | None = None,
        provider: DomainProvider | None = None,
    ) -> None:
        props = {
            "name": domain,
            "region": region,
            "return_path": return_path,
            "status": None,
            "records": None,
        }
        super().__init__(provider or DomainProvider(), name, props, opts)


class DomainVerification(pulumi.dynamic.Resource, module="resend", name="DomainVerification"):
    """Resend's verification of a domain, requested after its DNS records are in place."""

    status: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        domain_id: pulumi.Input[str],
        records: Sequence[pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
        provider: DomainVerificationProvider | None = None,
    ) -> None:
        # The record ids are inputs so a changed record asks Resend to verify again.
        props = {"domain_id": domain_id, "records": list(records), "status": None}
        super().__init__(provider or DomainVerificationProvider(), name, props, opts)


class Webhook(pulumi.dynamic.Resource, module="resend", name="Webhook"):
    """Resend delivery events posted to our API, signed (Svix) with `signing_secret`."""

    signing_secret: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        endpoint: pulumi.Input[str],
        events: Sequence[str],
        opts: pulumi.ResourceOptions | None = None,
        provider: WebhookProvider | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["signing_secret"])
        )
        props = {"endpoint": endpoint, "events": list(events), "signing_secret": None}
        super().__init__(provider or WebhookProvider(), name, props, opts)

"""The sending domain as one component: Resend's domain, the DNS records it asks for as
unproxied Cloudflare records, our DMARC record, the verification, and the bounce webhook.

Resend answers `POST /domains` with DKIM (TXT `resend._domainkey`), SPF (MX and TXT on the
return-path subdomain); it does not return DMARC, which the domain owner must publish
(Resend's docs, "Domains" and "DMARC"). Each expected record is declared here by kind and
takes its name and value from Resend's answer, so a record Resend stops returning fails the
deployment with a message instead of silently disappearing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare

from infra.resend.resources import DomainVerification, SendingDomain, Webhook

BOUNCE_EVENTS = ("email.bounced", "email.complained")
DMARC_POLICIES = ("none", "quarantine", "reject")


@dataclass(frozen=True)
class ExpectedRecord:
    """A record Resend returns: which `record` kind and DNS `type`, and our resource suffix."""

    kind: str
    dns_type: str
    suffix: str


EXPECTED_RECORDS = (
    ExpectedRecord("DKIM", "TXT", "dkim"),
    ExpectedRecord("SPF", "MX", "spf-mx"),
    ExpectedRecord("SPF", "TXT", "spf-txt"),
)


@dataclass(frozen=True)
class EmailDomainArgs:
    zone_id: str
    domain: str
    region: str
    dmarc_policy: str
    dmarc_report_address: str
    webhook_endpoint: str
    return_path: str = "send"


def dmarc_value(policy: str, report_address: str) -> str:
    """DMARC TXT value: policy for the domain and its subdomains, aggregate reports, strict
    alignment for DKIM (Resend signs with the domain itself)."""
    if policy not in DMARC_POLICIES:
        raise ValueError(f"DMARC policy must be one of {', '.join(DMARC_POLICIES)}")
    return f"v=DMARC1; p={policy}; sp={policy}; adkim=s; aspf=r; rua=mailto:{report_address}"


def pick(records: Any, expected: ExpectedRecord, domain: str) -> dict[str, Any]:
    """The one record of this kind Resend returned, with its name made fully qualified."""
    found = [
        r
        for r in records or []
        if r.get("record") == expected.kind and r.get("type") == expected.dns_type
    ]
    if len(found) != 1:
        raise ValueError(
            f"Resend returned {len(found)} {expected.kind} {expected.dns_type} records for "
            f"{domain}, expected exactly one: check the domain in Resend's dashboard"
        )
    record = dict(found[0])
    name = str(record.get("name", ""))
    record["name"] = name if name == domain or name.endswith("." + domain) else f"{name}.{domain}"
    return record


def _picker(expected: ExpectedRecord, domain: str) -> Callable[[Any], dict[str, Any]]:
    return lambda records: pick(records, expected, domain)


class EmailDomain(pulumi.ComponentResource):
    """Mail from `domain` that passes SPF, DKIM and DMARC, and bounces that reach the API."""

    def __init__(
        self, name: str, args: EmailDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:resend:EmailDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.domain = SendingDomain(
            f"{name}-domain", args.domain, args.region, args.return_path, opts=child
        )
        self.records: list[cloudflare.DnsRecord] = []
        for expected in EXPECTED_RECORDS:
            record = self.domain.records.apply(_picker(expected, args.domain))
            self.records.append(
                cloudflare.DnsRecord(
                    f"{name}-{expected.suffix}",
                    zone_id=args.zone_id,
                    name=record.apply(lambda r: str(r["name"])),
                    type=expected.dns_type,
                    content=record.apply(lambda r: str(r["value"])),
                    priority=record.apply(lambda r: r.get("priority"))
                    if expected.dns_type == "MX"
                    else None,
                    ttl=1,
                    proxied=False,  # mail records cannot go through Cloudflare's proxy
                    comment=f"Resend {expected.kind} for {args.domain}",
                    opts=child,
                )
            )
        self.dmarc = cloudflare.DnsRecord(
            f"{name}-dmarc",
            zone_id=args.zone_id,
            name=f"_dmarc.{args.domain}",
            type="TXT",
            content=dmarc_value(args.dmarc_policy, args.dmarc_report_address),
            ttl=1,
            proxied=False,
            comment=f"DMARC for {args.domain}",
            opts=child,
        )
        self.verification = DomainVerification(
            f"{name}-verification",
            self.domain.id,
            [r.id for r in self.records],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*self.records, self.dmarc]),
        )
        self.webhook = Webhook(f"{name}-webhook", args.webhook_endpoint, BOUNCE_EVENTS, opts=child)
        self.register_outputs(
            {"domain_id": self.domain.id, "verification_status": self.verification.status}
        )

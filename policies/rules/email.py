"""Email rules: mail from our sending domain passes SPF, DKIM and DMARC, and is sent only
from a domain Resend verifies, so reminders and sign-in links stay out of spam folders.

Checked per Resend sending domain (`infra/resend/`) over the Cloudflare DNS records in the
same plan. A stack with no Resend domain has nothing to inspect and none of these apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parseaddr

from pulumi_policy import PolicyResource, StackValidationArgs

from policies import controls as c
from policies.graph import SECRET_SENTINEL
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, MEDIUM, stack_rule
from policies.rules._props import get, of_type, truthy

RULES: list[Rule] = []

DOMAIN = "pulumi-python:dynamic/resend:Domain"
VERIFICATION = "pulumi-python:dynamic/resend:DomainVerification"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
AUTH_CONFIG = "pulumi-python:dynamic/supabase:AuthConfig"
RAILWAY_VARIABLES = "pulumi-python:dynamic/railway:Variables"
PROD = "prod"
UNKNOWN = "[unknown]"  # a value only known after apply (real preview)

# CIS Controls v8 safeguard 9.5 is exactly this: "Implement DMARC" (SPF and DKIM first).
CIS_9_5 = c.Control(c.CIS, c.CIS_VERSION, "9.5", "Implement DMARC")
_DMARC_POLICY = re.compile(r"(?:^|;)\s*p\s*=\s*(\w+)", re.IGNORECASE)


def _domains(args: StackValidationArgs) -> list[PolicyResource]:
    return list(of_type(args, DOMAIN))


def _records(args: StackValidationArgs, name: str, dns_type: str) -> list[PolicyResource]:
    return [
        r
        for r in of_type(args, DNS_RECORD)
        if str(get(r.props, "name", "")).rstrip(".").lower() == name.lower()
        and get(r.props, "type") == dns_type
    ]


def _content(record: PolicyResource) -> str:
    return str(get(record.props, "content", "")).strip().strip('"')


def _stack(args: StackValidationArgs) -> str:
    urn = next((r.urn for r in args.resources), "")
    return urn.split("::", 1)[0].rsplit(":", 1)[-1] if urn.startswith("urn:pulumi:") else ""


def _record_problems(
    domain: PolicyResource, records: list[PolicyResource], what: str, fqdn: str, ok: str
) -> Iterator[Violation]:
    if not records:
        yield Violation(
            f"sending domain {get(domain.props, 'name')} has no {what} record at {fqdn}",
            path=fqdn,
            actual="absent",
            required=ok,
            urn=domain.urn,
        )
    for record in records:
        if truthy(get(record.props, "proxied")):
            yield Violation(
                f"{what} record {fqdn} is proxied: mail records must be DNS only",
                path="proxied",
                actual=True,
                required=False,
                urn=record.urn,
            )


@stack_rule(
    RULES,
    id="CRM-EMAIL-001",
    title="SPF is published for the sending domain",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[CIS_9_5, c.SOC2_CC6_6],
    description="Resend sends from the Return-Path subdomain (send.DOMAIN by default): it "
    "needs Resend's MX record and an SPF TXT record there, unproxied, or receivers fail "
    "SPF alignment and DMARC leans on DKIM alone.",
    remediation="Declare the sending domain with infra.resend.component.EmailDomain; it adds "
    "Resend's SPF MX and TXT records as unproxied Cloudflare records.",
)
def spf(args: StackValidationArgs) -> Iterator[Violation]:
    for domain in _domains(args):
        fqdn = f"{get(domain.props, 'return_path', 'send')}.{get(domain.props, 'name')}"
        mx = _records(args, fqdn, "MX")
        yield from _record_problems(domain, mx, "SPF MX", fqdn, "MX feedback-smtp.<region>...")
        txt = [
            r
            for r in _records(args, fqdn, "TXT")
            if _content(r) == UNKNOWN or _content(r).lower().startswith("v=spf1")
        ]
        yield from _record_problems(domain, txt, "SPF TXT", fqdn, "TXT v=spf1 ...")


@stack_rule(
    RULES,
    id="CRM-EMAIL-002",
    title="DKIM is published for the sending domain",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[CIS_9_5, c.SOC2_CC6_6],
    description="Resend signs with the key whose public half is the TXT record at "
    "resend._domainkey.DOMAIN; without it every message fails DKIM.",
    remediation="Declare the sending domain with infra.resend.component.EmailDomain; it adds "
    "Resend's DKIM TXT record as an unproxied Cloudflare record.",
)
def dkim(args: StackValidationArgs) -> Iterator[Violation]:
    for domain in _domains(args):
        fqdn = f"resend._domainkey.{get(domain.props, 'name')}"
        txt = [
            r for r in _records(args, fqdn, "TXT") if _content(r) == UNKNOWN or "p=" in _content(r)
        ]
        yield from _record_problems(domain, txt, "DKIM TXT", fqdn, "TXT p=<public key>")


@stack_rule(
    RULES,
    id="CRM-EMAIL-003",
    title="DMARC is published with a report address",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[CIS_9_5, c.SOC2_CC7_2],
    description="A DMARC record tells receivers what to do with mail that fails SPF and "
    "DKIM and where to send aggregate reports; Resend does not create it.",
    remediation="Set careers-crm:email.dmarcReportAddress; EmailDomain publishes "
    "_dmarc.DOMAIN as v=DMARC1 with rua=mailto:<that address>.",
)
def dmarc(args: StackValidationArgs) -> Iterator[Violation]:
    for domain in _domains(args):
        fqdn = f"_dmarc.{get(domain.props, 'name')}"
        records = _records(args, fqdn, "TXT")
        good = [r for r in records if _content(r).startswith("v=DMARC1")]
        yield from _record_problems(domain, good, "DMARC TXT", fqdn, "TXT v=DMARC1; p=...")
        for record in good:
            if "rua=mailto:" not in _content(record):
                yield Violation(
                    f"DMARC record {fqdn} names no report address (rua=mailto:...)",
                    path="content",
                    actual=_content(record),
                    required="rua=mailto:<address>",
                    urn=record.urn,
                )


@stack_rule(
    RULES,
    id="CRM-EMAIL-004",
    title="DMARC enforces in prod (not p=none)",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[CIS_9_5],
    description="p=none only monitors: anyone can still send as our domain. In prod the "
    "policy is quarantine or reject, for the domain and its subdomains.",
    remediation="Set careers-crm:email.dmarcPolicy to quarantine (or reject).",
)
def dmarc_enforced(args: StackValidationArgs) -> Iterator[Violation]:
    if _stack(args) != PROD:
        return
    for domain in _domains(args):
        fqdn = f"_dmarc.{get(domain.props, 'name')}"
        for record in _records(args, fqdn, "TXT"):
            content = _content(record)
            if not content.startswith("v=DMARC1"):
                continue
            policy = _DMARC_POLICY.search(content)
            sub = re.search(r"(?:^|;)\s*sp\s*=\s*(\w+)", content, re.IGNORECASE)
            for label, found in (("p", policy), ("sp", sub)):
                value = found.group(1).lower() if found else ("none" if label == "p" else None)
                if value is not None and value not in ("quarantine", "reject"):
                    yield Violation(
                        f"DMARC {label}={value} on {fqdn} does not enforce in prod",
                        path="content",
                        actual=content,
                        required=f"{label}=quarantine or {label}=reject",
                        urn=record.urn,
                    )


def _senders(args: StackValidationArgs) -> Iterator[tuple[PolicyResource, str, str]]:
    for auth in of_type(args, AUTH_CONFIG):
        sender = get(auth.props, "smtp_admin_email")
        if isinstance(sender, str) and sender != SECRET_SENTINEL:
            yield auth, "smtp_admin_email", sender
    for variables in of_type(args, RAILWAY_VARIABLES):
        sender = get(variables.props, "variables.EMAIL_FROM")
        if isinstance(sender, str):
            yield variables, "variables.EMAIL_FROM", sender


@stack_rule(
    RULES,
    id="CRM-EMAIL-005",
    title="Mail is sent only from the verified sending domain",
    severity=HIGH,
    enforcement=MANDATORY,
    controls=[CIS_9_5, c.SOC2_CC6_6],
    description="Supabase Auth's SMTP sender and the reminder worker's From address are on "
    "a Resend domain whose verification runs after its DNS records exist; Resend refuses "
    "(or spam-folders) mail from an unverified domain.",
    remediation="Send from an address at the EmailDomain's domain (supabase.smtpSenderEmail, "
    "app.emailFrom), and keep its DomainVerification depending on the DNS records.",
)
def sender_verified(args: StackValidationArgs) -> Iterator[Violation]:
    domains = {str(get(d.props, "name")).lower(): d for d in _domains(args)}
    if not domains:
        return
    verified: set[str] = set()
    for check in of_type(args, VERIFICATION):
        deps = {d.urn for d in check.dependencies}
        owner = next((d for d in domains.values() if d.urn in deps), None)
        records = [r for r in of_type(args, DNS_RECORD) if r.urn in deps]
        if owner is not None and records:
            verified.add(str(get(owner.props, "name")).lower())
    for resource, path, sender in _senders(args):
        address = parseaddr(sender)[1].lower()
        domain = address.rpartition("@")[2]
        if domain not in verified:
            yield Violation(
                f"{path} sends from {domain or sender!r}, which is not a Resend domain "
                "verified after its DNS records",
                path=path,
                actual=sender,
                required=f"an address at {', '.join(sorted(domains))} (verified)",
                urn=resource.urn,
            )

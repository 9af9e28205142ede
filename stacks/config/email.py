"""Email: the Resend sending domain (region, return path), DMARC, and the management key."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from infra.endpoints import RESEND_API
from stacks.config.reader import Reader, endpoint_check

_REGIONS = ("us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1")
_DMARC_POLICIES = ("none", "quarantine", "reject")
_ADDRESS = re.compile(r"^[^@\s;,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class EmailConfig:
    domain: str  # the sending domain: reminders and Supabase Auth mail come from it
    region: str
    return_path: str
    dmarc_policy: str
    dmarc_report_address: str
    resend_api_key: pulumi.Output[str] | None  # full access: manages domain and webhook
    resend_api_url: str  # read by the dynamic providers, checked here


def read_email(reader: Reader, domain: str) -> EmailConfig:
    def address_check(value: str) -> str | None:
        return None if _ADDRESS.match(value) else f"must be a mailbox such as dmarc@{domain}"

    def label_check(value: str) -> str | None:
        return None if _LABEL.match(value) else f"must be one DNS label such as send; got {value!r}"

    return EmailConfig(
        domain=domain,
        region=reader.choice("email.region", "us-east-1", _REGIONS),
        return_path=reader.string("email.returnPath", "send", check=label_check),
        dmarc_policy=reader.choice("email.dmarcPolicy", "quarantine", _DMARC_POLICIES),
        # Checked only when set: the default follows `domain`, whose own check reports it.
        dmarc_report_address=reader.string(
            "email.dmarcReportAddress",
            f"dmarc-reports@{domain}",
            check=address_check if reader.raw("email.dmarcReportAddress") else None,
        ),
        resend_api_key=reader.secret("resend.apiKey"),
        resend_api_url=reader.string("resend.apiUrl", RESEND_API, check=endpoint_check),
    )

"""The plan declares the sending domain's DNS records (from Resend's answer, unproxied) and
DMARC, wires the webhook secret to the API, and the email rules catch each weakening."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.policies.conftest import reviewed, run
from tests.policies.graphs import named

Data = dict[str, Any]


def test_plan_declares_resend_records_dmarc_and_webhook(prod_data: Data) -> None:
    dkim, mx, spf, dmarc = (
        named(prod_data, f"email-{n}")["inputs"] for n in ("dkim", "spf-mx", "spf-txt", "dmarc")
    )
    assert dkim["name"] == "resend._domainkey.careers.example.edu" and dkim["type"] == "TXT"
    assert mx["name"] == "send.careers.example.edu" and mx["priority"] == 10
    assert mx["content"] == "feedback-smtp.us-east-1.amazonses.com"
    assert spf["content"].startswith("v=spf1")
    assert dmarc["name"] == "_dmarc.careers.example.edu"
    assert "p=quarantine" in dmarc["content"] and "rua=mailto:dmarc-reports@" in dmarc["content"]
    assert not any(r["proxied"] for r in (dkim, mx, spf, dmarc))
    hook = named(prod_data, "email-webhook")["inputs"]
    assert hook["endpoint"] == "https://api.careers.example.edu/v1/webhooks/resend"
    assert hook["events"] == ["email.bounced", "email.complained"]
    verification = named(prod_data, "email-verification")
    assert {named(prod_data, f"email-{n}")["urn"] for n in ("dkim", "spf-mx", "spf-txt")} <= set(
        verification["dependencies"]
    )
    # The API gets the webhook's signing secret through Infisical (prod:/api), as a secret.
    published = named(prod_data, "infisical-prod-api-resend-webhook-secret")
    assert published["inputs"]["name"] == "RESEND_WEBHOOK_SECRET"
    assert published["inputs"]["path"] == "/api"
    assert published["inputs"]["value"] == "[secret]"
    assert named(prod_data, "email-webhook")["urn"] in published["dependencies"]


def _blocking(data: Data, options: Data) -> set[str]:
    return {f.policy_id for f in reviewed(run(data, options).findings) if f.blocking}


def _inputs(name: str, **values: Any) -> Callable[[Data], None]:
    return lambda data: named(data, name)["inputs"].update(values)


def _drop(name: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        urn = named(data, name)["urn"]
        data["resources"] = [r for r in data["resources"] if r["urn"] != urn]
        for r in data["resources"]:
            r["dependencies"] = [d for d in r.get("dependencies", []) if d != urn]

    return apply


def _no_verification_deps(data: Data) -> None:
    named(data, "email-verification")["dependencies"] = []


DMARC = "v=DMARC1; p={p}; sp={p}; rua=mailto:dmarc@careers.example.edu"
MUTATIONS = [
    ("spf-mx-missing", "CRM-EMAIL-001", _drop("email-spf-mx")),
    ("spf-txt-wrong", "CRM-EMAIL-001", _inputs("email-spf-txt", content="hello")),
    ("spf-proxied", "CRM-EMAIL-001", _inputs("email-spf-txt", proxied=True)),
    ("dkim-missing", "CRM-EMAIL-002", _drop("email-dkim")),
    ("dkim-proxied", "CRM-EMAIL-002", _inputs("email-dkim", proxied=True)),
    ("dmarc-missing", "CRM-EMAIL-003", _drop("email-dmarc")),
    ("dmarc-no-reports", "CRM-EMAIL-003", _inputs("email-dmarc", content="v=DMARC1; p=reject")),
    ("dmarc-none", "CRM-EMAIL-004", _inputs("email-dmarc", content=DMARC.format(p="none"))),
    (
        "dmarc-no-policy",
        "CRM-EMAIL-004",
        _inputs("email-dmarc", content="v=DMARC1; rua=mailto:a@b.cd"),
    ),
    (
        "auth-sender-elsewhere",
        "CRM-EMAIL-005",
        _inputs("supabase-auth", smtp_admin_email="noreply@gmail.com"),
    ),
    ("verify-before-dns", "CRM-EMAIL-005", _no_verification_deps),
]


@pytest.mark.parametrize(
    ("rule", "mutate"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_each_weakening_is_caught(
    rule: str, mutate: Callable[[Data], None], prod_plan: tuple[Data, Data]
) -> None:
    data, options = copy.deepcopy(prod_plan[0]), copy.deepcopy(prod_plan[1])
    before = _blocking(data, options)
    assert not any(r.startswith("CRM-EMAIL") for r in before)
    assert "CRM-STACK-001" not in before  # the DKIM public key is not a "secret"
    mutate(data)
    assert rule in _blocking(data, options)


def test_dmarc_none_is_allowed_outside_prod(prod_plan: tuple[Data, Data]) -> None:
    text = json.dumps(prod_plan[0]).replace("urn:pulumi:prod::", "urn:pulumi:staging::")
    data = json.loads(text)
    _inputs("email-dmarc", content=DMARC.format(p="none"))(data)
    assert "CRM-EMAIL-004" not in {f.policy_id for f in run(data, prod_plan[1]).findings}


def test_without_a_sending_domain_no_email_rule_reports(prod_plan: tuple[Data, Data]) -> None:
    data = copy.deepcopy(prod_plan[0])
    data["resources"] = [r for r in data["resources"] if "resend" not in r["type"]]
    assert not [f for f in run(data, prod_plan[1]).findings if f.policy_id.startswith("CRM-EMAIL")]

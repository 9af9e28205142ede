"""Resend's dynamic providers against the contract-held fake: the domain's records come back
as Resend answers them, verification runs, the webhook secret never leaks, deletes clean up,
and every request we send is one Resend's OpenAPI description allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest
import respx
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from infra.http_api.errors import ApiAuthError
from infra.http_api.transport import RetryPolicy
from infra.resend import operations
from infra.resend.component import EXPECTED_RECORDS, dmarc_value, pick
from infra.resend.provider import DomainProvider, DomainVerificationProvider, WebhookProvider
from tests.infra.resend import contract
from tests.infra.resend.fake_api import FAKE_KEY, FakeResend


@pytest.fixture
def fake() -> Iterator[FakeResend]:
    api = FakeResend()
    with respx.mock(assert_all_called=False) as router:
        router.route(host="api.resend.com").mock(side_effect=api)
        yield api


P = TypeVar("P", DomainProvider, DomainVerificationProvider, WebhookProvider)


def configured(provider: P, key: str = FAKE_KEY) -> P:
    config = Config({"careers-crm:resend.apiKey": key}, "careers-crm")
    provider.policy = RetryPolicy(max_attempts=1)
    provider.configure(ConfigureRequest(config))
    return provider


def test_every_operation_is_in_the_contract() -> None:
    for op in operations.ALL:
        path = op.path.format(id="d91cd9bd-1176-453e-8fc1-35364d380206")
        assert contract.find(op.method, path).operation_id == op.operation_id


def test_domain_lifecycle_gives_the_records_the_dns_needs(fake: FakeResend) -> None:
    provider = configured(DomainProvider())
    props = {"name": "careers.example.edu", "region": "eu-west-1", "return_path": "send"}
    assert provider.check({}, props).failures == []
    created = provider.create(props)
    records = created.outs["records"]
    picked = {e.suffix: pick(records, e, "careers.example.edu") for e in EXPECTED_RECORDS}
    assert picked["dkim"]["name"] == "resend._domainkey.careers.example.edu"
    assert picked["spf-mx"]["value"] == "feedback-smtp.eu-west-1.amazonses.com"
    assert picked["spf-mx"]["priority"] == 10
    assert picked["spf-txt"]["value"].startswith("v=spf1")

    verification = configured(DomainVerificationProvider())
    verified = verification.create({"domain_id": created.id, "records": ["a", "b", "c"]})
    assert verified.outs["status"] == "verified"
    assert provider.read(created.id, created.outs).outs["status"] == "verified"
    moved = provider.diff(created.id, created.outs, {**props, "region": "us-east-1"})
    assert moved.replaces == ["region"]
    provider.delete(created.id, created.outs)
    provider.delete(created.id, created.outs)  # already gone: not an error
    assert fake.domains == {}


def test_missing_record_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="0 DKIM TXT records"):
        pick(
            [{"record": "SPF", "type": "MX", "name": "send", "value": "x"}],
            EXPECTED_RECORDS[0],
            "careers.example.edu",
        )


def test_bad_domain_inputs_are_named() -> None:
    failures = DomainProvider().check({}, {"name": "x", "region": "mars-1", "return_path": "a.b"})
    assert {f.property for f in failures.failures} == {"name", "region", "return_path"}
    with pytest.raises(ValueError, match="DMARC policy"):
        dmarc_value("monitor", "dmarc@careers.example.edu")


def test_webhook_secret_is_an_output_and_never_in_errors(fake: FakeResend) -> None:
    provider = configured(WebhookProvider())
    props = {
        "endpoint": "https://api.careers.example.edu/v1/webhooks/resend",
        "events": ["email.bounced", "email.complained"],
    }
    assert provider.check({}, {**props, "endpoint": "http://x"}).failures[0].property == "endpoint"
    created = provider.create(props)
    secret = created.outs["signing_secret"]
    assert secret.startswith("whsec_")
    assert provider.read(created.id, created.outs).outs["events"] == props["events"]
    provider.delete(created.id, created.outs)
    assert fake.webhooks == {}


def test_a_rejected_key_names_the_config_key(fake: FakeResend) -> None:
    provider = configured(DomainProvider(), key="re_wrong_key_for_the_test")
    with pytest.raises(ApiAuthError, match=r"careers-crm:resend\.apiKey"):
        provider.create(
            {"name": "careers.example.edu", "region": "us-east-1", "return_path": "send"}
        )
    assert "re_wrong_key_for_the_test" not in str(fake.calls)


def test_contract_catches_a_misspelled_field() -> None:
    with pytest.raises(contract.ContractViolation, match="custom_return_paht"):
        contract.validate_request(
            "POST", "/domains", {"name": "careers.example.edu", "custom_return_paht": "send"}
        )

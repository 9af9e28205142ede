"""Every request the Supabase client can send is one the official contract allows, exactly."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from infra.supabase import operations as ops
from infra.supabase.client import SupabaseClient
from infra.supabase.resources import PASSWORD_CHARS_ALL, PASSWORD_CHARS_LOWER_UPPER_DIGITS
from tests.infra.supabase import contract
from tests.infra.supabase.fake_api import PROJECT_REF, FakeSupabase

FAKE_TOKEN = "fake-supabase-pat-for-tests"

# One call per public client method, with the bodies our resources really send.
CALLS: dict[str, Callable[[SupabaseClient], Any]] = {
    "get_auth_config": lambda c: c.get_auth_config(PROJECT_REF),
    "update_auth_config": lambda c: c.update_auth_config(
        PROJECT_REF,
        {
            "site_url": "https://app.careers.example.org",
            "uri_allow_list": "https://app.careers.example.org/**",
            "mailer_otp_exp": 3600,
            "password_min_length": 12,
            "password_required_characters": PASSWORD_CHARS_ALL,
            "security_captcha_provider": "turnstile",
            "security_captcha_secret": "fake-turnstile-secret",
            "smtp_port": "465",
            "smtp_pass": "fake-resend-smtp-password",
            "smtp_admin_email": "no-reply@careers.example.org",
        },
    ),
    "get_ssl_enforcement": lambda c: c.get_ssl_enforcement(PROJECT_REF),
    "update_ssl_enforcement": lambda c: c.update_ssl_enforcement(PROJECT_REF, database=True),
    "get_network_restrictions": lambda c: c.get_network_restrictions(PROJECT_REF),
    "apply_network_restrictions": lambda c: c.apply_network_restrictions(
        PROJECT_REF, ipv4=["203.0.113.0/24"], ipv6=[]
    ),
    "get_postgrest_config": lambda c: c.get_postgrest_config(PROJECT_REF),
    "update_postgrest_config": lambda c: c.update_postgrest_config(
        PROJECT_REF, {"db_schema": "api", "max_rows": 500, "db_extra_search_path": "public"}
    ),
    "get_postgres_config": lambda c: c.get_postgres_config(PROJECT_REF),
    "update_postgres_config": lambda c: c.update_postgres_config(
        PROJECT_REF, {"statement_timeout": "8s"}
    ),
    "get_pooler_config": lambda c: c.get_pooler_config(PROJECT_REF),
    "update_pooler_config": lambda c: c.update_pooler_config(
        PROJECT_REF, {"pool_mode": "transaction", "default_pool_size": 15}
    ),
    "list_backups": lambda c: c.list_backups(PROJECT_REF),
    "get_security_advisors": lambda c: c.get_security_advisors(PROJECT_REF),
}


def client_for(fake: FakeSupabase) -> SupabaseClient:
    return SupabaseClient(FAKE_TOKEN, transport=httpx.MockTransport(fake), sleep=lambda _s: None)


def public_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(SupabaseClient, inspect.isfunction)
        if not name.startswith("_") and name != "close"
    }


def test_every_declared_operation_is_in_the_contract_with_its_scope() -> None:
    for op in ops.ALL_OPERATIONS:
        spec_op = contract.find(op.method, op.path.format(ref=PROJECT_REF))
        assert spec_op.template == op.path
        assert spec_op.operation_id == op.operation_id
        assert op.scope in contract.scopes(spec_op), f"{op.operation_id}: scope {op.scope!r}"


def test_every_client_method_is_exercised_here() -> None:
    """A new client method without a contract check here fails this test."""
    assert public_methods() == set(CALLS)


def test_every_request_the_client_sends_passes_the_contract() -> None:
    fake = FakeSupabase()
    with client_for(fake) as client:
        for call in CALLS.values():
            call(client)
    # the fake validated each request (strict bodies) and each reply against the spec
    assert sorted(set(fake.operation_ids())) == sorted(o.operation_id for o in ops.ALL_OPERATIONS)


def test_strict_validation_rejects_an_unknown_auth_field() -> None:
    with pytest.raises(contract.ContractViolation, match=r"'otp_expiry' was unexpected"):
        contract.validate_request(
            "PATCH", f"/v1/projects/{PROJECT_REF}/config/auth", {"otp_expiry": 3600}
        )


def test_strict_validation_rejects_a_bad_ref_and_an_unknown_path() -> None:
    with pytest.raises(contract.ContractViolation, match="ref"):
        contract.validate_request("GET", "/v1/projects/NOT-A-REF/config/auth", None)
    with pytest.raises(contract.ContractViolation, match="not an operation"):
        contract.validate_request("DELETE", f"/v1/projects/{PROJECT_REF}/config/auth", None)


def test_password_character_sets_are_values_the_contract_allows() -> None:
    body_schema = contract.spec()["components"]["schemas"]["UpdateAuthConfigBody"]
    allowed = body_schema["properties"]["password_required_characters"]["enum"]
    assert PASSWORD_CHARS_ALL in allowed
    assert PASSWORD_CHARS_LOWER_UPPER_DIGITS in allowed


def test_postgrest_jwt_secret_is_never_returned_by_the_client() -> None:
    with client_for(FakeSupabase()) as client:
        assert "jwt_secret" not in client.get_postgrest_config(PROJECT_REF)


def test_missing_contract_file_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contract.API, "path", contract.CONTRACTS_DIR / "missing.json")
    contract.API.reload()
    try:
        with pytest.raises(contract.ContractMissing, match="tests/contracts"):
            contract.spec()
    finally:
        monkeypatch.undo()
        contract.API.reload()

"""Compliant and violating cases for rules the prod plan gives no target to (or only one
side of), and checks that every rule really inspected something in the prod plan."""

from __future__ import annotations

from typing import Any

import pytest

from policies.graph import parse_graph, resource_args
from policies.model import Violation
from policies.rules import ALL_RULES
from policies.rules.secrets_detect import classify
from tests.policies.conftest import run
from tests.policies.graphs import add, named

FAKE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiZmFrZSJ9.ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw"


def _ids(data: dict[str, Any], options: dict[str, Any] | None = None) -> set[str]:
    return {f.policy_id for f in run(data, options).findings}


def test_every_resource_rule_with_a_prod_target_inspected_it(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    evaluation = run(*prod_plan)
    types = {r["type"] for r in prod_plan[0]["resources"]}
    for rule in ALL_RULES:
        if rule.kind == "resource" and rule.resource_types & types:
            assert evaluation.inspected[rule.id] > 0, rule.id


def test_s3_versioning_on_a_real_aws_provider_is_not_an_r2_violation(
    prod_data: dict[str, Any],
) -> None:
    aws = add(prod_data, "pulumi:providers:aws", "real-aws", {"region": "eu-west-1"})
    add(
        prod_data,
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws-versioning",
        {"bucket": "elsewhere"},
        provider=f"{aws['urn']}::id",
    )
    assert "CRM-R2-005" not in _ids(prod_data)


def test_plain_actions_variable_is_allowed(prod_data: dict[str, Any]) -> None:
    add(
        prod_data,
        "github:index/actionsVariable:ActionsVariable",
        "region",
        {"repository": "careers-crm-platform", "variableName": "AWS_REGION", "value": "us-east-1"},
    )
    assert "CRM-GH-007" not in _ids(prod_data)


def test_redacted_secrets_and_ids_are_not_plaintext_secrets(prod_data: dict[str, Any]) -> None:
    # Secret inputs in the prod plan are "[secret]"; hex ids are not flagged.
    assert "CRM-STACK-001" not in _ids(prod_data)
    assert named(prod_data, "storage-r2-s3")["inputs"]["secretKey"] == "[secret]"


@pytest.mark.parametrize(
    "value",
    [
        "ghp_" + "FAKEfake0123456789" * 2,
        FAKE_JWT,
        "AKIA" + "FAKE" * 4,
        "postgres://crm:fake-password@db.example.invalid:5432/crm",
        "-----BEGIN PRIVATE KEY-----",
        "Zm9vYmFyFAKEq8Wd93kLmN0pQrStUvWx",
    ],
)
def test_secret_shapes_are_recognised(value: str) -> None:
    assert classify(value)


@pytest.mark.parametrize(
    "value",
    [
        "77454fe2d30c4220b5701f6fdfb893ba",
        "api.careers.example.edu",
        "careers-crm-prod-uploads",
        "https://app.careers.example.edu",
        "Sign-in and API rate limiting",
        "us-east-1",
    ],
)
def test_ordinary_values_are_not_secrets(value: str) -> None:
    assert classify(value) is None


def test_engine_mode_skips_declared_secret_stores(prod_data: dict[str, Any]) -> None:
    """Inside `pulumi preview` secrets arrive unwrapped: a declared secret store is fine."""
    from policies.graph import stack_args
    from policies.rules.stack import plaintext_secrets

    secret = add(
        prod_data,
        "github:index/actionsSecret:ActionsSecret",
        "s",
        {"secretName": "X", "value": "ghp_" + "FAKEfake0123456789" * 2},
    )
    graph = parse_graph(prod_data)
    engine = list(plaintext_secrets(stack_args(graph, {})))
    assert [v for v in engine if isinstance(v, Violation)] == []
    offline = list(plaintext_secrets(stack_args(graph, {"graphRedactsSecrets": True})))
    assert [v.urn for v in offline if isinstance(v, Violation)] == [secret["urn"]]


def test_pack_policy_reports_the_same_violation_as_the_offline_rule(
    prod_data: dict[str, Any],
) -> None:
    """The CrossGuard wrapper reports exactly what the rule's check returns."""
    rule = next(r for r in ALL_RULES if r.id == "CRM-R2-001")
    named(prod_data, "storage-uploads-r2dev")["inputs"]["enabled"] = True
    graph = parse_graph(prod_data)
    resource = next(r for r in graph.resources if r.name == "storage-uploads-r2dev")
    args = resource_args(graph, resource)
    reported: list[tuple[str, str | None]] = []
    policy = rule.to_policy()
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    assert reported == [(v.as_message(), None) for v in rule.check_resource(args)]
    assert "[enabled: actual=true, required=false]" in reported[0][0]


def test_docs_carry_the_current_rule_catalogue() -> None:
    from pathlib import Path

    from policies.catalog import render

    docs = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()
    assert render() in docs, "run `python -m policies.catalog` and update docs/policies.md"

"""CRM-INF-001 reads the stack file itself (the other Infisical rules are covered by
mutations of the prod plan): the real Pulumi.prod.yaml passes, a plaintext secret fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policies.evaluate import evaluate, load_stack_config
from policies.graph import parse_graph
from policies.rules.infisical import RULES

ROOT = Path(__file__).resolve().parents[2]
RULE = next(r for r in RULES if r.id == "CRM-INF-001")


def findings(prod_data: dict[str, Any], stack_config: dict[str, Any]) -> list[str]:
    graph = parse_graph(prod_data, "test graph", {})
    result = evaluate(graph, [RULE], stack_config=stack_config)
    return [f.message for f in result.findings]


def test_the_committed_prod_stack_config_holds_no_plaintext_secret(
    prod_data: dict[str, Any],
) -> None:
    config = load_stack_config(ROOT, "prod")
    assert len(config) > 10  # the rule inspected the real file
    assert findings(prod_data, config) == []


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("careers-crm:grafana.metricsToken", "not-so-random-but-named", "secret-named key"),
        ("careers-crm:app.resendApiKey", "re_Fake0123456789abcdefGHIJ", "high-entropy"),
        ("careers-crm:observability.note", "ghp_" + "FAKEfake0123456789" * 2, "GitHub token"),
        ("careers-crm:supabase.databaseUrl", "postgresql://u:fakepw@db/postgres", "credentials"),
    ],
)
def test_a_plaintext_secret_in_the_stack_config_is_caught(
    prod_data: dict[str, Any], key: str, value: str, why: str
) -> None:
    config = {**load_stack_config(ROOT, "prod"), key: value}
    found = findings(prod_data, config)
    assert len(found) == 1 and key in found[0] and why in found[0]
    assert value not in found[0]


def test_an_encrypted_value_is_fine(prod_data: dict[str, Any]) -> None:
    config = {
        **load_stack_config(ROOT, "prod"),
        "careers-crm:grafana.metricsToken": {"secure": "v1:AAAAfakeciphertext"},
    }
    assert findings(prod_data, config) == []

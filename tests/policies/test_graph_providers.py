"""Provider references in the real plan resolve to the provider resources the plan wrote, so
provider-dependent rules (CRM-R2-005, ...) see the provider's settings."""

from __future__ import annotations

from typing import Any

import pytest

from policies.graph import GraphError, parse_graph, resource_args, unresolved_providers
from tests.policies.conftest import reviewed, run
from tests.policies.graphs import add


def test_every_provider_reference_of_the_real_plan_resolves(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    graph = parse_graph(*prod_plan[:1], "prod plan", prod_plan[1])
    assert unresolved_providers(graph) == []
    index = graph.index
    with_provider = [r for r in graph.resources if r.provider]
    assert len(with_provider) > 50
    for resource in with_provider:
        provider = resource_args(graph, resource).provider
        assert provider is not None
        assert provider.urn == resource.provider, resource.urn
        assert provider.props == index[resource.provider].inputs, resource.urn
        assert provider.resource_type.startswith("pulumi:providers:"), resource.urn


def test_engine_style_reference_with_an_id_still_resolves(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data = prod_plan[0]
    target = next(r for r in data["resources"] if r["type"] == "pulumi:providers:aws")
    graph = parse_graph(
        {
            **data,
            "resources": [
                *data["resources"],
                {**target, "urn": target["urn"] + "-user", "provider": target["urn"] + "::id-1"},
            ],
        }
    )
    user = graph.index[target["urn"] + "-user"]
    provider = resource_args(graph, user).provider
    assert provider is not None and provider.urn == target["urn"]


def test_a_reference_to_a_provider_missing_from_the_graph_is_an_error(
    prod_data: dict[str, Any],
) -> None:
    add(
        prod_data,
        "aws:s3/bucketVersioning:BucketVersioning",
        "x",
        {},
        provider="urn:pulumi:p::q::pulumi:providers:aws::gone",
    )
    with pytest.raises(GraphError, match="names provider"):
        parse_graph(prod_data)


def test_versioning_aimed_at_r2_with_the_reference_the_plan_writes_is_caught(
    prod_data: dict[str, Any], prod_plan: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """Regression: the plan writes a bare provider URN; the reader used to strip its last
    segment, found no provider, and CRM-R2-005 passed a versioning resource aimed at R2."""
    r2 = next(r for r in prod_data["resources"] if r["type"] == "pulumi:providers:aws")
    add(
        prod_data,
        "aws:s3/bucketVersioning:BucketVersioning",
        "storage-backups-versioning",
        {"bucket": "careers-crm-prod-backups", "versioningConfiguration": {"status": "Enabled"}},
        provider=r2["urn"],
    )
    findings = reviewed(run(prod_data, prod_plan[1]).findings)
    assert [f.policy_id for f in findings if f.blocking] == ["CRM-R2-005"]

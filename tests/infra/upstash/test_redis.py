"""The Upstash database is declared by the stack and its URL reaches the API only as a secret."""

from __future__ import annotations

import pytest

from infra.upstash.regions import RAILWAY_TO_UPSTASH
from stacks.config.hosting import _RAILWAY_REGIONS
from tests.support.plan import make_graph, prod_graph

REDIS = "upstash:index/redisDatabase:RedisDatabase"


def test_prod_declares_one_tls_database_next_to_the_api() -> None:
    (db,) = prod_graph().of_type(REDIS)
    inputs = db["inputs"]
    assert inputs["tls"] is True and inputs["eviction"] is True
    assert inputs["autoScale"] is False and inputs["prodPack"] is False
    assert inputs["region"] == "global"
    api = prod_graph().named("railway-api-settings")["inputs"]
    assert inputs["primaryRegion"] == RAILWAY_TO_UPSTASH[api["region"]]


def test_redis_url_reaches_the_api_as_a_secret_built_from_the_database() -> None:
    graph = prod_graph()
    (db,) = graph.of_type(REDIS)
    api_vars = graph.named("railway-api-vars")
    assert api_vars["inputs"]["secret_variables"] == "[secret]"
    assert "REDIS_URL" not in api_vars["inputs"]["variables"]
    assert db["urn"] in api_vars["dependencies"]


def test_every_railway_region_has_a_neighbouring_upstash_region() -> None:
    assert set(RAILWAY_TO_UPSTASH) == set(_RAILWAY_REGIONS)


def test_redis_can_be_turned_off() -> None:
    graph = make_graph("prod", **{"upstash.enabled": "false"})
    assert graph.of_type(REDIS) == []
    assert not [r for r in graph.resources if r["type"] == "pulumi:providers:upstash"]


@pytest.mark.parametrize("value", ["paid", "FREE"])
def test_unknown_plan_is_refused(value: str) -> None:
    with pytest.raises(Exception, match=r"upstash\.plan"):
        make_graph("prod", **{"upstash.plan": value})

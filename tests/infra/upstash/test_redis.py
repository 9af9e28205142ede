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


def test_redis_url_reaches_the_api_through_infisical_built_from_the_database() -> None:
    """The URL is a secret built from the database's outputs, written into the API's
    Infisical folder (where the API reads its secrets), never a Railway variable."""
    graph = prod_graph()
    (db,) = graph.of_type(REDIS)
    (url,) = [
        r
        for r in graph.of_type("pulumi-python:dynamic/infisical:Secret")
        if r["inputs"]["name"] == "REDIS_URL"
    ]
    assert url["inputs"]["path"] == "/api" and url["inputs"]["value"] == "[secret]"
    assert db["urn"] in url["dependencies"]
    assert "REDIS_URL" not in graph.named("railway-api-vars")["inputs"]["variables"]


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

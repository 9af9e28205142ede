"""The stand-in provider plugins speak the provider protocol over gRPC and refuse, in Check,
every kind of input the real provider's schema would refuse; Create answers with the
realistic outputs the offline plan uses."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from stacks.engine import schema, standin
from tests.support.plan import make_graph

REPO = Path(__file__).resolve().parents[2]
URN = "urn:pulumi:prod::careers-crm::{typ}::{name}"
RULESET = "cloudflare:index/ruleset:Ruleset"


@pytest.fixture(scope="module")
def cloudflare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real `pulumi-resource-cloudflare` stand-in process, as the engine starts it."""
    folder = standin.write_launchers(tmp_path_factory.mktemp("plugins"), Path(sys.executable), REPO)
    proc = subprocess.Popen(
        [str(folder / "pulumi-resource-cloudflare"), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        channel.close()
        proc.terminate()
        proc.wait(timeout=10)


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


def _check(stub: Any, typ: str, news: dict[str, Any]) -> dict[str, str]:
    request = provider_pb2.CheckRequest(
        urn=URN.format(typ=typ, name="waf"), news=_struct(news), olds=_struct({})
    )
    response = stub.Check(request, timeout=60)
    return {f.property: f.reason for f in response.failures}


GOOD_RULESET = {
    "kind": "zone",
    "name": "waf",
    "phase": "http_request_firewall_custom",
    "zoneId": "fedcba9876543210fedcba9876543210",
    "rules": [{"action": "block", "expression": "true", "enabled": True}],
}


def test_valid_inputs_pass_check(cloudflare: Any) -> None:
    assert _check(cloudflare, RULESET, GOOD_RULESET) == {}


@pytest.mark.parametrize(
    ("change", "prop", "reason"),
    [
        ({"zoneid": "x"}, "zoneid", "not an input of RulesetArgs; did you mean 'zoneId'"),
        (
            {"rules": [{"action": "block", "expression": "true", "enabled": "yes"}]},
            "rules[0].enabled",
            "must be a boolean",
        ),
        ({"name": None}, "name", "is required by RulesetArgs"),
        ({"phase": "http_request_firewall_customs"}, "phase", "must be one of"),
        (
            {"rules": [{"action": "block", "expression": "true", "ratelimit": {"period": "ten"}}]},
            "rules[0].ratelimit.period",
            "must be an integer",
        ),
    ],
    ids=["unknown-key", "wrong-type", "missing-required", "bad-enum", "nested-type"],
)
def test_each_kind_of_wrong_input_is_refused(
    cloudflare: Any, change: dict[str, Any], prop: str, reason: str
) -> None:
    news = {k: v for k, v in {**GOOD_RULESET, **change}.items() if v is not None}
    failures = _check(cloudflare, RULESET, news)
    assert prop in failures, failures
    assert reason in failures[prop]


def test_a_type_the_provider_lacks_is_refused(cloudflare: Any) -> None:
    failures = _check(cloudflare, "cloudflare:index/zoneSettingz:ZoneSettingz", {})
    assert "is not a resource of pulumi_cloudflare" in failures[""]


def test_create_answers_with_the_offline_outputs(cloudflare: Any) -> None:
    typ = "cloudflare:index/apiToken:ApiToken"
    request = provider_pb2.CreateRequest(
        urn=URN.format(typ=typ, name="app-token"), properties=_struct({"name": "app"})
    )
    response = cloudflare.Create(request, timeout=60)
    outputs = json_format.MessageToDict(response.properties)
    assert response.id and outputs["status"] == "active" and outputs["name"] == "app"
    assert outputs["value"].startswith("offline-fake-token-")


def test_every_bridged_resource_the_program_registers_passes_its_schema() -> None:
    """The offline plan's raw inputs for each bridged type satisfy the pinned SDK's schema:
    the check is strict enough to catch mistakes and loose enough for the real program."""
    packages = {name: pkg for name, pkg in standin.PLUGINS.items()}
    checked = 0
    for resource in make_graph("prod").resources:
        plugin = resource["type"].split(":", 1)[0]
        if plugin not in packages or resource["type"].startswith("pulumi:providers:"):
            continue
        found = schema.resource_schema(packages[plugin], resource["type"])
        assert found is not None, resource["type"]
        inputs = {
            k: v
            for k, v in resource["inputs"].items()
            if not isinstance(v, dict) or "4dabf18193072939515e22adb298388d" not in v
        }
        failures = [f for f in schema.validate(found, inputs) if "[secret]" not in f.reason]
        assert failures == [], (resource["urn"], failures)
        checked += 1
    assert checked >= 40

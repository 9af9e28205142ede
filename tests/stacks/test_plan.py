"""The offline plan file: its shape, secret redaction, determinism and parenting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from stacks.offline.stack_files import FAKE_SECRET_PREFIX
from stacks.plan import main as plan_main
from tests.support.plan import make_graph, prod_graph

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_KEYS = {"urn", "type", "name", "parent", "provider", "inputs", "dependencies"}


def test_plan_file_has_exactly_the_agreed_shape(tmp_path: Path) -> None:
    assert plan_main(["--stack", "prod", "--out", str(tmp_path), "--quiet"]) == 0
    import json

    data = json.loads((tmp_path / "resources.json").read_text())
    assert set(data) == {"project", "stack", "resources"}
    assert (data["project"], data["stack"]) == ("careers-crm", "prod")
    for resource in data["resources"]:
        assert set(resource) == RESOURCE_KEYS
        assert isinstance(resource["inputs"], dict)
        assert isinstance(resource["dependencies"], list)
        assert resource["parent"] is None or isinstance(resource["parent"], str)
        assert resource["provider"] is None or resource["provider"].startswith("urn:pulumi:")


def test_plan_is_byte_identical_for_identical_input(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert plan_main(["--out", str(first), "--quiet"]) == 0
    assert plan_main(["--out", str(second), "--quiet"]) == 0
    for name in ("resources.json", "resource-options.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_secrets_are_redacted_everywhere() -> None:
    graph = prod_graph()
    text = graph.text()
    assert FAKE_SECRET_PREFIX not in text
    assert "offline-fake-token" not in text
    provider = graph.named("storage-r2-s3")
    assert provider["inputs"]["accessKey"] == "[secret]"
    assert provider["inputs"]["secretKey"] == "[secret]"
    for secret in graph.of_type("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"):
        assert secret["inputs"]["value"] == "[secret]"


def test_every_child_is_parented_to_its_component() -> None:
    graph = prod_graph()
    components = {r["urn"]: r for r in graph.resources if r["type"].startswith("crm:")}
    stack = [r for r in graph.resources if r["type"] == "pulumi:pulumi:Stack"]
    assert len(stack) == 1
    for resource in graph.resources:
        if resource["type"].startswith(("pulumi:", "crm:")):
            continue
        assert resource["parent"] in components, (
            f"{resource['name']} is not parented to a component: {resource['parent']}"
        )
    for component in components.values():
        assert component["parent"] == stack[0]["urn"] or component["parent"] in components


def test_custom_resources_name_their_provider() -> None:
    graph = prod_graph()
    providers = {r["urn"] for r in graph.resources if r["type"].startswith("pulumi:providers:")}
    for resource in graph.resources:
        if resource["type"].startswith(("pulumi:", "crm:")):
            continue
        assert resource["provider"] in providers, resource["urn"]


def test_plan_covers_edge_storage_and_github() -> None:
    types = {r["type"] for r in prod_graph().resources}
    for expected in (
        "cloudflare:index/zoneSetting:ZoneSetting",
        "cloudflare:index/dnsRecord:DnsRecord",
        "cloudflare:index/ruleset:Ruleset",
        "cloudflare:index/r2Bucket:R2Bucket",
        "cloudflare:index/r2BucketLock:R2BucketLock",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
        "github:index/repository:Repository",
        "github:index/repositoryRuleset:RepositoryRuleset",
        "github:index/repositoryEnvironment:RepositoryEnvironment",
    ):
        assert expected in types


def test_bad_config_stops_with_one_message_and_no_traceback(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.broken.yaml").write_text(
        "config:\n  careers-crm:domain: NOT_A_DOMAIN\n  careers-crm:cloudflare.plan: gold\n"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "stacks.plan",
            "--stack",
            "broken",
            "--root",
            str(tmp_path),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    for key in (
        "careers-crm:domain",
        "careers-crm:cloudflare.plan",
        "careers-crm:cloudflare.accountId",
        "careers-crm:cloudflare.zoneId",
        "careers-crm:github.prodReviewers",
    ):
        assert key in out.stderr


def test_missing_stack_file_is_a_clear_error(capsys: object) -> None:
    assert plan_main(["--stack", "nosuchstack", "--quiet"]) == 2


def test_what_if_plan_on_another_plan_changes_the_managed_rulesets() -> None:
    pro = make_graph("prod", **{"cloudflare.plan": "pro"})
    managed = pro.named("edge-waf-managed")["inputs"]["rules"]
    assert [r["actionParameters"]["id"] for r in managed] == [
        "efb7b8c949ac4650a09736fc376e9aee",
        "4814384a9e5d4991b9815dcfc25d2f1f",
    ]

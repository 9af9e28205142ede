"""The pack inside the real analyzer: pulumi-policy's own gRPC servicer (what
`pulumi preview --policy-pack policies` talks to) runs our rules on engine-shaped requests
built from the prod plan and reports what the offline evaluator reports."""

from __future__ import annotations

import copy
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policies.graph import provider_urn
from policies.rules import ALL_RULES
from tests.policies.conftest import run
from tests.policies.mutations import MUTATIONS

# Rules whose secret checks differ by design between the redacted graph and the engine.
SECRET_MODE_RULES = {"CRM-STACK-001", "CRM-RW-002"}
APPLIED = (
    "ssl-flexible",
    "hsts-one-day",
    "rate-limit-period-60",
    "r2-dev-on",
    "backups-bucket-unprotected",
    "s3-versioning-on-r2",
    "no-required-review",
    "jwt-one-day",
    "db-open-ipv6",
    "api-without-health-check",
    "service-role-jwt-on-web",
    "web-host-unmonitored",
    "unknown-provider",
)


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(values)
    return result


def _resources(data: dict[str, Any], options: dict[str, Any]) -> list[Any]:
    index = {r["urn"]: r for r in data["resources"]}
    built = []
    for r in data["resources"]:
        provider = index.get(provider_urn(r.get("provider"), index) or "")
        built.append(
            analyzer_pb2.AnalyzerResource(
                type=r["type"],
                urn=r["urn"],
                name=r["name"],
                properties=_struct(r["inputs"]),
                options=analyzer_pb2.AnalyzerResourceOptions(
                    protect=bool(options.get(r["urn"], {}).get("protect")),
                    parent=r.get("parent") or "",
                ),
                provider=analyzer_pb2.AnalyzerProviderResource(
                    type=provider["type"],
                    urn=provider["urn"],
                    name=provider["name"],
                    properties=_struct(provider["inputs"]),
                )
                if provider
                else None,
                parent=r.get("parent") or "",
                dependencies=r.get("dependencies", []),
            )
        )
    return built


def _servicer() -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(
        "careers-crm-policies",
        "0.1.0",
        [r.to_policy() for r in ALL_RULES],
        EnforcementLevel.MANDATORY,
    )


def test_analyzer_info_carries_every_rule_with_severity_and_framework() -> None:
    info = _servicer().GetAnalyzerInfo(None, None)
    assert [p.name for p in info.policies] == [r.id for r in ALL_RULES]
    assert all(p.severity and p.framework.name and p.remediation_steps for p in info.policies)
    mandatory = analyzer_pb2.EnforcementLevel.Value("MANDATORY")
    assert {p.name for p in info.policies if p.enforcementLevel == mandatory} == {
        r.id for r in ALL_RULES if r.enforcement.value == "mandatory"
    }


def test_engine_and_offline_report_the_same_violations(
    prod_plan: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data, options = copy.deepcopy(prod_plan[0]), copy.deepcopy(prod_plan[1])
    for mutation in MUTATIONS:
        if mutation.id in APPLIED:
            mutation.apply(data, options)
    servicer = _servicer()
    resources = _resources(data, options)
    engine: set[tuple[str, str]] = set()
    for resource in resources:
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=resource.properties,
            urn=resource.urn,
            name=resource.name,
            options=resource.options,
            provider=resource.provider,
        )
        engine |= {
            (d.policyName, d.urn or resource.urn)
            for d in servicer.Analyze(request, None).diagnostics
        }
    stack = servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources), None)
    stack_urn = next(r.urn for r in resources if r.type == "pulumi:pulumi:Stack")
    engine |= {(d.policyName, d.urn or stack_urn) for d in stack.diagnostics}
    offline = {(f.policy_id, f.resource_urn) for f in run(data, options).findings}
    expected = {m.rule for m in MUTATIONS if m.id in APPLIED}
    assert expected <= {p for p, _ in engine}
    assert {x for x in engine if x[0] not in SECRET_MODE_RULES} == {
        x for x in offline if x[0] not in SECRET_MODE_RULES
    }

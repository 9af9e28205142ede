"""Engine PolicyEvents from a real preview map onto the same findings as the offline run."""

from __future__ import annotations

from pulumi.automation.events import EngineEvent, PolicyEvent

from policies.preview import to_findings
from policies.rules import ALL_RULES

STACK_URN = "urn:pulumi:prod::careers-crm::pulumi:pulumi:Stack::careers-crm-prod"
R2DEV_URN = (
    "urn:pulumi:prod::careers-crm::crm:storage:Storage$"
    "cloudflare:index/r2ManagedDomain:R2ManagedDomain::storage-uploads-r2dev"
)


def _event(
    message: str, policy: str = "CRM-R2-001", urn: str | None = R2DEV_URN, level: str = "mandatory"
) -> PolicyEvent:
    payload = {
        "sequence": 1,
        "timestamp": 1,
        "policyEvent": {
            "message": message,
            "color": "always",
            "policyName": policy,
            "policyPackName": "careers-crm-policies",
            "policyPackVersion": "0.1.0",
            "policyPackVersionTag": "0.1.0",
            "enforcementLevel": level,
            "resourceUrn": urn,
        },
    }
    event = EngineEvent.from_json(payload).policy_event
    assert event is not None
    return event


def test_structured_message_yields_evidence_and_rule_metadata() -> None:
    rule = next(r for r in ALL_RULES if r.id == "CRM-R2-001")
    message = (
        "<{%fg 1%}>r2.dev public access is off<{%reset%}>\n"
        "r2.dev access for bucket careers-crm-prod-uploads is on "
        "[enabled: actual=true, required=false]"
    )
    [finding] = to_findings([_event(message)], STACK_URN)
    assert finding.policy_id == "CRM-R2-001"
    assert finding.message == "r2.dev access for bucket careers-crm-prod-uploads is on"
    assert (finding.property_path, finding.actual, finding.required) == ("enabled", True, False)
    assert finding.severity == rule.severity.value
    assert finding.remediation == rule.remediation
    assert finding.resource_type == "cloudflare:index/r2ManagedDomain:R2ManagedDomain"
    assert finding.enforcement == "mandatory" and finding.blocking


def test_stack_level_advisory_event_from_another_pack() -> None:
    [finding] = to_findings(
        [_event("\x1b[33mtags missing\x1b[0m", policy="other-policy", urn=None, level="advisory")],
        STACK_URN,
    )
    assert finding.resource_urn == STACK_URN
    assert finding.resource_type == "pulumi:pulumi:Stack"
    assert finding.enforcement == "advisory" and not finding.blocking
    assert finding.severity == "medium" and finding.message == "tags missing"


def test_duplicate_events_are_reported_once() -> None:
    events = [_event("same [enabled: actual=true, required=false]")] * 3
    assert len(to_findings(events, STACK_URN)) == 1

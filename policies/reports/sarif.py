"""SARIF 2.1.0 for GitHub code scanning: one run, every rule, excepted findings suppressed."""

from __future__ import annotations

import hashlib
from typing import Any

from policies.findings import STATUS_EXCEPTED, Finding, show
from policies.reports.model import AuditResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub ranks alerts by a CVSS-like number on the rule.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
INFORMATION_URI = "https://github.com/careers-crm/careers-crm-platform/blob/main/docs/policies.md"


def _level(finding: Finding) -> str:
    if finding.enforcement == "mandatory":
        return "error"
    return "warning" if finding.severity in ("critical", "high", "medium") else "note"


def _location(finding: Finding, stack_file: str) -> dict[str, Any]:
    if finding.file:
        physical = {
            "artifactLocation": {"uri": finding.file},
            "region": {"startLine": max(finding.line, 1)},
        }
    elif finding.source_file:
        # The Python line that declared the planned resource (recorded by the plan).
        physical = {
            "artifactLocation": {"uri": finding.source_file},
            "region": {"startLine": max(finding.source_line, 1)},
        }
    else:
        # A stack-wide finding names no resource: the stack's config file is where it is set.
        physical = {"artifactLocation": {"uri": stack_file}, "region": {"startLine": 1}}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.resource_urn.startswith("urn:pulumi:"):
        location["logicalLocations"] = [
            {"fullyQualifiedName": finding.resource_urn, "kind": "resource"}
        ]
    return location


def _fingerprint(finding: Finding) -> str:
    key = "|".join((finding.policy_id, finding.resource_urn, finding.property_path))
    return hashlib.sha256(key.encode()).hexdigest()


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.property_path:
        text += (
            f" ({finding.property_path}: actual {show(finding.actual)}, "
            f"required {show(finding.required)})"
        )
    return text


def render(result: AuditResult) -> dict[str, Any]:
    stack_file = f"Pulumi.{result.provenance.stack}.yaml"
    rules = sorted(result.rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    sarif_rules = [
        {
            "id": r.id,
            "name": r.id.replace("-", "").replace("/", "_").replace(".", "_"),
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.description},
            "help": {"text": r.remediation, "markdown": f"**Remediation:** {r.remediation}"},
            "defaultConfiguration": {
                "level": "error" if r.enforcement == "mandatory" else "warning"
            },
            "properties": {
                "security-severity": SECURITY_SEVERITY.get(r.severity, "5.5"),
                "tags": [
                    "security",
                    r.source,
                    *sorted(f"{c['framework']} {c['version']} {c['id']}" for c in r.controls),
                ],
                "precision": "high" if r.source == "pulumi-policy" else "medium",
            },
        }
        for r in rules
    ]
    results = []
    for finding in result.sorted_findings():
        entry: dict[str, Any] = {
            "ruleId": finding.policy_id,
            "ruleIndex": index[finding.policy_id],
            "level": _level(finding),
            "message": {"text": _message(finding)},
            "locations": [_location(finding, stack_file)],
            "partialFingerprints": {"crmFinding/v1": _fingerprint(finding)},
            "properties": {
                "severity": finding.severity,
                "enforcement": finding.enforcement,
                "status": finding.status,
                "source": finding.source,
            },
        }
        if finding.exception is not None:
            entry["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted" if finding.status == STATUS_EXCEPTED else "rejected",
                    "justification": (
                        f"{finding.exception['justification']} (owner "
                        f"{finding.exception['owner']}, expires "
                        f"{finding.exception['expires']})"
                    ),
                }
            ]
        results.append(entry)
    p = result.provenance
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "careers-crm-policies",
                        "version": p.tools.get("policy-pack", "0.1.0"),
                        "informationUri": INFORMATION_URI,
                        "rules": sarif_rules,
                    },
                    # Every tool that ran, with its version, whether or not it found anything.
                    "extensions": [
                        {"name": source, "version": p.tools.get(source, "")}
                        for source in result.sources
                        if source != "pulumi-policy"
                    ],
                },
                "automationDetails": {"id": f"careers-crm-policies/{p.stack}/"},
                "versionControlProvenance": [
                    {
                        "repositoryUri": "https://github.com/careers-crm/careers-crm-platform",
                        "revisionId": p.git_commit,
                    }
                ]
                if len(p.git_commit) == 40
                else [],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "endTimeUtc": p.generated_at,
                        "properties": {
                            "stack": p.stack,
                            "graphSha256": p.graph_sha256,
                            "tools": p.tools,
                        },
                    }
                ],
                "results": results,
            }
        ],
    }

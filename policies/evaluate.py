"""Offline evaluation: every rule over a planned graph, findings JSON on stdout.

Usage: python -m policies.evaluate build/<stack>/resources.json [--config FILE]
       [--exceptions FILE] [--output FILE]
Exit 1 when a mandatory rule is violated (and not excepted), 0 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies.evidence import CURRENT, Evidence, Recorder
from policies.evidence import document as evidence_document
from policies.exceptions import DEFAULT_PATH, ExceptionsError, apply_exceptions, load_exceptions
from policies.findings import Finding, exit_code, rule_status, summarize
from policies.graph import (
    REDACTED_GRAPH_FLAG,
    Graph,
    GraphError,
    load_graph,
    resource_args,
    stack_args,
)
from policies.model import Rule, Violation
from policies.rules import ALL_RULES
from policies.settings import STACK_CONFIG_KEY

STACK_TYPE = "pulumi:pulumi:Stack"
PROJECT_ROOT = Path(__file__).resolve().parent.parent  # where Pulumi.<stack>.yaml lives


class EvaluationError(Exception):
    """A rule could not be evaluated; the run proves nothing and must not pass."""


@dataclass
class Evaluation:
    graph: Graph
    rules: Sequence[Rule]
    findings: list[Finding]
    inspected: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    def rule_entries(self) -> list[dict[str, Any]]:
        """Every rule with its status and the evidence it inspected."""
        entries = []
        for rule in self.rules:
            rows, more = evidence_document(self.evidence.get(rule.id, []))
            inspected = self.inspected.get(rule.id, 0)
            entries.append(
                {
                    "id": rule.id,
                    "status": rule_status(
                        inspected, [f for f in self.findings if f.policy_id == rule.id]
                    ),
                    "inspected": inspected,
                    "evidence": rows,
                    "evidence_more": more,
                }
            )
        return entries

    def document(self) -> dict[str, Any]:
        return {
            "findings": [f.as_dict() for f in self.findings],
            "rules": self.rule_entries(),
            "summary": summarize(self.findings, len(self.rules), len(self.graph.resources)),
        }


def stack_urn(graph: Graph) -> str:
    name = f"{graph.project}-{graph.stack}"
    return f"urn:pulumi:{graph.stack}::{graph.project}::{STACK_TYPE}::{name}"


def to_finding(
    rule: Rule,
    violation: Violation,
    urn: str,
    resource_type: str,
    source: tuple[str, int] | None = None,
) -> Finding:
    return Finding(
        source_file=source[0] if source else "",
        source_line=source[1] if source else 0,
        policy_id=rule.id,
        title=rule.title,
        severity=rule.severity.value,
        enforcement=rule.enforcement.value,
        resource_urn=urn,
        resource_type=resource_type,
        message=violation.message,
        remediation=rule.remediation,
        controls=tuple(c.as_dict() for c in rule.controls),
        property_path=violation.path,
        actual=violation.actual,
        required=violation.required,
    )


def evaluate(
    graph: Graph,
    rules: Sequence[Rule] = ALL_RULES,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    stack_config: Mapping[str, Any] | None = None,
) -> Evaluation:
    """Every rule over `graph`. `stack_config` is the stack file's `config:` block, which the
    engine would hand the pack as PULUMI_CONFIG (e.g. the zone's Cloudflare plan)."""
    config = config or {}
    findings: list[Finding] = []
    inspected: dict[str, int] = {}
    evidence: dict[str, list[Evidence]] = {}
    names = {id(r.inputs): (r.urn, r.name) for r in graph.resources}
    for rule in rules:
        rule_config = {
            **config.get(rule.id, {}),
            REDACTED_GRAPH_FLAG: True,
            STACK_CONFIG_KEY: dict(stack_config or {}),
        }
        recorder = Recorder(names)
        token = CURRENT.set(recorder)
        explicit: list[Evidence] = []
        try:
            if rule.kind == "resource":
                count = 0
                for resource in graph.resources:
                    if not rule.applies_to(resource.type):
                        continue
                    count += 1
                    recorder.touch(resource.inputs)
                    violations, seen = rule.run_resource(
                        resource_args(graph, resource, rule_config)
                    )
                    explicit += seen
                    findings.extend(
                        to_finding(rule, v, resource.urn, resource.type, resource.source)
                        for v in violations
                    )
                inspected[rule.id] = count
            else:
                violations, seen = rule.run_stack(stack_args(graph, rule_config))
                explicit += seen
                for v in violations:
                    target = graph.index.get(v.urn or "")
                    findings.append(
                        to_finding(
                            rule,
                            v,
                            target.urn if target else (v.urn or stack_urn(graph)),
                            target.type if target else STACK_TYPE,
                            target.source if target else None,
                        )
                    )
                urns = recorder.inspected | {e.urn for e in explicit if e.urn}
                inspected[rule.id] = len(urns) or len(explicit)
        except Exception as exc:  # a crashing rule must not read as a pass
            raise EvaluationError(f"rule {rule.id} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            CURRENT.reset(token)
        evidence[rule.id] = explicit or recorder.evidence()
    return Evaluation(graph, rules, findings, inspected, evidence)


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """Read a Pulumi policy-pack-config file: `{"<policy id>": {...settings}}`."""
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GraphError(f"{path}: cannot read policy config ({exc})") from None
    if not isinstance(raw, dict) or not all(
        isinstance(v, dict) for k, v in raw.items() if k != "all"
    ):
        raise GraphError(f'{path}: expected {{"<policy id>": {{"<setting>": value}}}}')
    return {k: v for k, v in raw.items() if isinstance(v, dict)}


def load_stack_config(project_root: Path, stack: str) -> dict[str, Any]:
    """The non-secret `config:` block of Pulumi.<stack>.yaml (empty when there is none)."""
    path = project_root / f"Pulumi.{stack}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError) as exc:
        raise GraphError(f"{path}: cannot read the stack config ({exc})") from None
    block = raw.get("config") if isinstance(raw, dict) else None
    return dict(block) if isinstance(block, dict) else {}


def run(
    graph_path: Path, config_path: Path | None = None, exceptions_path: Path = DEFAULT_PATH
) -> Evaluation:
    graph = load_graph(graph_path)
    stack_config = load_stack_config(PROJECT_ROOT, graph.stack)
    evaluation = evaluate(graph, ALL_RULES, load_config(config_path), stack_config)
    evaluation.findings = apply_exceptions(evaluation.findings, load_exceptions(exceptions_path))
    return evaluation


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policies.evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("graph", type=Path, help="build/<stack>/resources.json")
    parser.add_argument("--config", type=Path, help="policy pack config JSON")
    parser.add_argument("--exceptions", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--output", type=Path, help="also write the findings JSON here")
    args = parser.parse_args(argv)
    try:
        evaluation = run(args.graph, args.config, args.exceptions)
    except (GraphError, ExceptionsError, EvaluationError) as exc:
        print(f"policies.evaluate: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(evaluation.document(), indent=2, sort_keys=True, default=str)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return exit_code(evaluation.findings)


if __name__ == "__main__":
    sys.exit(main())

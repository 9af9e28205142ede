"""Real-preview path: `pulumi preview --policy-pack policies` through the Automation API,
its PolicyEvents turned into the same findings JSON the offline evaluator prints.

Usage: python -m policies.preview --stack prod [--throwaway] [--output FILE] [--config FILE]
`pulumi preview --json` has no structured policy report (pulumi/pulumi#18851); the event
stream does. The CLI's own output is printed as it runs. With --throwaway (`make preview`)
the stack runs on a local file backend under build/engine/ with obviously fake secrets and
the stand-in provider plugins; without it, on your logged-in backend with your secrets.
Exit codes as the evaluator's: 1 on a blocking finding, 0 otherwise, 2 when it cannot run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from policies.evaluate import STACK_TYPE
from policies.exceptions import DEFAULT_PATH, ExceptionsError, apply_exceptions, load_exceptions
from policies.findings import Finding, exit_code, summarize
from policies.model import Rule
from policies.rules import ALL_RULES

PACK_DIR = Path(__file__).resolve().parent
REPO = PACK_DIR.parent
# The engine decorates messages with colour directives (<{%reset%}>) and ANSI escapes.
_COLOUR = re.compile(r"<\{%[^%]*%\}>|\x1b\[[0-9;]*m")
_EVIDENCE = re.compile(
    r"^(?P<message>.*) \[(?P<path>[^\[\]:]+): actual=(?P<actual>.*), "
    r"required=(?P<required>.*)\]$"
)
ENFORCEMENT = {
    "mandatory": "mandatory",
    "remediate": "mandatory",
    "advisory": "advisory",
    "warning": "advisory",
}


class PreviewError(Exception):
    """The preview could not run (no CLI, no stack, no credentials); the message says which."""


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _resource_type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else STACK_TYPE


def event_to_finding(event: Any, rules: Mapping[str, Rule], stack_urn: str) -> Finding:
    """One engine PolicyEvent as a Finding; our rules' metadata fills what the event lacks."""
    lines = [ln.strip() for ln in _COLOUR.sub("", str(event.message)).splitlines()]
    lines = [ln for ln in lines if ln]
    text = lines[-1] if lines else ""
    path, actual, required = "", None, None
    match = _EVIDENCE.match(text)
    if match:
        text, path = match["message"], match["path"]
        actual, required = _value(match["actual"]), _value(match["required"])
    urn = event.resource_urn or stack_urn
    rule = rules.get(event.policy_name)
    level = ENFORCEMENT.get(str(event.enforcement_level).lower(), "mandatory")
    return Finding(
        policy_id=event.policy_name,
        title=rule.title if rule else event.policy_name,
        severity=rule.severity.value if rule else "medium",
        enforcement=level,
        resource_urn=urn,
        resource_type=_resource_type(urn),
        message=text,
        remediation=rule.remediation if rule else "",
        controls=tuple(c.as_dict() for c in rule.controls) if rule else (),
        source=f"pulumi-preview:{event.policy_pack_name}",
        property_path=path,
        actual=actual,
        required=required,
    )


# pulumi-policy's word for a rule it skipped because a value is unknown until `up`.
_UNKNOWN = re.compile(r"can't run policy .* during preview")


def not_evaluated(events: Iterable[Any]) -> list[str]:
    """Rules the preview could not run on unknown values: not applicable, never a finding."""
    return sorted({e.policy_name for e in events if _UNKNOWN.search(str(e.message))})


def to_findings(events: Iterable[Any], stack_urn: str) -> list[Finding]:
    rules = {r.id: r for r in ALL_RULES}
    seen: set[tuple[str, str, str]] = set()
    findings = []
    for event in events:
        if _UNKNOWN.search(str(event.message)):
            continue  # reported by not_evaluated(), not as a violation
        finding = event_to_finding(event, rules, stack_urn)
        key = (finding.policy_id, finding.resource_urn, finding.message)
        if key not in seen:  # the engine may report a violation once per step
            seen.add(key)
            findings.append(finding)
    return findings


def open_stack(stack: str, throwaway: bool) -> Any:
    """The stack to preview: a throwaway local one (fake secrets) or the user's own."""
    from pulumi import automation as auto

    from stacks.engine import runner

    try:
        if throwaway:
            return runner.open_throwaway(stack, secrets=runner.fake_secrets())
        return runner.open_user_stack(stack)
    except (runner.EngineError, auto.errors.CommandError) as exc:
        raise PreviewError(f"cannot open stack {stack!r}: {str(exc)[-800:]}") from None


def run_preview(
    workspace_stack: Any, config_path: Path | None = None, on_output: Any = None
) -> tuple[list[Finding], list[str]]:
    """Preview with the policy pack: the findings, and the rules the preview could not run
    (values unknown until `up`)."""
    from pulumi import automation as auto

    events: list[Any] = []
    stack = workspace_stack.name
    project = workspace_stack.workspace.project_settings().name
    stack_urn = f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"
    try:
        workspace_stack.preview(
            policy_packs=[str(PACK_DIR)],
            policy_pack_configs=[str(config_path)] if config_path else None,
            on_event=lambda e: events.append(e.policy_event) if e.policy_event else None,
            on_output=on_output,
        )
    except auto.errors.CommandError as exc:
        # A mandatory violation fails the preview; the events still say why.
        if not events:
            raise PreviewError(f"pulumi preview failed: {str(exc)[-800:]}") from None
    return to_findings(events, stack_urn), not_evaluated(events)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policies.preview",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", default="prod")
    parser.add_argument(
        "--throwaway",
        action="store_true",
        help="local file backend under build/engine/, fake secrets, stand-in providers",
    )
    parser.add_argument("--config", type=Path, help="policy pack config JSON")
    parser.add_argument("--exceptions", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--output", type=Path, help="default: build/<stack>/preview-findings.json")
    args = parser.parse_args(argv)
    try:
        workspace_stack = open_stack(args.stack, args.throwaway)
        findings, skipped = run_preview(workspace_stack, args.config, on_output=print)
        findings = apply_exceptions(findings, load_exceptions(args.exceptions))
    except (PreviewError, ExceptionsError) as exc:
        print(f"policies.preview: {exc}", file=sys.stderr)
        return 2
    document = {
        "findings": [f.as_dict() for f in findings],
        "summary": summarize(findings, len(ALL_RULES), 0),
        "not_applicable_during_preview": skipped,
    }
    text = json.dumps(document, indent=2, sort_keys=True, default=str)
    output = args.output or REPO / "build" / args.stack / "preview-findings.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return exit_code(findings)


if __name__ == "__main__":
    sys.exit(main())

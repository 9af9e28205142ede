"""`make audit STACK=prod`: plan, our rules, checkov and zizmor, exceptions, five reports.

Writes build/<stack>/report/{index.html, report.md, findings.json, findings.sarif,
junit.xml}. Exit 1 when a mandatory finding is not covered by a current exception, 0
otherwise, 2 when something could not run (with the reason).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from policies import verdict
from policies.budget.stack import BudgetInputError, stack_budget
from policies.evaluate import (
    PROJECT_ROOT,
    EvaluationError,
    evaluate,
    load_config,
    load_stack_config,
)
from policies.exceptions import DEFAULT_PATH, ExceptionsError, apply_exceptions, load_exceptions
from policies.findings import Finding, finding_from_dict
from policies.graph import GraphError, load_graph
from policies.provenance import collect
from policies.reports import html, junit, markdown, sarif
from policies.reports.model import AuditResult, RuleRecord, merge_rules
from policies.rules import ALL_RULES
from policies.scanners.checkov import run_checkov
from policies.scanners.common import REPO, ScannerError
from policies.scanners.zizmor import run_zizmor
from stacks.offline.inputs import stale_reason

REPORT_FILES = ("index.html", "report.md", "findings.json", "findings.sarif", "junit.xml")


class AuditError(Exception):
    """The audit could not be completed; nothing it wrote can be trusted."""


def _plan(stack: str) -> str:
    """Plan `stack` unless the last plan read exactly what a new one would; say which."""
    args = ["--stack", stack, "--quiet"]
    reason = stale_reason(REPO, REPO / "build" / stack, args)
    if reason is None:
        return "reused: nothing the last plan read has changed"
    done = subprocess.run(
        [sys.executable, "-m", "stacks.plan", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AuditError(f"plan of stack {stack!r} failed:\n{done.stderr.strip()}")
    return f"planned ({reason})"


def _scan() -> list[Finding]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        checkov_run = pool.submit(run_checkov, [REPO])
        zizmor_run = pool.submit(run_zizmor, [REPO / ".github" / "workflows"])
        return checkov_run.result() + zizmor_run.result()


def _preview_findings(path: Path) -> list[Finding]:
    """Findings written by `python -m policies.preview` (a real `pulumi preview`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [finding_from_dict(item) for item in data["findings"]]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise AuditError(f"{path}: not a findings file from policies.preview ({exc})") from None


def progress(message: str) -> None:
    """Long steps announce themselves on stderr, so a person sees the audit is alive."""
    print(f"audit: {message}", file=sys.stderr, flush=True)


def run_audit(
    stack: str,
    graph_path: Path,
    out_dir: Path,
    *,
    plan: bool,
    scanners: bool,
    config_path: Path | None = None,
    exceptions_path: Path = DEFAULT_PATH,
    preview_path: Path | None = None,
) -> AuditResult:
    started = time.perf_counter()

    def step(message: str) -> None:
        progress(f"[{time.perf_counter() - started:5.1f} s] {message}")

    with ThreadPoolExecutor(max_workers=1) as pool:
        if scanners:
            step("scanning workflows and files with checkov and zizmor (in the background)")
        scan: Future[list[Finding]] | None = pool.submit(_scan) if scanners else None
        try:
            if plan:
                step(f"planning stack {stack} offline (the slowest step, ~20-60 s)")
                step(f"plan {_plan(stack)}")
            graph = load_graph(graph_path)
            step(f"evaluating {len(ALL_RULES)} rules over {len(graph.resources)} resources")
            stack_config = load_stack_config(PROJECT_ROOT, graph.stack)
            evaluation = evaluate(graph, ALL_RULES, load_config(config_path), stack_config)
            exceptions = load_exceptions(exceptions_path)
            budget = stack_budget(stack_config)
        except (GraphError, EvaluationError, ExceptionsError, BudgetInputError) as exc:
            raise AuditError(str(exc)) from None
        ours = evaluation.findings if preview_path is None else _preview_findings(preview_path)
        if scan is not None and not scan.done():
            step("waiting for the scanners")
        findings = ours + (scan.result() if scan else [])
    step("writing reports")
    findings = apply_exceptions(findings, exceptions)
    rules = merge_rules(
        [
            RuleRecord.from_rule(
                r, evaluation.inspected.get(r.id, 0), evaluation.evidence.get(r.id, [])
            )
            for r in ALL_RULES
        ],
        findings,
    )
    result = AuditResult(
        findings=findings,
        rules=rules,
        provenance=collect(graph.project, graph.stack, graph_path, scanners),
        resources=len(graph.resources),
        budget=budget,
    )
    write_reports(result, out_dir)
    return result


def write_reports(result: AuditResult, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        "findings.json": json.dumps(result.document(), indent=2, sort_keys=True, default=str),
        "findings.sarif": json.dumps(sarif.render(result), indent=2, default=str),
        "junit.xml": junit.render(result),
        "report.md": markdown.render(result),
        "index.html": html.render(result),
    }
    for name, text in outputs.items():
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        tmp.replace(out_dir / name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m policies.audit",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--graph", type=Path, help="default: build/<stack>/resources.json")
    parser.add_argument("--out", type=Path, help="default: build/<stack>/report")
    parser.add_argument(
        "--plan", action="store_true", help="plan the stack first (while the scanners run)"
    )
    parser.add_argument("--no-scanners", action="store_true", help="our rules only")
    parser.add_argument("--config", type=Path, help="policy pack config JSON")
    parser.add_argument("--exceptions", type=Path, default=DEFAULT_PATH)
    parser.add_argument(
        "--preview-findings",
        type=Path,
        help="use our rules' findings from a real preview "
        "(python -m policies.preview) instead of the offline evaluation",
    )
    args = parser.parse_args(argv)
    if args.plan:
        from stacks.config.declared import stack_problem

        problem = stack_problem(args.stack)
        if problem:
            print(f"audit failed: {problem}", file=sys.stderr)
            return 2
    graph = args.graph or REPO / "build" / args.stack / "resources.json"
    out = args.out or REPO / "build" / args.stack / "report"
    started = time.perf_counter()
    try:
        result = run_audit(
            args.stack,
            graph,
            out,
            plan=args.plan,
            scanners=not args.no_scanners,
            config_path=args.config,
            exceptions_path=args.exceptions,
        )
    except (AuditError, ScannerError) as exc:
        print(f"audit failed: {exc}", file=sys.stderr)
        return 2
    lines = verdict.blocking_lines(result)
    if lines:
        print("Blocking findings:")
        print("\n".join(lines))
    print(verdict.summary_line(args.stack, result, str(out), time.perf_counter() - started))
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())

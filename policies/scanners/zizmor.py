"""zizmor (offline) on our GitHub workflows; its findings in our Finding shape."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policies.findings import Finding
from policies.scanners.common import PIPELINE, REPO, ScannerError, dicts, relative

ZIZMOR = Path(sys.executable).with_name("zizmor")
SEVERITY = {
    "informational": "low",
    "unknown": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
}
TIMEOUT_SECONDS = 120


def classify(severity: str, confidence: str) -> tuple[str, str]:
    """High-severity findings zizmor is at least medium-confident about block; others advise."""
    ours = SEVERITY.get(severity.lower(), "medium")
    blocking = ours == "high" and confidence.lower() in ("medium", "high")
    return ours, "mandatory" if blocking else "advisory"


def parse_report(data: Any, root: Path = REPO) -> list[Finding]:
    if not isinstance(data, list):
        raise ScannerError("zizmor JSON: expected a list of findings")
    findings = []
    for item in data:
        if item.get("ignored"):
            continue
        det = item.get("determinations", {})
        severity, enforcement = classify(
            str(det.get("severity", "")), str(det.get("confidence", ""))
        )
        primary = next(
            (
                loc
                for loc in item.get("locations", [])
                if loc.get("symbolic", {}).get("kind") == "Primary"
            ),
            (item.get("locations") or [{}])[0],
        )
        key = primary.get("symbolic", {}).get("key", {}).get("Local", {})
        path = relative(str(key.get("verbatim_path", key.get("given_path", ""))), root)
        line = (
            int(
                primary.get("concrete", {}).get("location", {}).get("start_point", {}).get("row", 0)
            )
            + 1
        )
        annotation = primary.get("symbolic", {}).get("annotation", "")
        findings.append(
            Finding(
                policy_id=f"zizmor/{item['ident']}",
                title=str(item.get("desc", item["ident"])),
                severity=severity,
                enforcement=enforcement,
                resource_urn=f"{path}:{line}",
                resource_type="zizmor:github_actions",
                message=f"{item.get('desc')}: {annotation}".strip(": "),
                remediation=f"See {item.get('url', 'https://docs.zizmor.sh/audits/')}",
                controls=dicts(PIPELINE),
                source="zizmor",
                file=path,
                line=line,
            )
        )
    return findings


def run_zizmor(paths: Sequence[Path], root: Path = REPO) -> list[Finding]:
    existing = [p for p in paths if p.exists()]
    if not existing:
        return []
    try:
        done = subprocess.run(
            [str(ZIZMOR), "--offline", "--format", "json", *map(str, existing)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ScannerError(f"{ZIZMOR} is missing: run `make setup`") from None
    except subprocess.TimeoutExpired:
        raise ScannerError(f"zizmor took longer than {TIMEOUT_SECONDS} s") from None
    # zizmor exits non-zero when it finds something; only unreadable output is a failure.
    try:
        data = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        raise ScannerError(
            f"zizmor failed (exit {done.returncode}): {done.stderr[-800:]}"
        ) from None
    return parse_report(data, root)


def version() -> str:
    try:
        out = subprocess.run(
            [str(ZIZMOR), "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except FileNotFoundError:
        return "missing"
    return out.strip().removeprefix("zizmor ").strip() or "?"

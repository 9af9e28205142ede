"""checkov beside our rules: GitHub Actions, Dockerfiles and an all-files secret scan, offline,
with our custom checks (checkov_checks/) and our own severities (checkov has none without a
paid key).

Interface for workflows and `make audit`: run_checkov(paths) -> list[Finding].
checkov lives in its own venv (.venv-checkov, `make checkov-env`): its pins clash with ours.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policies.findings import Finding
from policies.scanners.common import (
    CONTAINER,
    LEAST_PRIVILEGE,
    PIPELINE,
    REPO,
    SECRETS,
    SKIPPED_PATHS,
    SUPPLY_CHAIN,
    ScannerError,
    dicts,
    relative,
)

CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
CUSTOM_CHECKS = Path(__file__).with_name("checkov_checks")
FRAMEWORKS = ("github_actions", "dockerfile", "secrets")
TIMEOUT_SECONDS = 300
CACHE_DIR = REPO / "build" / ".cache" / "checkov"

# check id -> (severity, enforcement, controls, remediation)
Mapping = tuple[str, str, tuple[dict[str, str], ...], str]
KNOWN: dict[str, Mapping] = {
    "CKV_CRM_1": (
        "high",
        "mandatory",
        dicts(SUPPLY_CHAIN),
        "Pin the action to its full 40-character commit SHA (keep the tag in a "
        "comment); let Dependabot/Renovate bump it.",
    ),
    "CKV_CRM_3": (
        "high",
        "mandatory",
        dicts(SUPPLY_CHAIN),
        "Pin the called reusable workflow to its full 40-character commit SHA.",
    ),
    "CKV_CRM_2": (
        "high",
        "mandatory",
        dicts(LEAST_PRIVILEGE),
        "Add `permissions: {contents: read}` at the top and grant write scopes only "
        "on the job that needs them; never write-all.",
    ),
    "CKV2_GHA_1": (
        "high",
        "mandatory",
        dicts(LEAST_PRIVILEGE),
        "Replace write-all with the scopes the workflow needs.",
    ),
    "CKV_GHA_1": ("high", "mandatory", dicts(PIPELINE), "Remove ACTIONS_ALLOW_UNSECURE_COMMANDS."),
    "CKV_GHA_2": (
        "high",
        "mandatory",
        dicts(PIPELINE),
        "Pass untrusted context values through env: variables, never ${{ }} in run.",
    ),
    "CKV_GHA_3": ("high", "mandatory", dicts(SECRETS), "Do not send secrets with curl."),
    "CKV_GHA_4": ("critical", "mandatory", dicts(PIPELINE), "Remove the reverse shell."),
}


def classify(check_id: str, file_path: str) -> Mapping:
    """Our severity for a checkov result (checkov reports none)."""
    if check_id.startswith("CKV_SECRET"):
        if file_path.startswith("tests/"):
            # House rule: fixtures hold obviously fake values; reviewed as advisory.
            return (
                "low",
                "advisory",
                dicts(SECRETS),
                "Keep test values obviously fake (fake-... strings).",
            )
        return (
            "critical",
            "mandatory",
            dicts(SECRETS),
            "Remove the secret from the repository, rotate it, and read it from secret "
            "config or the CI secret store.",
        )
    if check_id in KNOWN:
        return KNOWN[check_id]
    if "DOCKER" in check_id:
        return ("low", "advisory", dicts(CONTAINER), "See the check's guideline.")
    return ("medium", "advisory", dicts(PIPELINE), "See the check's guideline.")


def parse_report(data: Any, root: Path = REPO) -> list[Finding]:
    reports = data if isinstance(data, list) else [data]
    findings = []
    for report in reports:
        if not isinstance(report, dict) or "results" not in report:
            continue
        framework = str(report.get("check_type", "checkov"))
        for result in report["results"].get("failed_checks", []):
            path = relative(str(result.get("file_path", "")), root)
            severity, enforcement, controls, remediation = classify(result["check_id"], path)
            lines = result.get("file_line_range") or [0, 0]
            findings.append(
                Finding(
                    policy_id=result["check_id"],
                    title=str(result.get("check_name", result["check_id"])),
                    severity=severity,
                    enforcement=enforcement,
                    resource_urn=f"{path}:{lines[0]}",
                    resource_type=f"checkov:{framework}",
                    message=f"{result.get('check_name')} ({result.get('resource')})",
                    remediation=remediation
                    if not result.get("guideline")
                    else f"{remediation} {result['guideline']}",
                    controls=controls,
                    source="checkov",
                    file=path,
                    line=int(lines[0] or 0),
                    # checkov's resource: the step or job, or for secrets the value's hash,
                    # which names a secret in exceptions however its line moves.
                    property_path=str(result.get("resource", "")),
                )
            )
    return findings


def _git_files(folder: Path) -> list[Path] | None:
    """The files git would commit under `folder` (tracked + untracked, not ignored), or None
    outside a git work tree. Walking the folder instead costs checkov seconds in caches and
    virtualenvs that its --skip-path filters only after listing them."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    skipped = [re.compile(p) for p in SKIPPED_PATHS]
    files = []
    for name in done.stdout.split("\0"):
        path = folder / name
        if name and path.is_file() and not any(p.search(name) for p in skipped):
            files.append(path)
    return files


def command(paths: Sequence[Path]) -> list[str]:
    cmd = [
        str(CHECKOV),
        "--framework",
        *FRAMEWORKS,
        "--enable-secret-scan-all-files",
        "--skip-download",
        "--external-checks-dir",
        str(CUSTOM_CHECKS),
        "-o",
        "json",
        "--quiet",
        "--compact",
    ]
    for path in paths:
        listed = _git_files(path) if path.is_dir() else None
        if listed is not None:
            for file in listed:
                cmd += ["-f", str(file)]
        else:
            cmd += ["-d" if path.is_dir() else "-f", str(path)]
    for skipped in SKIPPED_PATHS:
        cmd += ["--skip-path", skipped]
    return cmd


def _scan(cmd: list[str], root: Path) -> str:
    env = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
        "LOG_LEVEL": "ERROR",
    }
    try:
        done = subprocess.run(
            cmd,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ScannerError(f"checkov took longer than {TIMEOUT_SECONDS} s") from None
    if done.returncode not in (0, 1):
        raise ScannerError(f"checkov failed (exit {done.returncode}): {done.stderr[-800:]}")
    return done.stdout.strip()


def _split(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """(the command without its -f files, the files), or None when checkov walks a folder
    itself (-d: its file list is not known here)."""
    base: list[str] = []
    files: list[str] = []
    args = iter(cmd)
    for arg in args:
        if arg == "-d":
            return None
        if arg == "-f":
            files.append(next(args))
        else:
            base.append(arg)
    return base, files


def _prefix(base: list[str]) -> bytes:
    """What every file's result depends on besides its own path and content: checkov's
    version, the flags and our custom checks."""
    digest = hashlib.sha256(version().encode())
    digest.update("\0".join(base).encode())
    for check in sorted(CUSTOM_CHECKS.glob("*.py")):
        digest.update(check.name.encode() + b"\0" + check.read_bytes())
    return digest.digest()


def _file_key(prefix: bytes, file: str) -> str:
    return hashlib.sha256(prefix + file.encode() + b"\0" + Path(file).read_bytes()).hexdigest()


def _load(text: str) -> list[Any]:
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ScannerError(f"checkov printed no JSON: {text[:400]}") from None
    return data if isinstance(data, list) else [data]


def _by_file(reports: list[Any], files: list[str], root: Path) -> dict[str, list[Any]] | None:
    """checkov's failed checks grouped by the scanned file they belong to, each kept with its
    framework; None if a result names no scanned file (then nothing is cached)."""
    owners = {relative(f, root): f for f in files}
    out: dict[str, list[Any]] = {f: [] for f in files}
    for report in reports:
        if not isinstance(report, dict) or "results" not in report:
            continue
        framework = report.get("check_type", "checkov")
        for result in report["results"].get("failed_checks", []):
            owner = owners.get(relative(str(result.get("file_path", "")), root))
            if owner is None:
                return None
            out[owner].append({"check_type": framework, "result": result})
    return out


def _as_report(entries: list[Any]) -> list[Any]:
    """Cached per-file entries back in checkov's JSON shape, for parse_report."""
    frameworks: dict[str, list[Any]] = {}
    for entry in entries:
        frameworks.setdefault(entry["check_type"], []).append(entry["result"])
    return [{"check_type": k, "results": {"failed_checks": v}} for k, v in frameworks.items()]


def _ordered(findings: list[Finding]) -> list[Finding]:
    """One order whatever was cached: by file, line, check and resource."""
    return sorted(findings, key=lambda f: (f.file, f.line, f.policy_id, f.property_path))


def run_checkov(
    paths: Sequence[Path], root: Path = REPO, cache_dir: Path = CACHE_DIR
) -> list[Finding]:
    """Scan `paths` (files or folders); our severities; raises ScannerError if it cannot run.

    Per-file cache (build/.cache/checkov/, content-addressed by checkov's version, flags, our
    custom checks, and the file's path and content): checkov runs only on the files whose
    entry is missing, so an edit costs one small scan and no edit costs none. Every check
    here judges one file (workflows, Dockerfiles, secrets), which is what makes a file's
    result reusable; a result naming no scanned file disables the cache for that run.
    POLICY_SCAN_CACHE=0 scans everything and touches no cache.
    """
    if not CHECKOV.exists():
        raise ScannerError(f"{CHECKOV} is missing: run `make checkov-env`")
    cmd = command(paths)
    split = _split(cmd)
    if split is None or os.environ.get("POLICY_SCAN_CACHE", "1") == "0":
        return _ordered(parse_report(_load(_scan(cmd, root)), root))
    base, files = split
    prefix = _prefix(base)
    keys = {f: _file_key(prefix, f) for f in files}
    entries: dict[str, list[Any]] = {}
    for file, key in keys.items():
        cached = cache_dir / f"{key}.json"
        if cached.exists():
            entries[file] = json.loads(cached.read_text(encoding="utf-8"))
    missing = [f for f in files if f not in entries]
    if missing:
        reports = _load(_scan(base + [a for f in missing for a in ("-f", f)], root))
        fresh = _by_file(reports, missing, root)
        if fresh is None:  # cannot tell whose a result is: report everything uncached
            return _ordered(parse_report(_load(_scan(cmd, root)), root))
        cache_dir.mkdir(parents=True, exist_ok=True)
        for file, found in fresh.items():
            tmp = cache_dir / f"{keys[file]}.tmp"
            tmp.write_text(json.dumps(found), encoding="utf-8")
            tmp.replace(cache_dir / f"{keys[file]}.json")
        entries.update(fresh)
        live = {f"{k}.json" for k in keys.values()}
        for old in cache_dir.glob("*.json"):  # entries of files since edited or removed
            if old.name not in live:
                old.unlink(missing_ok=True)
    merged = [e for f in files for e in entries[f]]
    return _ordered(parse_report(_as_report(merged), root))


def version() -> str:
    if not CHECKOV.exists():
        return "missing"
    meta = CHECKOV.parent.parent / "lib" / "python3.11" / "site-packages"
    found = sorted(meta.glob("checkov-*.dist-info"))
    return found[0].name.removeprefix("checkov-").removesuffix(".dist-info") if found else "?"

"""checkov (with our custom checks) and zizmor on a small tree, offline; our severities."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.findings import Finding
from policies.scanners.zizmor import run_zizmor


def _by(findings: list[Finding], check: str) -> list[Finding]:
    return [f for f in findings if f.policy_id == check]


def test_unpinned_action_is_caught_by_our_custom_check(checkov_findings: list[Finding]) -> None:
    [finding] = _by(checkov_findings, "CKV_CRM_1")
    assert finding.file == ".github/workflows/unpinned.yml" and finding.line == 7
    assert (finding.severity, finding.enforcement, finding.source) == (
        "high",
        "mandatory",
        "checkov",
    )
    assert any(c["id"] == "V14.2.4" for c in finding.controls)


def test_unpinned_reusable_workflow_is_caught(checkov_findings: list[Finding]) -> None:
    [finding] = _by(checkov_findings, "CKV_CRM_3")
    assert finding.file == ".github/workflows/calls-unpinned.yml" and finding.blocking


def test_missing_and_write_all_permissions_are_caught(checkov_findings: list[Finding]) -> None:
    files = sorted(f.file for f in _by(checkov_findings, "CKV_CRM_2"))
    assert files == [".github/workflows/unpinned.yml", ".github/workflows/write-all.yml"]


def test_workflow_that_keeps_our_conventions_passes(checkov_findings: list[Finding]) -> None:
    assert not [f for f in checkov_findings if f.file == ".github/workflows/good.yml"]


def test_secret_scan_covers_python_files_with_our_severity(checkov_findings: list[Finding]) -> None:
    secrets = {f.file: f for f in checkov_findings if f.policy_id.startswith("CKV_SECRET")}
    assert secrets["deploy/settings.py"].severity == "critical"
    assert secrets["deploy/settings.py"].blocking
    assert secrets["tests/fixture.py"].enforcement == "advisory"


def test_dockerfile_framework_runs_with_advisory_mapping(checkov_findings: list[Finding]) -> None:
    docker = [f for f in checkov_findings if f.resource_type == "checkov:dockerfile"]
    assert docker and all(f.enforcement == "advisory" for f in docker)


def test_zizmor_offline_findings_join_the_list(scanned_tree: Path) -> None:
    findings = run_zizmor([scanned_tree / ".github" / "workflows"], root=scanned_tree)
    unpinned = {(f.file, f.line): f for f in _by(findings, "zizmor/unpinned-uses")}
    assert unpinned[(".github/workflows/unpinned.yml", 7)].blocking
    assert ".github/workflows/calls-unpinned.yml" in {file for file, _ in unpinned}
    assert not [f for f in findings if f.file.endswith("good.yml") and f.blocking]


def test_unchanged_files_are_answered_from_the_cache(
    scanned_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A git work tree's scan is cached by content: same files, no checkov run; one changed
    byte, a new run."""
    import shutil
    import subprocess

    from policies.scanners import checkov

    repo = tmp_path / "repo"
    shutil.copytree(scanned_tree, repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    cache = tmp_path / "cache"
    first = checkov.run_checkov([repo], root=repo, cache_dir=cache)
    assert _by(first, "CKV_CRM_1")

    def no_scan(cmd: list[str], root: Path) -> str:
        raise AssertionError("checkov ran although nothing changed")

    monkeypatch.setattr(checkov, "_scan", no_scan)
    assert checkov.run_checkov([repo], root=repo, cache_dir=cache) == first
    (repo / ".github" / "workflows" / "unpinned.yml").write_text(
        (repo / ".github" / "workflows" / "unpinned.yml").read_text() + "# edited\n"
    )
    with pytest.raises(AssertionError, match="nothing changed"):
        checkov.run_checkov([repo], root=repo, cache_dir=cache)


def test_an_edit_rescans_only_that_file_and_finds_what_a_cold_run_finds(
    scanned_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edit to verdict: after one edit checkov runs on the edited file alone, and the merged
    findings equal a cold, uncached scan of the edited tree (nothing lost, nothing stale)."""
    import shutil
    import subprocess

    from policies.scanners import checkov

    repo = tmp_path / "repo"
    shutil.copytree(scanned_tree, repo)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    cache = tmp_path / "cache"
    checkov.run_checkov([repo], root=repo, cache_dir=cache)
    # The edit moves the secret down a line: a stale cache would report the old line.
    good = repo / ".github" / "workflows" / "good.yml"
    deploy = repo / "deploy" / "settings.py"
    deploy.write_text("# settings for the deploy\n" + deploy.read_text())
    scanned: list[list[str]] = []
    real_scan = checkov._scan

    def spy(cmd: list[str], root: Path) -> str:
        scanned.append([cmd[i + 1] for i, a in enumerate(cmd) if a == "-f"])
        return real_scan(cmd, root)

    monkeypatch.setattr(checkov, "_scan", spy)
    incremental = checkov.run_checkov([repo], root=repo, cache_dir=cache)
    assert scanned == [[str(deploy)]]
    assert str(good) not in scanned[0]
    monkeypatch.setenv("POLICY_SCAN_CACHE", "0")
    cold = checkov.run_checkov([repo], root=repo, cache_dir=tmp_path / "unused")
    assert incremental == cold
    assert _by(incremental, "CKV_CRM_1")
    moved = [f for f in incremental if f.file == "deploy/settings.py"]
    assert moved and all(f.policy_id.startswith("CKV_SECRET") and f.line == 2 for f in moved)

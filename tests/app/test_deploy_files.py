"""The API's container and Railway files: pinned, non-root, health-checked, and in step with
uv.lock and with the Railway component's settings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from infra.railway.component import ApiServiceArgs

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"


def _requirements(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_image_requirements_match_uv_lock() -> None:
    uv = ROOT / ".tools" / "bin" / "uv"
    binary = str(uv) if uv.exists() else shutil.which("uv")
    assert binary, "uv not found: run make setup"
    exported = subprocess.run(
        [
            binary,
            "export",
            "--only-group",
            "app",
            "--frozen",
            "--no-emit-project",
            "--format",
            "requirements-txt",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    committed = (APP / "requirements.lock").read_text()
    assert _requirements(committed) == _requirements(exported), (
        "app/requirements.lock is stale: run .tools/bin/uv export --only-group app --frozen "
        "--no-emit-project --format requirements-txt -o app/requirements.lock"
    )
    assert "--hash=sha256:" in committed


def test_dockerfile_is_pinned_non_root_and_health_checked() -> None:
    text = (APP / "Dockerfile").read_text()
    base = re.search(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert base and re.fullmatch(
        r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base.group(1)
    ), base
    user = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert user and not user[-1].startswith(("root", "0")), user
    assert re.search(r"^HEALTHCHECK .*", text, re.MULTILINE)
    assert "/healthz" in text and "--require-hashes" in text
    assert re.search(r'^CMD \["python", "-m", "app"\]', text, re.MULTILINE)


def test_railway_config_matches_the_railway_component() -> None:
    config = json.loads((APP / "railway.json").read_text())
    deploy = config["deploy"]
    defaults = ApiServiceArgs(repo="o/r", hostname="api.example.test")
    assert config["build"] == {"builder": "DOCKERFILE", "dockerfilePath": "Dockerfile"}
    assert deploy["healthcheckPath"] == defaults.healthcheck_path == "/readyz"
    assert deploy["healthcheckTimeout"] == defaults.healthcheck_timeout_s
    assert deploy["restartPolicyType"] == defaults.restart_policy
    assert deploy["restartPolicyMaxRetries"] == defaults.restart_max_retries
    assert deploy["preDeployCommand"] == ["python -m app.migrate"]
    assert defaults.root_directory == "app"  # the Dockerfile's build context

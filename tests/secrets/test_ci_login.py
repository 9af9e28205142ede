"""A workflow job's OIDC login, as the job runs it: `python3 -m app.secrets_ci` against a
local server playing GitHub's token endpoint and the contract-held Infisical stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.infisical.client import InfisicalClient
from tests.infra.infisical.fake_api import ORG_ID, FakeInfisical, fake_jwt

REPO = "careers-crm/careers-crm-platform"
ISSUER = "https://token.actions.githubusercontent.com"
ROOT = Path(__file__).resolve().parents[2]
# The interpreter without the project's packages: the step runs before `make setup`.
BASE_PYTHON = str(Path(sys.base_prefix) / "bin" / "python3")


class Bridge(BaseHTTPRequestHandler):
    fake: FakeInfisical
    claims: dict[str, Any]
    audiences: list[str]

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/github-token"):
            assert self.headers["authorization"] == "Bearer fake-actions-request-token"
            audience = httpx.URL(self.path).params["audience"]
            self.audiences.append(audience)
            reply = httpx.Response(200, json={"value": fake_jwt({**self.claims, "aud": audience})})
        else:
            request = httpx.Request(
                self.command,
                f"https://app.infisical.com{self.path}",
                headers=dict(self.headers),
                content=body,
            )
            reply = self.fake(request)
        self.send_response(reply.status_code)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(reply.content)

    do_GET = do_POST = _serve

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def bridge() -> Iterator[tuple[str, type[Bridge]]]:
    handler = type("B", (Bridge,), {"fake": FakeInfisical(), "claims": {}, "audiences": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()


def identity_for(fake: FakeInfisical, environment: str) -> tuple[str, str]:
    with InfisicalClient(
        fake.admin_token, base_url="https://app.infisical.com", transport=httpx.MockTransport(fake)
    ) as admin:
        project = admin.create_project("Careers CRM", "careers-crm")
        ident = admin.create_identity(f"github-{environment}", ORG_ID)
        admin.attach_oidc_auth(
            ident["id"],
            {
                "oidcDiscoveryUrl": ISSUER,
                "boundIssuer": ISSUER,
                "boundAudiences": "https://github.com/careers-crm",
                "boundSubject": f"repo:{REPO}:environment:{environment}",
                "boundClaims": {"repository": REPO, "environment": environment},
            },
        )
    return str(project["id"]), str(ident["id"])


def run_login(
    base: str, project: str, identity: str, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    env_file = tmp_path / "github_env"
    env_file.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_ENV": str(env_file),
        "GITHUB_REPOSITORY_OWNER": "careers-crm",
        "ACTIONS_ID_TOKEN_REQUEST_URL": f"{base}/github-token?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "fake-actions-request-token",
        "INFISICAL_API_URL": base,
        "INFISICAL_IDENTITY_ID": identity,
        "INFISICAL_PROJECT_ID": project,
    }
    done = subprocess.run(
        [BASE_PYTHON, "-m", "app.secrets_ci", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, env_file.read_text()


def claims(environment: str, repository: str = REPO) -> dict[str, Any]:
    return {
        "iss": ISSUER,
        "sub": f"repo:{repository}:environment:{environment}",
        "repository": repository,
        "environment": environment,
    }


def test_the_backups_job_gets_its_folder_masked_and_exported(
    bridge: tuple[str, type[Bridge]], tmp_path: Path
) -> None:
    base, handler = bridge
    project, identity = identity_for(handler.fake, "backups")
    handler.fake.put_secret(
        project, "prod", "/backups", "BACKUP_S3_SECRET_ACCESS_KEY", "fake-r2-s3cret"
    )
    handler.fake.put_secret(project, "prod", "/backups", "NOTE", "line one\nline two")
    handler.claims = claims("backups")
    done, exported = run_login(
        base, project, identity, tmp_path, "--environment", "prod", "--path", "/backups"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert handler.audiences == ["https://github.com/careers-crm"]
    assert "::add-mask::fake-r2-s3cret" in done.stdout
    assert "::add-mask::line two" in done.stdout
    assert "BACKUP_S3_SECRET_ACCESS_KEY<<ghadelimiter_" in exported
    assert "\nfake-r2-s3cret\n" in exported and "line one\nline two" in exported
    assert "INFISICAL_TOKEN" not in exported
    printed = [line for line in done.stdout.splitlines() if not line.startswith("::add-mask::")]
    assert "fake-r2-s3cret" not in "\n".join(printed) + done.stderr


def test_a_job_of_another_environment_or_repository_is_refused(
    bridge: tuple[str, type[Bridge]], tmp_path: Path
) -> None:
    base, handler = bridge
    project, identity = identity_for(handler.fake, "backups")
    for wrong in (claims("preview"), claims("backups", repository="someone/fork")):
        handler.claims = wrong
        done, exported = run_login(
            base, project, identity, tmp_path, "--environment", "prod", "--path", "/backups"
        )
        assert done.returncode == 2
        assert "Infisical OIDC login" in done.stderr and "refused (401)" in done.stderr
        assert exported == "" and "Traceback" not in done.stderr


def test_export_token_for_steps_that_call_infisical(
    bridge: tuple[str, type[Bridge]], tmp_path: Path
) -> None:
    base, handler = bridge
    project, identity = identity_for(handler.fake, "rotation")
    handler.claims = claims("rotation")
    done, exported = run_login(
        base,
        project,
        identity,
        tmp_path,
        "--environment",
        "prod",
        "--path",
        "/rotation",
        "--export-token",
    )
    assert done.returncode == 0, done.stderr
    token = exported.split("INFISICAL_TOKEN<<", 1)[1].split("\n")[1]
    assert handler.fake.tokens[token] == identity
    assert f"::add-mask::{token}" in done.stdout


def test_without_id_token_permission_the_message_says_so(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("")
    done = subprocess.run(
        [BASE_PYTHON, "-m", "app.secrets_ci", "--environment", "prod", "--path", "/ci"],
        env={
            "PATH": os.environ["PATH"],
            "GITHUB_ENV": str(env_file),
            "INFISICAL_IDENTITY_ID": "i",
            "INFISICAL_PROJECT_ID": "p",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "id-token: write" in done.stderr
    assert json.dumps(done.stderr).count("Traceback") == 0

"""A GitHub Actions job's secrets, from Infisical, with the job's own OIDC token.

Usage (a workflow step; standard library only, so it runs before `make setup`):
  python3 -m app.secrets_ci --environment prod --path /ci [--path /backups] [--export-token]

The job asks GitHub for an OIDC token (needs `permissions: id-token: write`), exchanges it
at Infisical for a short-lived access token of the identity bound to this repository and the
job's GitHub environment (INFISICAL_IDENTITY_ID, a plain environment variable Pulumi sets),
reads the folders, masks every value in the log and appends it to $GITHUB_ENV for the
following steps. No Infisical credential is stored in GitHub. --export-token also passes the
access token on (masked; it expires with the identity's token TTL) for steps that call
Infisical themselves (`pulumi up`, the rotation job).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any


class CiSecretsError(RuntimeError):
    """The job cannot get its secrets; the message names the cause and fix, never a value."""


def _request(url: str, *, data: Any = None, token: str = "", what: str) -> dict[str, Any]:
    headers = {"Accept": "application/json", "User-Agent": "crm-secrets-ci"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            reply = json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise CiSecretsError(f"{what}: refused ({exc.code})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CiSecretsError(f"{what}: unreachable ({type(exc).__name__})") from None
    except ValueError:
        raise CiSecretsError(f"{what}: malformed reply") from None
    if not isinstance(reply, dict):
        raise CiSecretsError(f"{what}: malformed reply")
    return reply


def github_oidc_token(env: Mapping[str, str], audience: str) -> str:
    url, token = env.get("ACTIONS_ID_TOKEN_REQUEST_URL"), env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    if not url or not token:
        raise CiSecretsError(
            "no OIDC token available: give this job `permissions: id-token: write` "
            "(and run it in its GitHub environment)"
        )
    sep = "&" if "?" in url else "?"
    full = f"{url}{sep}audience={urllib.parse.quote(audience, safe='')}"
    reply = _request(full, token=token, what="GitHub OIDC token")
    value = reply.get("value")
    if not isinstance(value, str) or not value:
        raise CiSecretsError("GitHub OIDC token: the reply carries no token")
    return value


def fetch(
    env: Mapping[str, str], environment: str, paths: Sequence[str]
) -> tuple[str, dict[str, str]]:
    missing = [
        n for n in ("INFISICAL_IDENTITY_ID", "INFISICAL_PROJECT_ID") if not env.get(n, "").strip()
    ]
    if missing:
        raise CiSecretsError(
            f"{', '.join(missing)} not set: Pulumi sets them as variables of this GitHub "
            "environment; pass them with `env: NAME: ${{ vars.NAME }}`"
        )
    api = env.get("INFISICAL_API_URL", "https://app.infisical.com").rstrip("/")
    owner = env.get("GITHUB_REPOSITORY_OWNER", "")
    audience = env.get("INFISICAL_OIDC_AUDIENCE") or f"https://github.com/{owner}"
    jwt = github_oidc_token(env, audience)
    login = _request(
        f"{api}/api/v1/auth/oidc-auth/login",
        data={"identityId": env["INFISICAL_IDENTITY_ID"].strip(), "jwt": jwt},
        what=f"Infisical OIDC login at {api}",
    )
    token = login.get("accessToken")
    if not isinstance(token, str) or not token:
        raise CiSecretsError(f"Infisical OIDC login at {api}: the reply carries no token")
    values: dict[str, str] = {}
    for path in paths:
        query = urllib.parse.urlencode(
            {
                "workspaceId": env["INFISICAL_PROJECT_ID"].strip(),
                "environment": environment,
                "secretPath": path,
            }
        )
        reply = _request(
            f"{api}/api/v3/secrets/raw?{query}",
            token=token,
            what=f"Infisical {environment}:{path}",
        )
        for item in reply.get("secrets") or []:
            if isinstance(item, dict) and "secretKey" in item:
                values[str(item["secretKey"])] = str(item.get("secretValue", ""))
    return token, values


def export(values: Mapping[str, str], env_file: str, out: Any) -> None:
    """Mask each value (every line of it) in the job log, then hand it to later steps."""
    with open(env_file, "a", encoding="utf-8") as handle:
        for name, value in sorted(values.items()):
            for line in value.splitlines() or [value]:
                if line.strip():
                    out.write(f"::add-mask::{line}\n")
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m app.secrets_ci",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--environment", required=True, help="Infisical environment slug")
    parser.add_argument("--path", action="append", required=True, help="folder, e.g. /ci")
    parser.add_argument("--export-token", action="store_true", help="also export INFISICAL_TOKEN")
    args = parser.parse_args(argv)
    env_file = os.environ.get("GITHUB_ENV")
    try:
        if not env_file:
            raise CiSecretsError("GITHUB_ENV is not set: run this as a GitHub Actions step")
        token, values = fetch(os.environ, args.environment, args.path)
        if args.export_token:
            values["INFISICAL_TOKEN"] = token
        export(values, env_file, sys.stdout)
    except CiSecretsError as exc:
        print(f"::error::secrets: {exc}", file=sys.stdout)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = ", ".join(sorted(values)) or "none"
    print(f"secrets: {len(values)} value(s) from {args.environment}:{','.join(args.path)}: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

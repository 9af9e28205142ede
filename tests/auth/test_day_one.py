"""`python -m app.day_one` as an operator runs it on day one: the first organization and its
admin, invited through Supabase Auth's admin API (contract-held stand-in), twice without
harm; bad settings end with a clear message and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.app.identity import Identity
from tests.auth.auth_standin import AuthServer, AuthStandIn

ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "--organization",
    "Career Services",
    "--admin-email",
    "Lead@Uni.example",
    "--admin-name",
    "Lead Advisor",
    "--redirect-to",
    "https://app.uni.example",
]


def day_one(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.day_one", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_first_organization_and_admin_idempotently(crm_dsn: str, identity: Identity) -> None:
    state = AuthStandIn(identity, {})
    with AuthServer(state) as auth:
        env = {
            **os.environ,
            "DATABASE_URL": crm_dsn,
            "SUPABASE_URL": auth.origin,
            "SUPABASE_SERVICE_ROLE_KEY": state.service_key,
        }
        wrong = day_one({**env, "SUPABASE_SERVICE_ROLE_KEY": "not-the-service-role-key"}, *ARGS)
        assert wrong.returncode == 1 and "SUPABASE_SERVICE_ROLE_KEY was refused" in wrong.stderr
        first = day_one(env, *ARGS)
        assert first.returncode == 0, first.stderr
        assert "(created); admin Lead@Uni.example invited" in first.stdout
        second = day_one(env, *ARGS)
        assert second.returncode == 0 and "already on staff" in second.stdout
    invites = [r for r in state.requests if r["path"] == "/invite"]
    assert len(invites) == 2  # the refused one and the real one; the rerun sent none
    assert invites[-1]["body"] == {
        "email": "lead@uni.example",
        "data": {"full_name": "Lead Advisor"},
    }
    assert invites[-1]["query"] == {"redirect_to": "https://app.uni.example"}
    assert [m["to"] for m in state.mailbox] == ["lead@uni.example"]
    with psycopg.connect(crm_dsn) as conn:
        orgs = conn.execute("SELECT id FROM organizations").fetchall()
        staff = conn.execute("SELECT organization_id, user_id, email, role FROM staff").fetchall()
    assert len(orgs) == 1
    assert staff == [(orgs[0][0], state.users["lead@uni.example"], "lead@uni.example", "admin")]


def test_missing_settings_are_named(crm_dsn: str) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY")
    }
    result = day_one(env, *ARGS)
    assert result.returncode == 2
    assert "DATABASE_URL, SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY" in result.stderr
    bad = day_one(
        {
            **env,
            "DATABASE_URL": crm_dsn,
            "SUPABASE_URL": "http://127.0.0.1:9",
            "SUPABASE_SERVICE_ROLE_KEY": "k",
        },
        "--organization",
        "X",
        "--admin-email",
        "not-an-email",
        "--admin-name",
        "Y",
    )
    assert bad.returncode == 1 and "not an email address" in bad.stderr

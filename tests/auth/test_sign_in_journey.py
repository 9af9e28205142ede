"""The advisor's sign-in as they walk it, in headless Chromium: the front renders Turnstile,
asks for a magic link with the CAPTCHA token, follows the emailed link, holds the session,
refreshes it before expiry, sees only their organization through the real API, signs out
(revoking the refresh token). Social buttons are exactly the providers the plan enables.

Supabase Auth is a contract-held stand-in here (tests/auth/auth_standin.py says why)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.main import create_app
from tests.app import seed
from tests.app.chromium import Browser
from tests.app.conftest import app_settings
from tests.app.identity import Identity
from tests.app.serving import serving
from tests.auth.auth_standin import TURNSTILE_DUMMY_TOKEN, AuthServer, AuthStandIn
from tests.support.plan import prod_graph
from tests.support.web_front import FAKE_ANON_KEY, WebFront, local_csp, vercel_headers

ROOT = Path(__file__).resolve().parents[2]
RESULT = ROOT / "build" / "auth" / "sign-in-journey.json"
SUPABASE_PROVIDERS = {"google": "google", "github": "github", "linkedin_oidc": "linkedin_oidc"}


def enabled_providers() -> list[str]:
    """The providers the prod plan's AuthConfig enables, by Supabase's names."""
    auth = prod_graph().named("supabase-auth")["inputs"]
    return sorted(p for p in SUPABASE_PROVIDERS if auth.get(f"external_{p}_enabled") is True)


def csp(api_url: str, auth_origin: str) -> str:
    """vercel.json's CSP (which carries app/web/csp-sources.json's Turnstile sources) with
    connect-src pointed at the local servers and no upgrade-insecure-requests over http; the
    widget's test double is served from the front's own origin ('self')."""
    value = vercel_headers()["Content-Security-Policy"]
    assert "script-src 'self' https://challenges.cloudflare.com" in value  # prod loads it
    assert "frame-src https://challenges.cloudflare.com" in value
    return local_csp(value, api_url, auth_origin)


@pytest.fixture
def journey(
    request: pytest.FixtureRequest, tmp_path: Path, crm_dsn: str, identity: Identity
) -> Iterator[dict[str, Any]]:
    org = seed.organization(crm_dsn, "Northside Careers")
    advisor = seed.member(crm_dsn, org, getattr(request, "param", "advisor"))
    seed.student(crm_dsn, org, "Ada", "Lovelace", "ada.lovelace@uni.example")
    other = seed.organization(crm_dsn, "Elsewhere")
    seed.student(crm_dsn, other, "Ada", "Hidden", "ada.hidden@elsewhere.example")
    state = AuthStandIn(
        identity, {"advisor@uni.example": advisor.user_id}, access_token_seconds=64
    )  # refreshed 60 s before expiry: after ~4 s
    front = WebFront(tmp_path / "dist")
    web_origin = front.origin
    with (
        AuthServer(state) as auth,
        serving(
            create_app(
                app_settings(
                    crm_dsn,
                    identity,
                    cors_allow_origins=(web_origin,),
                    supabase_url=auth.origin,
                    supabase_service_role_key=state.service_key,
                )
            )
        ) as api_url,
    ):
        front.build(
            api_url=api_url,
            supabase_url=auth.origin,
            headers={"Content-Security-Policy": csp(api_url, auth.origin)},
            providers=enabled_providers(),
        )
        browser = Browser()
        try:
            yield {
                "url": f"{web_origin}/index.html",
                "browser": browser,
                "auth": auth,
                "state": state,
                "web": web_origin,
                "dsn": crm_dsn,
                "org": org,
            }
        finally:
            browser.close()
            front.close()


def test_magic_link_with_captcha_session_refresh_and_sign_out(journey: dict[str, Any]) -> None:
    b: Browser = journey["browser"]
    state: AuthStandIn = journey["state"]
    started = time.monotonic()
    b.goto(journey["url"])
    b.wait_for("document.querySelector('#captcha .turnstile-standin') !== null")

    # Social sign-in: exactly the providers the stack enables, to Supabase's /authorize.
    hrefs = b.js("Array.from(document.querySelectorAll('#providers a')).map(a => a.href)")
    providers = [h.split("provider=")[1].split("&")[0] for h in hrefs]
    assert providers == enabled_providers() and providers  # the plan enables some
    assert all(h.startswith(f"{journey['auth'].origin}/auth/v1/authorize?") for h in hrefs)

    b.wait_for("captchaToken !== null")  # Turnstile (test site key) answered
    b.type_into("#email", "advisor@uni.example")
    b.click("#sign-in-form button")
    b.wait_for("document.getElementById('sign-in-status').textContent.includes('Check')")
    otp = next(r for r in state.requests if r["path"] == "/otp")
    assert otp["body"]["gotrue_meta_security"] == {"captcha_token": TURNSTILE_DUMMY_TOKEN}
    assert otp["apikey"] == FAKE_ANON_KEY and otp["query"]["redirect_to"] == journey["url"]

    link = state.mailbox[-1]["link"]
    b.goto("about:blank")
    b.goto(link)  # the advisor clicks the emailed link: verify, then back with a session
    b.wait_for("document.getElementById('who').textContent.includes('Northside Careers')")
    first = b.js("sessionStorage.getItem('crm.access_token')")
    assert "access_token" not in b.js("location.href")

    # Refreshed ahead of expiry (64 s tokens, 60 s margin), by rotation.
    b.wait_for(f"sessionStorage.getItem('crm.access_token') !== {json.dumps(first)}", timeout=20)
    refreshes = [r for r in state.requests if r["path"] == "/token"]
    assert refreshes and refreshes[0]["query"] == {"grant_type": "refresh_token"}

    b.type_into("#q", "ada")
    b.click("#search-form button")
    labels = b.wait_for(
        "Array.from(document.querySelectorAll('#results button'))"
        ".map(x => x.textContent).join('|') || null"
    )
    assert "Lovelace" in labels and "Hidden" not in labels  # nothing of another organization

    b.click("#sign-out")
    b.wait_for("!document.getElementById('sign-in').hidden")
    assert any(r["path"] == "/logout" for r in state.requests)
    assert state.refresh_tokens == {}  # revoked server-side, not only forgotten
    assert b.js("sessionStorage.getItem('crm.refresh_token')") is None
    elapsed = time.monotonic() - started
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {"sign_in_journey_seconds": round(elapsed, 2), "includes_refresh_wait_seconds": 4}
        )
        + "\n"
    )


def test_without_a_captcha_token_the_link_is_not_requested(journey: dict[str, Any]) -> None:
    """Before Turnstile answers (or when it fails) the front sends nothing; a request that
    lacks the token anyway is refused, as Supabase Auth does with CAPTCHA on."""
    b: Browser = journey["browser"]
    b.goto(journey["url"])
    b.wait_for("captchaToken !== null")  # the widget answered; now take its token away
    b.js("window.turnstile = undefined; 1")
    b.js("captchaToken = null; 1")
    b.type_into("#email", "advisor@uni.example")
    b.click("#sign-in-form button")
    b.wait_for("document.getElementById('error').textContent.includes('complete the check')")
    assert not [r for r in journey["state"].requests if r["path"] == "/otp"]
    refused = b.js(
        f"fetch('{journey['auth'].origin}/auth/v1/otp', {{method: 'POST', headers: "
        "{'Content-Type': 'application/json'}, body: JSON.stringify({email: 'a@uni.example'})})"
        ".then(r => r.json())"
    )
    assert refused["error_code"] == "captcha_failed"


def sign_in(b: Browser, journey: dict[str, Any]) -> None:
    b.goto(journey["url"])
    b.wait_for("captchaToken !== null")
    b.type_into("#email", "advisor@uni.example")
    b.click("#sign-in-form button")
    b.wait_for("document.getElementById('sign-in-status').textContent.includes('Check')")
    b.goto(journey["state"].mailbox[-1]["link"])
    b.wait_for("document.getElementById('who').textContent.includes('Northside Careers')")


@pytest.mark.parametrize("journey", ["admin"], indirect=True)
def test_admin_invites_a_colleague_from_the_web_front(journey: dict[str, Any]) -> None:
    b: Browser = journey["browser"]
    state: AuthStandIn = journey["state"]
    sign_in(b, journey)
    b.wait_for("!document.getElementById('invite').hidden")
    b.js("document.getElementById('invite').open = true; 1")
    b.type_into("#invite-email", "new.advisor@uni.example")
    b.type_into("#invite-name", "New Advisor")
    b.click("#invite-form button")
    b.wait_for("document.getElementById('invite-status').textContent.includes('sent to')")
    invite = next(r for r in state.requests if r["path"] == "/invite")
    assert invite["authorization"] == f"Bearer {state.service_key}"  # from the API, not the page
    assert invite["query"] == {"redirect_to": journey["web"]}
    with psycopg.connect(journey["dsn"]) as conn:
        row = conn.execute(
            "SELECT organization_id, user_id, role FROM staff WHERE email = %s",
            ("new.advisor@uni.example",),
        ).fetchone()
    assert row == (journey["org"], state.users["new.advisor@uni.example"], "advisor")


def test_an_advisor_sees_no_invitation_form(journey: dict[str, Any]) -> None:
    b: Browser = journey["browser"]
    sign_in(b, journey)
    assert b.js("document.getElementById('invite').hidden") is True
    status = b.js(
        "fetch(config.apiUrl + '/staff/invitations', {method: 'POST', headers: {"
        "'Authorization': 'Bearer ' + sessionStorage.getItem('crm.access_token'),"
        "'Content-Type': 'application/json'}, body: JSON.stringify({email: 'x@uni.example',"
        " full_name: 'X'})}).then(r => r.status)"
    )
    assert status == 403
    assert not [r for r in journey["state"].requests if r["path"] == "/invite"]

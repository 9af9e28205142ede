"""The static web front in headless Chromium against the local API, under the CSP and other
headers from vercel.json: sign in (magic link request, then the redirect's token), search a
student, open them, add a note. Screenshot in build/app/web-front.png."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from app.main import create_app
from tests.app import seed
from tests.app.chromium import Browser
from tests.app.conftest import app_settings
from tests.app.identity import ISSUER_PATH, Identity
from tests.app.serving import serving
from tests.support.web_front import (
    FAKE_ANON_KEY,
    WEB,
    WebFront,
    local_headers,
    vercel_headers,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "build" / "app" / "web-front.png"


@pytest.fixture
def web_front(tmp_path: Path, crm_dsn: str, identity: Identity) -> Iterator[dict[str, Any]]:
    org = seed.organization(crm_dsn, "Northside Careers")
    advisor = seed.member(crm_dsn, org)
    seed.student(crm_dsn, org, "Ada", "Lovelace", "ada.lovelace@uni.example")
    seed.student(crm_dsn, org, "Charles", "Babbage", "charles@uni.example")
    other = seed.organization(crm_dsn, "Elsewhere")
    seed.student(crm_dsn, other, "Ada", "Hidden", "ada.hidden@elsewhere.example")
    front = WebFront(tmp_path / "dist")
    web_origin = front.origin
    settings = app_settings(crm_dsn, identity, cors_allow_origins=(web_origin,))
    auth_origin = identity.issuer.removesuffix(ISSUER_PATH)
    with serving(create_app(settings)) as api_url:
        headers = local_headers(api_url, auth_origin)
        front.build(api_url=api_url, supabase_url=auth_origin, headers=headers)
        browser = Browser()
        try:
            yield {
                "url": f"{web_origin}/index.html",
                "browser": browser,
                "advisor": advisor,
                "dsn": crm_dsn,
            }
        finally:
            browser.close()
            front.close()


def test_sign_in_search_and_add_a_note(web_front: dict[str, Any], identity: Identity) -> None:
    b: Browser = web_front["browser"]
    advisor: seed.Member = web_front["advisor"]
    b.goto(web_front["url"])
    b.wait_for("!document.getElementById('sign-in').hidden")
    b.wait_for("captchaToken !== null")  # Turnstile answered (test double, test site key)
    b.type_into("#email", "advisor@uni.example")
    b.click("#sign-in-form button")
    b.wait_for("document.getElementById('sign-in-status').textContent.includes('Check')")
    otp = identity.otp_requests[-1]
    assert otp["body"] == {
        "email": "advisor@uni.example",
        "create_user": False,
        "gotrue_meta_security": {"captcha_token": "XXXX.DUMMY.TOKEN.XXXX"},
    }
    assert otp["apikey"] == FAKE_ANON_KEY
    redirect = urllib.parse.parse_qs(urllib.parse.urlparse(otp["path"]).query)["redirect_to"]
    assert redirect == [web_front["url"]]

    # Supabase redirects back with the session in the fragment (implicit flow).
    token = identity.token(advisor.user_id)
    b.goto("about:blank")  # a fresh load, as when arriving from the email link
    b.goto(
        f"{web_front['url']}#access_token={token}&token_type=bearer&expires_in=3600&type=magiclink"
    )
    b.wait_for("document.getElementById('who').textContent.includes('Northside Careers')")
    assert "access_token" not in b.js("location.href")  # token removed from the address bar

    b.type_into("#q", "ada")
    b.click("#search-form button")
    labels = b.wait_for(
        "Array.from(document.querySelectorAll('#results button'))"
        ".map(x => x.textContent).join('|') || null"
    )
    assert "Lovelace, Ada" in labels and "Hidden" not in labels  # RLS: not other orgs
    b.click("#results button")
    b.wait_for("document.getElementById('student-name').textContent === 'Ada Lovelace'")

    b.type_into("#note-body", "Discussed internship offers <script>alert(1)</script>")
    b.click("#note-form button")
    b.wait_for("document.querySelector('#notes li span')?.textContent.includes('internship')")
    assert b.js("document.querySelectorAll('#notes script').length") == 0  # text, not markup
    b.screenshot(SCREENSHOT)

    with psycopg.connect(web_front["dsn"]) as conn:
        row = conn.execute("SELECT body, author_staff_id FROM notes").fetchone()
    assert row is not None and row[1] == advisor.staff_id and "internship" in row[0]
    problems = [m for m in b.console() if re.search(r"Content Security Policy|Refused", m)]
    assert problems == []
    # The CSP is really enforced: an injected inline script does not run.
    b.js(
        "(() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.append(s); })()"
    )
    assert b.js("window.injected === undefined") is True
    assert SCREENSHOT.stat().st_size > 10_000


def test_vercel_headers_are_strict_and_match_the_prod_domain() -> None:
    headers = vercel_headers()
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "max-age=" in headers["Strict-Transport-Security"]
    assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
    prod = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]
    api_host = f"https://{prod.get('careers-crm:dns.apiHost', 'api')}.{prod['careers-crm:domain']}"
    assert api_host in csp, f"connect-src must allow the prod API {api_host}"


def test_web_files_have_no_inline_script_or_style() -> None:
    html = (WEB / "index.html").read_text()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "<style" not in html and re.search(r"\sstyle\s*=", html) is None
    assert re.search(r"\son[a-z]+\s*=", html) is None  # no inline event handlers
    assert "innerHTML" not in (WEB / "app.js").read_text()


def test_build_refuses_missing_or_insecure_settings(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("API_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY")
    }
    r = subprocess.run(
        ["sh", str(WEB / "build.sh"), str(tmp_path / "o")], env=env, capture_output=True, text=True
    )
    assert r.returncode != 0 and "API_URL" in r.stderr
    r = subprocess.run(
        ["sh", str(WEB / "build.sh"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={
            **env,
            "API_URL": "http://api.example.test",
            "SUPABASE_URL": "https://x.supabase.co",
            "SUPABASE_ANON_KEY": "fake",
            "TURNSTILE_WIDGET_ID": "1x00000000000000000000AA",
        },
    )
    assert r.returncode != 0 and "must be an https:// URL" in r.stderr


def test_build_puts_the_config_and_an_api_preconnect_in_the_page(tmp_path: Path) -> None:
    """Two round trips fewer before the first API call on a slow network: the config comes
    with the page, and the API connection opens while app.js loads (docs/performance.md)."""
    out = tmp_path / "o"
    subprocess.run(
        ["sh", str(WEB / "build.sh"), str(out)],
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "API_URL": "https://api.careers.example.edu",
            "SUPABASE_URL": "https://abcdefghijklmnopqrst.supabase.co",
            "SUPABASE_ANON_KEY": "fake.anon-key",
            "TURNSTILE_WIDGET_ID": "1x00000000000000000000AA",
            "AUTH_PROVIDERS": "google,linkedin_oidc",
        },
    )
    html = (out / "index.html").read_text()
    assert '<link rel="preconnect" href="https://api.careers.example.edu" crossorigin>' in html
    embedded = re.search(r"<meta name=\"crm-config\" content='([^']*)'>", html)
    assert embedded is not None
    assert json.loads(embedded.group(1)) == json.loads((out / "config.json").read_text())
    assert html.index("crm-config") < html.index('src="app.js"')
    # Still no inline script: the CSP (script-src 'self') stays as strict as it was.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None

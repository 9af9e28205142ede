"""The web front as Vercel would serve it, on 127.0.0.1: app/web/build.sh run with the
project's variables, its dist/ served with the headers a test gives, and the Turnstile widget
script replaced by a local stand-in (no network here). Shared by the browser tests and the
page-load benchmark."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterable, Mapping
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "app" / "web"
TURNSTILE_STANDIN = ROOT / "tests" / "auth" / "turnstile_standin.js"
FAKE_ANON_KEY = "fake-anon-key-for-tests"
PASS_SITE_KEY = "1x00000000000000000000AA"  # Cloudflare's always-pass test site key


def vercel_headers() -> dict[str, str]:
    config = json.loads((WEB / "vercel.json").read_text())
    rule = next(r for r in config["headers"] if r["source"] == "/(.*)")
    return {h["key"]: h["value"] for h in rule["headers"]}


def local_csp(csp: str, api: str, auth: str) -> str:
    """The production CSP with only connect-src pointed at the local servers (and no
    upgrade-insecure-requests, which only makes sense over https)."""
    parts = [p.strip() for p in csp.split(";")]
    out = [
        f"connect-src 'self' {api} {auth}" if p.startswith("connect-src") else p
        for p in parts
        if p != "upgrade-insecure-requests"
    ]
    return "; ".join(out)


def local_headers(api_url: str, auth_origin: str) -> dict[str, str]:
    """vercel.json's headers, the CSP's connect-src pointed at the local API and identity."""
    headers = vercel_headers()
    headers["Content-Security-Policy"] = local_csp(
        headers["Content-Security-Policy"], api_url, auth_origin
    )
    return headers


class _Static(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, headers: Mapping[str, str], **kwargs: Any) -> None:
        self.extra_headers = headers
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        super().end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class WebFront:
    """Bind first (build.sh needs the origin for the widget's URL), then build, then serve."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.headers: dict[str, str] = {}
        handler = partial(_Static, directory=str(dist), headers=self.headers)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.serving = False

    def build(
        self,
        *,
        api_url: str,
        supabase_url: str,
        headers: Mapping[str, str],
        providers: Iterable[str] = (),
    ) -> None:
        subprocess.run(
            ["sh", str(WEB / "build.sh"), str(self.dist)],
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "API_URL": api_url,
                "SUPABASE_URL": supabase_url,
                "SUPABASE_ANON_KEY": FAKE_ANON_KEY,
                "TURNSTILE_WIDGET_ID": PASS_SITE_KEY,
                "TURNSTILE_SCRIPT_URL": f"{self.origin}/turnstile.js",
                "AUTH_PROVIDERS": ",".join(providers),
            },
        )
        (self.dist / "turnstile.js").write_text(TURNSTILE_STANDIN.read_text())
        self.headers.update(headers)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.serving = True

    def close(self) -> None:
        if self.serving:  # shutdown() waits for serve_forever: never call it before
            self.server.shutdown()
        self.server.server_close()

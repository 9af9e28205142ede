"""`python -m stacks.web_headers --stack prod [--check]`: app/web/vercel.json from the stack's
config, so the web front's Content-Security-Policy names exactly the API host and Supabase
project the stack serves (a hand-kept CSP kept the old API host after a domain change).

`--check` exits 1 when the committed file differs (CI and the tests run it); without it the
file is rewritten. Vercel reads vercel.json from the project's root directory (app/web).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stacks.config import ConfigError
from stacks.config.validate import validate_stack

ROOT = Path(__file__).resolve().parent.parent
VERCEL_JSON = ROOT / "app" / "web" / "vercel.json"
# What the front's own code loads from elsewhere (Turnstile's script and challenge frame),
# kept beside that code so the CSP and the front change together.
CSP_SOURCES = ROOT / "app" / "web" / "csp-sources.json"


def front_sources(directive: str) -> list[str]:
    needs = json.loads(CSP_SOURCES.read_text())
    return [str(source) for source in needs.get(directive, [])]


def origins(stack: str, root: Path = ROOT) -> tuple[str, str]:
    """(API origin, Supabase project origin) from the stack's config, validated exactly as
    the Pulumi program validates it."""
    cfg = validate_stack(stack, root)
    return f"https://{cfg.dns.api_hostname}", cfg.supabase.api_url


def csp(api_origin: str, supabase_origin: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *front_sources("script-src")]),
            *([" ".join(["frame-src", *frames])] if (frames := front_sources("frame-src")) else []),
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {api_origin} {supabase_origin}",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "upgrade-insecure-requests",
        ]
    )


def document(api_origin: str, supabase_origin: str) -> dict[str, Any]:
    headers = [
        ("Content-Security-Policy", csp(api_origin, supabase_origin)),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    return {
        "$schema": "https://openapi.vercel.sh/vercel.json",
        "buildCommand": "sh build.sh",
        "outputDirectory": "dist",
        "installCommand": "",
        "framework": None,
        "cleanUrls": True,
        "headers": [
            {"source": "/(.*)", "headers": [{"key": k, "value": v} for k, v in headers]},
            {"source": "/config.json", "headers": [{"key": "Cache-Control", "value": "no-store"}]},
        ],
    }


def render(stack: str, root: Path = ROOT) -> str:
    return json.dumps(document(*origins(stack, root)), indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.web_headers", description=__doc__)
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 on a diff")
    args = parser.parse_args(argv)
    try:
        text = render(args.stack)
    except ConfigError as err:
        print(f"web_headers: {err}", file=sys.stderr)
        return 2
    current = VERCEL_JSON.read_text(encoding="utf-8") if VERCEL_JSON.exists() else ""
    if args.check:
        if current != text:
            print(
                f"{VERCEL_JSON.relative_to(ROOT)} is stale for stack {args.stack}: run "
                f"`python -m stacks.web_headers --stack {args.stack}`",
                file=sys.stderr,
            )
            return 1
        return 0
    VERCEL_JSON.write_text(text, encoding="utf-8")
    print(f"wrote {VERCEL_JSON.relative_to(ROOT)} for stack {args.stack}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m app`: serve the API with uvicorn on $HOST:$PORT (Railway sets PORT)."""

from __future__ import annotations

import os
import sys
from typing import Any

import uvicorn

from app import secrets
from app.main import create_app
from app.observability import configure_logging
from app.settings import Settings, SettingsError


def server_options() -> dict[str, Any]:
    """uvicorn's options for the API; the benchmark's no-database floor serves with the same."""
    return {
        "host": os.environ.get("HOST", "0.0.0.0"),
        "port": int(os.environ.get("PORT", "8000")),
        "log_config": None,
        "proxy_headers": True,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "access_log": False,
        "loop": "uvloop",
        "http": "httptools",
        "backlog": 4096,
    }


def main() -> int:
    configure_logging(os.environ.get("LOG_LEVEL", "INFO").upper())
    try:
        env, store = secrets.bootstrap(os.environ)
    except secrets.SecretsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        settings = Settings.from_env(env)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    uvicorn.run(create_app(settings, store), **server_options())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Zone TLS settings: strict origin TLS, modern client TLS, HTTPS only, HSTS."""

from __future__ import annotations

from typing import Any


def zone_settings(min_tls_version: str, hsts_max_age: int) -> dict[str, Any]:
    """setting_id -> value for one `cloudflare.ZoneSetting` each (provider v6 has no
    ZoneSettingsOverride). `security_header` takes camelCase keys."""
    return {
        "ssl": "strict",
        "min_tls_version": min_tls_version,
        "tls_1_3": "on",
        "always_use_https": "on",
        "automatic_https_rewrites": "on",
        "security_header": {
            "strictTransportSecurity": {
                "enabled": True,
                "maxAge": hsts_max_age,
                "includeSubdomains": True,
                "preload": False,
                "nosniff": True,
            }
        },
    }

"""Recognising secret-looking strings: known token prefixes and high-entropy blobs."""

from __future__ import annotations

import math
import re
from collections import Counter

KNOWN_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("Supabase personal access token", re.compile(r"\bsbp_[0-9a-f]{40}\b")),
    ("Supabase secret key", re.compile(r"\bsb_secret_[A-Za-z0-9_-]{20,}")),
    (
        "JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("Stripe key", re.compile(r"\b[sr]k_(live|test)_[A-Za-z0-9]{16,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Grafana token", re.compile(r"\bgl(sa|c)_[A-Za-z0-9_=+/-]{20,}")),
    ("Vercel token", re.compile(r"\bvercel_[A-Za-z0-9]{20,}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("PyPI token", re.compile(r"\bpypi-[A-Za-z0-9_-]{50,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")),
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("credentials in a URL", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]{3,}@")),
)

_BLOB = re.compile(r"^[A-Za-z0-9+/=_\-.]{20,}$")


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def known_token(value: str) -> str | None:
    for label, pattern in KNOWN_TOKEN_PATTERNS:
        if pattern.search(value):
            return label
    return None


def high_entropy(value: str) -> bool:
    """A random-looking blob: mixed case and digits, >= 4.0 bits/char over >= 20 chars.

    Lower-case hex identifiers (Cloudflare zone/account/ruleset ids, commit SHAs) are ids, not
    secrets, and are left out by the mixed-case requirement.
    """
    if not _BLOB.match(value):
        return False
    has_upper = any(c.isupper() for c in value)
    has_lower = any(c.islower() for c in value)
    has_digit = any(c.isdigit() for c in value)
    if not (has_upper and has_lower and has_digit):
        return False
    return shannon_entropy(value) >= 4.0


def classify(value: str) -> str | None:
    """Why `value` looks like a secret, or None."""
    label = known_token(value)
    if label:
        return label
    if high_entropy(value):
        return "high-entropy string"
    return None

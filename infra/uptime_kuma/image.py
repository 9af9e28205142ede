"""The Uptime Kuma image reference, read from the Dockerfile that Dependabot keeps current.

A floating tag (`uptime-kuma:2`) lets a restart pull code nobody reviewed; a digest in a
Python constant is pinned but never bumped. The reference lives in `image/Dockerfile`, which
Dependabot's docker updater watches, and the stack reads it from there.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DOCKERFILE = Path(__file__).with_name("image") / "Dockerfile"
_FROM = re.compile(r"^FROM\s+(?P<ref>\S+)\s*$", re.MULTILINE)
_PINNED = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")


@cache
def uptime_kuma_image(dockerfile: Path = DOCKERFILE) -> str:
    """`repository:tag@sha256:digest`; anything else is refused before a deploy uses it."""
    refs = _FROM.findall(dockerfile.read_text())
    if len(refs) != 1:
        raise ValueError(f"{dockerfile}: expected exactly one FROM line, found {len(refs)}")
    ref: str = refs[0]
    if not _PINNED.match(ref):
        raise ValueError(
            f"{dockerfile}: FROM {ref} is not pinned; use repository:tag@sha256:<64 hex digits>"
        )
    return ref

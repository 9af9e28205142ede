"""start_sentry (API and worker) against a local Sentry ingestion stand-in: an exception's
event carries the release, and no local variable, email address or token reaches Sentry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.sentry_standin import running_sentry

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "grace.hopper@students.example"

SCRIPT = """
import sys, sentry_sdk
from app.observability import start_sentry
assert start_sentry(sys.argv[1], release="0123abcd", server_name="crm-worker")
def boom(student_email, token):
    row = {"email": student_email, "authorization": token}
    raise ValueError(f"duplicate key: Key (email)=({student_email}) already exists; {token}")
try:
    boom(sys.argv[2], "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(10)
"""


def test_exception_event_has_the_release_and_no_pii() -> None:
    with running_sentry() as sentry:
        subprocess.run(
            [sys.executable, "-c", SCRIPT, sentry.dsn, EMAIL], cwd=ROOT, check=True, timeout=60
        )
        (event,) = sentry.events()
        everything = sentry.everything()
    assert event["release"] == "0123abcd"
    assert event["server_name"] == "crm-worker"
    (exc,) = event["exception"]["values"]
    assert exc["type"] == "ValueError"
    assert "[redacted]" in exc["value"]
    frames = exc["stacktrace"]["frames"]
    assert frames and not any("vars" in f for f in frames)  # no local variables
    for leaked in (EMAIL, "eyJhbGciOiJIUzI1NiJ9", "grace.hopper"):
        assert leaked not in everything, leaked
    assert json.dumps(event.get("user", {})).find("ip_address") == -1

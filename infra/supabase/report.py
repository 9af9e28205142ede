"""Read-only posture report of the Supabase project, for operators and auditors.

`python -m infra.supabase.report --ref <project-ref>` (token in SUPABASE_ACCESS_TOKEN) prints
JSON: security advisor findings, backups (Free plan backups are not downloadable: our own
pg_dump to R2 is the restore path), pooler mode, and whether SSL enforcement and network
restrictions are on. Five GET requests; nothing is changed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from typing import Any

from infra.http_api.errors import ApiError
from infra.supabase.client import TOKEN_CONFIG_KEY, SupabaseClient


@dataclass(frozen=True)
class Finding:
    name: str
    level: str
    title: str
    remediation: str


@dataclass(frozen=True)
class PostureReport:
    project_ref: str
    findings: list[Finding]
    ssl_enforced: bool
    allowed_cidrs: list[str]
    pitr_enabled: bool
    completed_backups: int
    latest_backup: str | None
    pooler_modes: list[str]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "ERROR"]


def collect(client: SupabaseClient, ref: str) -> PostureReport:
    lints: list[dict[str, Any]] = client.get_security_advisors(ref).get("lints", [])
    backups = client.list_backups(ref)
    done = [b for b in backups.get("backups", []) if b.get("status") == "COMPLETED"]
    network = client.get_network_restrictions(ref).get("config") or {}
    return PostureReport(
        project_ref=ref,
        findings=[
            Finding(
                str(lint.get("name")),
                str(lint.get("level")),
                str(lint.get("title", "")),
                str(lint.get("remediation", "")),
            )
            for lint in lints
        ],
        ssl_enforced=bool(client.get_ssl_enforcement(ref)["currentConfig"]["database"]),
        allowed_cidrs=[*network.get("dbAllowedCidrs", []), *network.get("dbAllowedCidrsV6", [])],
        pitr_enabled=bool(backups.get("pitr_enabled")),
        completed_backups=len(done),
        latest_backup=max((str(b["inserted_at"]) for b in done), default=None),
        pooler_modes=sorted({str(p.get("pool_mode")) for p in client.get_pooler_config(ref)}),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.supabase.report", description=__doc__)
    parser.add_argument("--ref", required=True, help="the project's 20-letter ref")
    args = parser.parse_args(argv)
    token = os.environ.get("SUPABASE_ACCESS_TOKEN", "")
    try:
        with SupabaseClient(token) as client:
            report = collect(client, args.ref)
    except ApiError as err:
        hint = f" (the same token as Pulumi config `{TOKEN_CONFIG_KEY}`)" if not token else ""
        print(f"supabase report failed: {err}{hint}", file=sys.stderr)
        return 2
    print(json.dumps({**asdict(report), "blocking": len(report.blocking)}, indent=2))
    return 1 if report.blocking else 0


if __name__ == "__main__":
    sys.exit(main())

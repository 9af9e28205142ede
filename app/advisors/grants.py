"""The declared table privileges of the API roles (app/migrations/api_grants.toml).

Why a file beside the migrations: "beyond what the API needs" is only checkable against a
statement of what it needs, and a migration that grants more should change it in the same
commit. A malformed file is an error naming the key, never an empty allow-list.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

GRANTS_FILE = Path(__file__).resolve().parent.parent / "migrations" / "api_grants.toml"
API_ROLES = ("anon", "authenticated")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_TABLE_RE = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")

Grants = dict[str, dict[str, frozenset[str]]]


class GrantsFileError(ValueError):
    """api_grants.toml is not a valid allow-list."""


def load_grants(path: Path = GRANTS_FILE) -> Grants:
    """{role: {"schema.table": privileges}} for every API role (a missing role allows nothing)."""
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GrantsFileError(f"{path.name}: cannot read it: {exc}") from None
    problems: list[str] = []
    grants: Grants = {role: {} for role in API_ROLES}
    for role, tables in raw.items():
        if role not in API_ROLES:
            problems.append(f"[{role}]: unknown role; use one of {', '.join(API_ROLES)}")
            continue
        if not isinstance(tables, dict):
            problems.append(f'{role}: must be a table of "schema.table" = [privileges]')
            continue
        for table, privileges in tables.items():
            key = f"{role}.{table!r}"
            if not _TABLE_RE.match(table):
                problems.append(f"{key}: name the table as schema.table in lower case")
                continue
            if not isinstance(privileges, list) or not all(isinstance(p, str) for p in privileges):
                problems.append(f'{key}: must be a list of privilege names such as ["SELECT"]')
                continue
            unknown = sorted(set(privileges) - set(TABLE_PRIVILEGES))
            if unknown:
                problems.append(
                    f"{key}: unknown privilege(s) {unknown}; use {', '.join(TABLE_PRIVILEGES)}"
                )
                continue
            grants[role][table] = frozenset(privileges)
    if problems:
        raise GrantsFileError(f"{path.name}: " + "; ".join(problems))
    return grants

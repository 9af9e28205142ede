"""The table privileges the API's own SQL needs, read from the source of the modules whose
queries run as `authenticated` (inside app.db.staff_transaction, via app.deps.tx).

Each string literal (f-strings with their placeholders blanked) is one statement or fragment;
the privileges follow PostgreSQL's rules: SELECT to read (FROM/JOIN, and the WHERE/RETURNING
of a write), INSERT/UPDATE/DELETE for the write, UPDATE for SELECT ... FOR UPDATE.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TABLE = r"([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\b"
_NAME = (
    _TABLE + r"(?!\s*\()"
)  # schema.table, not a function call (FROM public.search_students(...))
_INSERT = re.compile(rf"\bINSERT\s+INTO\s+{_TABLE}", re.I)
_UPDATE = re.compile(rf"\bUPDATE\s+{_NAME}\s+SET\b", re.I)
_DELETE = re.compile(rf"\bDELETE\s+FROM\s+{_NAME}", re.I)
_READ = re.compile(rf"\b(?:FROM|JOIN)\s+{_NAME}", re.I)
_FOR_UPDATE = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b", re.I)
_READS_ROWS = re.compile(r"\b(?:WHERE|RETURNING)\b", re.I)


def authenticated_modules() -> list[Path]:
    """app/db.py (the per-request setup query) and every module that opens a staff transaction."""
    found = [ROOT / "app" / "db.py"]
    for path in sorted((ROOT / "app").rglob("*.py")):
        if path != found[0] and re.search(r"\btx\(request\b", path.read_text()):
            found.append(path)
    return found


def _literals(source: str) -> list[str]:
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append(
                "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " ? "
                    for v in node.values
                )
            )
    return out


def privileges_in(sql: str) -> dict[str, set[str]]:
    """{table: privileges} one SQL text needs."""
    needs: dict[str, set[str]] = defaultdict(set)
    for pattern, privilege in ((_INSERT, "INSERT"), (_UPDATE, "UPDATE"), (_DELETE, "DELETE")):
        for match in pattern.finditer(sql):
            needs[match.group(1).lower()].add(privilege)
            if _READS_ROWS.search(sql[match.end() :]):
                needs[match.group(1).lower()].add("SELECT")
    for match in _READ.finditer(sql):
        if re.search(r"\bDELETE\s*$", sql[: match.start()], re.I):
            continue  # DELETE FROM is the write, handled above
        needs[match.group(1).lower()].add("SELECT")
        if _FOR_UPDATE.search(sql):
            needs[match.group(1).lower()].add("UPDATE")
    return needs


def api_sql_privileges() -> dict[str, set[str]]:
    """{schema.table: privileges} the request-handling SQL uses, over all its modules."""
    total: dict[str, set[str]] = defaultdict(set)
    for path in authenticated_modules():
        for text in _literals(path.read_text()):
            for table, privs in privileges_in(text).items():
                total[table] |= privs
    return dict(total)

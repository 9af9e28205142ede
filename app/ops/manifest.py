"""The manifest stored beside each dump: what restore must find to trust the dump.

It is written last, after the dump object is complete, so a dump without a manifest is an
unfinished backup and is never chosen as "latest".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.ops.errors import BackupCorrupt

FORMAT = "careers-crm-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
DUMP_SUFFIX = ".dump"
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Manifest:
    dump_key: str
    created_at: str
    database: str
    schemas: tuple[str, ...]
    size: int
    sha256: str
    parts: int
    part_size: int
    pg_dump_version: str
    row_counts: dict[str, int]
    # (extension, schema) pairs the dump creates with CREATE EXTENSION IF NOT EXISTS.
    extensions: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return manifest_key(self.dump_key)

    def to_json(self) -> bytes:
        doc = {
            "format": FORMAT,
            "dump_key": self.dump_key,
            "created_at": self.created_at,
            "database": self.database,
            "schemas": list(self.schemas),
            "dump": {
                "size": self.size,
                "sha256": self.sha256,
                "parts": self.parts,
                "part_size": self.part_size,
                "format": "pg_dump custom",
                "pg_dump_version": self.pg_dump_version,
            },
            "row_counts": dict(sorted(self.row_counts.items())),
            "extensions": [{"name": n, "schema": sch} for n, sch in self.extensions],
        }
        return (json.dumps(doc, indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes, key: str) -> Manifest:
        """Parse and validate; any defect is a BackupCorrupt naming the manifest key."""
        try:
            doc = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupCorrupt(
                f"manifest {key} is not valid JSON ({exc}); the backup cannot "
                "be trusted: choose another with --key"
            ) from None
        try:
            return cls._parse(doc, key)
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupCorrupt(
                f"manifest {key} is malformed ({type(exc).__name__}: {exc}); "
                "the backup cannot be trusted: choose another with --key"
            ) from None

    @classmethod
    def _parse(cls, doc: Any, key: str) -> Manifest:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT!r}")
        dump = doc["dump"]
        counts = doc["row_counts"]
        if not isinstance(counts, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in counts.items()
        ):
            raise ValueError("row_counts must map table names to non-negative integers")
        sha = str(dump["sha256"])
        if not _SHA256_RE.match(sha):
            raise ValueError("dump.sha256 is not a hex sha256")
        size = dump["size"]
        if not isinstance(size, int) or size <= 0:
            raise ValueError("dump.size must be a positive integer")
        dump_key = str(doc["dump_key"])
        if manifest_key(dump_key) != key:
            raise ValueError(f"dump_key {dump_key!r} does not belong to this manifest")
        datetime.fromisoformat(str(doc["created_at"]))
        extensions = tuple(
            (str(item["name"]), str(item["schema"])) for item in doc.get("extensions", [])
        )
        return cls(
            dump_key=dump_key,
            created_at=str(doc["created_at"]),
            database=str(doc["database"]),
            schemas=tuple(doc["schemas"]),
            size=size,
            sha256=sha,
            parts=int(dump["parts"]),
            part_size=int(dump["part_size"]),
            pg_dump_version=str(dump["pg_dump_version"]),
            row_counts=dict(counts),
            extensions=extensions,
        )


def dump_key(prefix: str, database: str, when: datetime) -> str:
    """Dated, sortable, never reused: <prefix>/<db>/YYYY/MM/DD/<db>-YYYYMMDDTHHMMSSZ.dump."""
    when = when.astimezone(UTC)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    return f"{prefix}/{database}/{when:%Y/%m/%d}/{database}-{stamp}{DUMP_SUFFIX}"


def manifest_key(dump: str) -> str:
    return dump + MANIFEST_SUFFIX

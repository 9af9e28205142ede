"""Restore a backup from the R2 backups bucket: `python -m app.restore`.

Every check that can fail without touching the target runs first: the manifest parses, the
dump exists with the recorded size, its sha256 matches, and the target holds no tables in
the backed-up schemas. Only then does pg_restore run, in one transaction (all or nothing),
and the restored row counts are compared with the manifest, table by table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import psycopg

from app.ops import pg
from app.ops.errors import (
    BackupCorrupt,
    BackupNotFound,
    BackupTruncated,
    OpsError,
    RestoreFailed,
    SettingsError,
    TargetNotEmpty,
    TargetNotReady,
)
from app.ops.manifest import MANIFEST_SUFFIX, Manifest, manifest_key
from app.ops.objectstore import ObjectStore
from app.ops.settings import StorageSettings, storage_from_env

# A TOC line such as "215; 2615 2200 SCHEMA - public pg_database_owner" (or its COMMENT).
_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (?:SCHEMA|COMMENT) - (?:SCHEMA )?(\S+) ")
# "3531; 0 0 COMMENT - EXTENSION btree_gin": only the extension's owner may comment on it, and
# on Supabase that is not us when the extension already exists. Cosmetic: skipped.
_EXTENSION_COMMENT = re.compile(r"^\d+; \d+ \d+ COMMENT - EXTENSION ")


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    target_database: str
    tables: int
    rows: int


def latest_manifest_key(store: ObjectStore, prefix: str, database: str | None) -> str:
    """Newest complete backup: keys are dated, so the greatest manifest key is the latest."""
    scope = f"{prefix}/{database}/" if database else f"{prefix}/"
    keys = [k for k in store.keys(scope) if k.endswith(MANIFEST_SUFFIX)]
    if not keys:
        raise BackupNotFound(
            f"no backup manifest under s3://{store.bucket}/{scope}: run "
            "`python -m app.backup` first, or check BACKUP_PREFIX"
        )
    return max(keys)


def load_manifest(store: ObjectStore, key: str) -> Manifest:
    mkey = key if key.endswith(MANIFEST_SUFFIX) else manifest_key(key)
    if not store.exists(mkey):
        raise BackupNotFound(
            f"no manifest s3://{store.bucket}/{mkey}: the backup does not "
            "exist or never completed; list backups with --list"
        )
    return Manifest.from_json(store.read_small(mkey), mkey)


def fetch_verified(store: ObjectStore, manifest: Manifest, sink: IO[bytes]) -> None:
    """Download the dump into `sink` and prove it is the one the manifest describes."""
    key = manifest.dump_key
    if not store.exists(key):
        raise BackupNotFound(f"dump s3://{store.bucket}/{key} named by its manifest is missing")
    stored = store.size(key)
    if stored != manifest.size:
        raise BackupTruncated(
            f"dump s3://{store.bucket}/{key} is {stored} bytes but the "
            f"manifest recorded {manifest.size}: it is truncated or was "
            "replaced; refusing to restore it (choose another with --key)"
        )
    got = store.download(key, sink)
    if got.size != manifest.size:
        raise BackupTruncated(
            f"download of {key} ended after {got.size} of {manifest.size} "
            "bytes; retry, or choose another backup with --key"
        )
    if got.sha256 != manifest.sha256:
        raise BackupCorrupt(
            f"dump s3://{store.bucket}/{key} has sha256 {got.sha256} but the "
            f"manifest recorded {manifest.sha256}: it is corrupt; refusing to "
            "restore it (choose another with --key)"
        )
    sink.flush()


def check_target_empty(target_dsn: str, manifest: Manifest) -> tuple[str, set[str]]:
    """Refuse a target with tables in the backed-up schemas, or one that cannot take the
    dump's extensions; return its name and the schemas it already has (their CREATE SCHEMA is
    skipped, e.g. `public`, which always exists)."""
    with pg.connect(target_dsn, "target") as conn:
        existing = pg.tables(conn, manifest.schemas)
        name = pg.database_name(conn)
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", (list(manifest.schemas),)
        ).fetchall()
        problems = _missing_for_extensions(conn, manifest)
    if existing:
        shown = ", ".join(existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise TargetNotEmpty(
            f"target database {name!r} already has {len(existing)} table(s) "
            f"in {list(manifest.schemas)} ({shown}): restore into a new, "
            "empty database (CREATE DATABASE ...) and switch over after"
        )
    if problems:
        raise TargetNotReady(
            f"target database {name!r} cannot take this backup: " + "; ".join(problems)
        )
    return name, {pg.text(r[0]) for r in rows}


def _missing_for_extensions(
    conn: psycopg.Connection[tuple[object, ...]], manifest: Manifest
) -> list[str]:
    """What the dump's CREATE EXTENSION statements would trip over, checked up front."""
    problems = []
    for extension, schema in manifest.extensions:
        installed = conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = %s", (extension,)
        ).fetchone()
        if installed:
            continue
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = %s", (extension,)
        ).fetchone()
        if not available:
            problems.append(f"extension {extension} is not available on its server")
            continue
        has_schema = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchone()
        if not has_schema and schema not in manifest.schemas:
            problems.append(
                f"extension {extension} goes into schema {schema!r}, which the target lacks "
                f"(Supabase projects have it; elsewhere CREATE SCHEMA {schema} first)"
            )
    return problems


def restore_list(toc: str, existing_schemas: set[str]) -> str:
    """pg_restore's table of contents minus the schemas the target already has."""
    kept = []
    for line in toc.splitlines():
        match = _SCHEMA_ENTRY.match(line)
        if (match and match.group(1) in existing_schemas) or _EXTENSION_COMMENT.match(line):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def run_restore(
    storage: StorageSettings, target_dsn: str, key: str | None = None, database: str | None = None
) -> RestoreReport:
    store = ObjectStore(storage)
    mkey = key or latest_manifest_key(store, storage.prefix, database)
    manifest = load_manifest(store, mkey)
    target_env = pg.libpq_env(target_dsn, "target")
    target_name, existing_schemas = check_target_empty(target_dsn, manifest)
    pg_restore = pg.pg_tool("pg_restore")
    with (
        tempfile.NamedTemporaryFile(prefix="crm-restore-", suffix=".dump") as dump,
        tempfile.NamedTemporaryFile("w", prefix="crm-restore-", suffix=".list") as toc,
    ):
        fetch_verified(store, manifest, dump)
        listing = subprocess.run([pg_restore, "--list", dump.name], capture_output=True)
        if listing.returncode != 0:
            raise BackupCorrupt(
                f"pg_restore cannot read {manifest.dump_key} although its "
                "checksum matches: " + listing.stderr.decode(errors="replace").strip()[-500:]
            )
        toc.write(restore_list(listing.stdout.decode(errors="replace"), existing_schemas))
        toc.flush()
        proc = subprocess.run(
            [
                pg_restore,
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-password",
                f"--use-list={toc.name}",
                f"--dbname={target_env.get('PGDATABASE', target_name)}",
                dump.name,
            ],
            capture_output=True,
            env=target_env,
        )
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip()[-1500:]
        raise RestoreFailed(f"pg_restore failed and rolled back (target unchanged): {tail}")
    with pg.connect(target_dsn, "target") as conn:
        restored = pg.row_counts(conn, manifest.schemas)
    mismatches = [
        f"{table}: expected {want}, found {restored.get(table, 'missing')}"
        for table, want in sorted(manifest.row_counts.items())
        if restored.get(table) != want
    ]
    extra = sorted(set(restored) - set(manifest.row_counts))
    if mismatches or extra:
        details = "; ".join(mismatches + [f"{t}: not in the manifest" for t in extra])
        raise RestoreFailed(f"restored row counts differ from the manifest: {details}")
    return RestoreReport(
        manifest=manifest,
        target_database=target_name,
        tables=len(restored),
        rows=sum(restored.values()),
    )


def list_backups(storage: StorageSettings) -> list[str]:
    store = ObjectStore(storage)
    return sorted(k for k in store.keys(f"{storage.prefix}/") if k.endswith(MANIFEST_SUFFIX))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.restore",
        description="Verify and restore a backup into an empty target database (storage "
        "settings from BACKUP_S3_* / BACKUP_PREFIX; target from --target-dsn or "
        "RESTORE_DATABASE_URL).",
    )
    parser.add_argument("--key", help="dump or manifest key to restore (default: the latest)")
    parser.add_argument("--database", help="only consider backups of this source database")
    parser.add_argument(
        "--target-dsn",
        help="connection string of the empty target database (default: $RESTORE_DATABASE_URL)",
    )
    parser.add_argument("--list", action="store_true", help="list complete backups and exit")
    args = parser.parse_args(argv)
    try:
        storage = storage_from_env()
        if args.list:
            for item in list_backups(storage):
                print(item.removesuffix(MANIFEST_SUFFIX))
            return 0
        target = args.target_dsn or os.environ.get("RESTORE_DATABASE_URL", "")
        if not target:
            raise SettingsError(
                "no restore target: pass --target-dsn or set "
                "RESTORE_DATABASE_URL to an empty database's connection string"
            )
        report = run_restore(storage, target, key=args.key, database=args.database)
    except OpsError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "restored": report.manifest.dump_key,
                "into": report.target_database,
                "tables": report.tables,
                "rows": report.rows,
                "sha256": report.manifest.sha256,
                "verified": True,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Nightly database backup to the R2 backups bucket: `python -m app.backup`.

pg_dump (custom format, compressed) streams straight into a multipart upload, so memory stays
at about one part whatever the database size. Row counts are taken in the same exported
snapshot as the dump and written, with the dump's sha256, to a manifest next to it; the
manifest is written last and marks the backup complete. Retention is the bucket's job (R2
bucket lock + lifecycle rule on the prefix), never a delete from here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime

from app.ops import pg
from app.ops.errors import DumpFailed, OpsError
from app.ops.manifest import Manifest, dump_key
from app.ops.objectstore import ObjectStore, UploadResult
from app.ops.settings import BackupSettings, backup_from_env

COMPRESSION_LEVEL = 6


def run_backup(settings: BackupSettings, now: datetime | None = None) -> Manifest:
    """Dump, upload, count rows in the dump's snapshot, then write the manifest."""
    store = ObjectStore(settings.storage)
    when = now or datetime.now(UTC)
    pg_dump = pg.pg_tool("pg_dump")
    version = subprocess.run(
        [pg_dump, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    env = pg.libpq_env(settings.database_url, "source")
    with pg.exported_snapshot(settings.database_url) as (snapshot, conn):
        database = pg.database_name(conn)
        key = dump_key(settings.storage.prefix, database, when)
        extensions = pg.required_extensions(conn, settings.schemas)
        cmd = [
            pg_dump,
            "--format=custom",
            f"--compress={COMPRESSION_LEVEL}",
            f"--snapshot={snapshot}",
            f"--lock-wait-timeout={settings.lock_wait_timeout_s}s",
            "--no-password",
            *[f"--schema={schema}" for schema in settings.schemas],
            # Quoted: a pattern matching exactly this name.
            *[f'--extension="{name}"' for name, _ in extensions],
        ]
        result = _dump_into(store, key, cmd, env, settings.storage.part_size)
        # Same snapshot as pg_dump's, so the counts describe exactly the dumped rows.
        counts = pg.row_counts(conn, settings.schemas)
    manifest = Manifest(
        dump_key=key,
        created_at=when.isoformat(),
        database=database,
        schemas=settings.schemas,
        size=result.size,
        sha256=result.sha256,
        parts=result.parts,
        part_size=settings.storage.part_size,
        pg_dump_version=version,
        row_counts=counts,
        extensions=tuple(extensions),
    )
    stored = store.size(key)
    if stored != result.size:
        raise OpsError(
            f"uploaded {result.size} bytes but s3://{store.bucket}/{key} holds "
            f"{stored}; no manifest written, so this backup will not be used"
        )
    store.put_new(manifest.key, manifest.to_json(), "application/json")
    return manifest


def _dump_into(
    store: ObjectStore, key: str, cmd: list[str], env: dict[str, str], part_size: int
) -> UploadResult:
    """Run pg_dump with its stdout streamed into a multipart upload of `key`."""
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, env=env)
        assert proc.stdout is not None

        def dump_succeeded() -> None:
            if proc.wait() != 0:
                stderr.seek(0)
                tail = stderr.read()[-2000:].decode(errors="replace").strip()
                raise DumpFailed(
                    f"pg_dump exited with {proc.returncode}: {tail}; nothing was stored"
                )

        try:
            return store.upload_stream(key, proc.stdout, part_size, dump_succeeded)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.backup",
        description="Back up the database to the R2 backups bucket (settings from the "
        "environment: DATABASE_URL, BACKUP_S3_*, BACKUP_PREFIX, BACKUP_SCHEMAS, "
        "BACKUP_PART_SIZE_MIB, BACKUP_LOCK_WAIT_TIMEOUT_S).",
    )
    parser.parse_args(argv)
    try:
        manifest = run_backup(backup_from_env())
    except OpsError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "backup": manifest.dump_key,
                "manifest": manifest.key,
                "size": manifest.size,
                "sha256": manifest.sha256,
                "parts": manifest.parts,
                "tables": len(manifest.row_counts),
                "rows": sum(manifest.row_counts.values()),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

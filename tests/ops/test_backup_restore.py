"""Backup to an S3 API server and restore into real PostgreSQL, including every refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from app import backup, restore
from app.ops.errors import (
    BackupCorrupt,
    BackupNotFound,
    BackupTruncated,
    DumpFailed,
    TargetNotEmpty,
)
from app.ops.manifest import Manifest
from app.ops.objectstore import KeyExists
from app.ops.settings import StorageSettings
from tests.ops.conftest import backup_settings, s3_client, storage_env
from tests.ops.seed import seed, table_fingerprints
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.slow

NIGHT = datetime(2026, 11, 27, 2, 0, 0, tzinfo=UTC)


def _target(server: PostgresServer, name: str) -> str:
    server.drop_database(name)
    return server.create_database(name)


def _public_tables(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _all_keys(storage: StorageSettings) -> list[str]:
    listing = s3_client(storage.endpoint_url).list_objects_v2(Bucket=storage.bucket)
    return sorted(str(o["Key"]) for o in listing.get("Contents", []))


def test_round_trip_after_dropping_the_database(
    postgres_server: PostgresServer,
    source_db: str,
    storage: StorageSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(source_db)
    before = table_fingerprints(source_db)
    manifest = backup.run_backup(backup_settings(storage, source_db), now=NIGHT)

    name = source_db.rsplit("/", 1)[1]
    assert manifest.dump_key == f"postgres/{name}/2026/11/27/{name}-20261127T020000Z.dump"
    assert manifest.row_counts == {table: count for table, (count, _) in before.items()}
    assert manifest.row_counts["public.empty_reminders"] == 0
    assert _all_keys(storage) == [manifest.dump_key, manifest.key]

    postgres_server.drop_database(name)
    postgres_server.create_database(name)
    for key, value in storage_env(storage).items():
        monkeypatch.setenv(key, value)
    assert restore.main(["--target-dsn", source_db]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["restored"] == manifest.dump_key
    assert summary["verified"] is True

    assert table_fingerprints(source_db) == before
    with psycopg.connect(source_db) as conn:
        rls = conn.execute(
            "SELECT relrowsecurity FROM pg_class WHERE relname = 'advisor_notes'"
        ).fetchone()
        assert rls == (True,)
        assert conn.execute("SELECT count(*) FROM open_applications").fetchone() == (720,)
        # identity sequences continue after the restored rows
        conn.execute("INSERT INTO students (email, full_name) VALUES ('new@example.edu', 'N')")
        assert conn.execute("SELECT max(id) FROM students").fetchone() == (301,)


def test_latest_is_chosen_unless_a_key_is_given(
    postgres_server: PostgresServer, source_db: str, storage: StorageSettings
) -> None:
    seed(source_db, students=10, applications=10, notes=10)
    older = backup.run_backup(backup_settings(storage, source_db), now=NIGHT)
    with psycopg.connect(source_db, autocommit=True) as conn:
        conn.execute("DELETE FROM advisor_notes WHERE id <= 4")
    newer = backup.run_backup(backup_settings(storage, source_db), now=NIGHT + timedelta(days=1))
    assert newer.row_counts["public.advisor_notes"] == 6

    latest = restore.run_restore(storage, _target(postgres_server, "crm_latest"))
    assert latest.manifest.dump_key == newer.dump_key
    chosen = restore.run_restore(storage, _target(postgres_server, "crm_older"), key=older.dump_key)
    assert chosen.manifest.row_counts["public.advisor_notes"] == 10
    assert restore.list_backups(storage) == sorted([older.key, newer.key])


def test_a_dated_key_is_never_overwritten(source_db: str, storage: StorageSettings) -> None:
    seed(source_db, students=5, applications=5, notes=5)
    first = backup.run_backup(backup_settings(storage, source_db), now=NIGHT)
    with pytest.raises(KeyExists, match="immutable"):
        backup.run_backup(backup_settings(storage, source_db), now=NIGHT)
    assert _all_keys(storage) == [first.dump_key, first.key]


def _backed_up(source_db: str, storage: StorageSettings) -> Manifest:
    seed(source_db, students=50, applications=50, notes=50)
    return backup.run_backup(backup_settings(storage, source_db), now=NIGHT)


def test_corrupt_dump_is_refused_and_target_untouched(
    postgres_server: PostgresServer, source_db: str, storage: StorageSettings
) -> None:
    manifest = _backed_up(source_db, storage)
    s3 = s3_client(storage.endpoint_url)
    body = bytearray(s3.get_object(Bucket=storage.bucket, Key=manifest.dump_key)["Body"].read())
    body[len(body) // 2] ^= 0xFF  # same size, one byte flipped
    s3.put_object(Bucket=storage.bucket, Key=manifest.dump_key, Body=bytes(body))
    target = _target(postgres_server, "crm_corrupt")
    with pytest.raises(BackupCorrupt, match=r"sha256 .* corrupt; refusing"):
        restore.run_restore(storage, target)
    assert _public_tables(target) == []


def test_truncated_dump_is_refused_and_target_untouched(
    postgres_server: PostgresServer, source_db: str, storage: StorageSettings
) -> None:
    manifest = _backed_up(source_db, storage)
    s3 = s3_client(storage.endpoint_url)
    body = s3.get_object(Bucket=storage.bucket, Key=manifest.dump_key)["Body"].read()
    s3.put_object(Bucket=storage.bucket, Key=manifest.dump_key, Body=body[: len(body) - 100])
    target = _target(postgres_server, "crm_truncated")
    with pytest.raises(BackupTruncated, match=rf"{len(body) - 100} bytes but the manifest"):
        restore.run_restore(storage, target)
    assert _public_tables(target) == []


def test_missing_dump_manifest_or_backup_is_refused(
    postgres_server: PostgresServer,
    source_db: str,
    storage: StorageSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = _target(postgres_server, "crm_missing")
    with pytest.raises(BackupNotFound, match="no backup manifest under"):
        restore.run_restore(storage, target)

    manifest = _backed_up(source_db, storage)
    with pytest.raises(BackupNotFound, match=r"no manifest .*never completed"):
        restore.run_restore(storage, target, key=manifest.dump_key.replace("T02", "T03"))

    s3_client(storage.endpoint_url).delete_object(Bucket=storage.bucket, Key=manifest.dump_key)
    for key, value in storage_env(storage).items():
        monkeypatch.setenv(key, value)
    assert restore.main(["--target-dsn", target]) == 1
    err = capsys.readouterr().err
    assert err.startswith("restore refused: dump s3://")
    assert "is missing" in err and "Traceback" not in err
    assert _public_tables(target) == []


def test_corrupt_manifest_is_refused(
    postgres_server: PostgresServer, source_db: str, storage: StorageSettings
) -> None:
    manifest = _backed_up(source_db, storage)
    s3_client(storage.endpoint_url).put_object(
        Bucket=storage.bucket, Key=manifest.key, Body=b'{"format": "careers-crm-backup/1"'
    )
    target = _target(postgres_server, "crm_bad_manifest")
    with pytest.raises(BackupCorrupt, match="not valid JSON"):
        restore.run_restore(storage, target)
    assert _public_tables(target) == []


def test_non_empty_target_is_refused(
    postgres_server: PostgresServer, source_db: str, storage: StorageSettings
) -> None:
    _backed_up(source_db, storage)
    before = table_fingerprints(source_db)
    with pytest.raises(TargetNotEmpty, match="restore into a new, empty database"):
        restore.run_restore(storage, source_db)
    assert table_fingerprints(source_db) == before


def test_failed_dump_stores_nothing(source_db: str, storage: StorageSettings) -> None:
    """A migration holding a lock makes pg_dump give up: no object, no pending upload."""
    seed(source_db, students=5, applications=5, notes=5)
    settings = backup_settings(storage, source_db)
    settings = type(settings)(
        storage=settings.storage,
        database_url=settings.database_url,
        schemas=settings.schemas,
        lock_wait_timeout_s=1,
    )
    with psycopg.connect(source_db) as blocker:
        blocker.execute("LOCK TABLE applications IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(DumpFailed, match=r"(?s)pg_dump exited with 1: .*LOCK TABLE"):
            backup.run_backup(settings, now=NIGHT)
        blocker.rollback()
    assert _all_keys(storage) == []
    uploads = s3_client(storage.endpoint_url).list_multipart_uploads(Bucket=storage.bucket)
    assert uploads.get("Uploads", []) == []


def test_sql_ascii_databases_round_trip(
    postgres_server: PostgresServer, storage: StorageSettings
) -> None:
    """psycopg returns catalog names as bytes from SQL_ASCII databases (a default initdb)."""
    create = (
        "CREATE DATABASE {} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
    )
    for name in ("crm_ascii_src", "crm_ascii_dst"):
        postgres_server.drop_database(name)
        postgres_server.psql("postgres", create.format(name))
    source = postgres_server.dsn("crm_ascii_src")
    target = postgres_server.dsn("crm_ascii_dst")
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("CREATE TABLE legacy_contacts (id int PRIMARY KEY, name text NOT NULL)")
        conn.execute(
            "INSERT INTO legacy_contacts SELECT g, 'Contact ' || g FROM generate_series(1, 50) g"
        )
    before = table_fingerprints(source)
    assert before["public.legacy_contacts"][0] == 50
    manifest = backup.run_backup(backup_settings(storage, source), now=NIGHT)
    assert set(manifest.row_counts) == set(before)
    restore.run_restore(storage, target)
    assert table_fingerprints(target) == before

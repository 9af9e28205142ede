"""Bad input gives one clear message naming every field and its fix; manifests validate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import backup, restore
from app.ops.errors import BackupCorrupt, SettingsError
from app.ops.manifest import Manifest, dump_key, manifest_key
from app.ops.pg import libpq_env
from app.ops.settings import MIB, backup_from_env, storage_from_env

FAKE_DSN = "postgresql://backup:fake-password@db.test/postgres"  # checkov:skip=CKV_SECRET_4: fake
GOOD = {
    "BACKUP_S3_ENDPOINT": "https://fake-account.r2.cloudflarestorage.com",
    "BACKUP_S3_BUCKET": "crm-backups",
    "BACKUP_S3_ACCESS_KEY_ID": "fake-access-key-id",
    "BACKUP_S3_SECRET_ACCESS_KEY": "fake-secret-access-key",
    "DATABASE_URL": FAKE_DSN,
}


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as info:
        backup_from_env({"BACKUP_PART_SIZE_MIB": "4", "BACKUP_PREFIX": "Bad Prefix"})
    message = str(info.value)
    for name in (
        "BACKUP_S3_ENDPOINT is not set",
        "BACKUP_S3_BUCKET is not set",
        "BACKUP_S3_ACCESS_KEY_ID is not set",
        "BACKUP_S3_SECRET_ACCESS_KEY is not set",
        "DATABASE_URL is not set",
        "BACKUP_PART_SIZE_MIB='4' is invalid",
        "BACKUP_PREFIX='Bad Prefix' is invalid",
    ):
        assert name in message


def test_plain_http_only_for_loopback() -> None:
    with pytest.raises(SettingsError, match="must be an https:// URL"):
        storage_from_env({**GOOD, "BACKUP_S3_ENDPOINT": "http://r2.example.test"})


def test_defaults_and_secrets_stay_out_of_repr() -> None:
    settings = backup_from_env(GOOD)
    assert settings.storage.part_size == 16 * MIB
    assert settings.storage.prefix == "postgres"
    assert settings.schemas == ("public", "private", "crm_migrations")
    assert settings.lock_wait_timeout_s == 300
    assert "fake-secret" not in repr(settings)
    assert "fake-password" not in repr(settings)


def test_password_goes_to_the_environment_not_argv() -> None:
    env = libpq_env(GOOD["DATABASE_URL"], "source")
    assert (
        env["PGPASSWORD"] == "fake-password"
    )  # checkov:skip=CKV_SECRET_6: obviously fake test value
    assert env["PGHOST"] == "db.test"
    assert env["PGDATABASE"] == "postgres"
    with pytest.raises(SettingsError, match="unsupported parameters"):
        libpq_env("postgresql://u@h/db?gssencmode=disable&krbsrvname=x", "source")


def test_cli_reports_settings_errors_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [*GOOD, "RESTORE_DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    assert backup.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backup failed: invalid backup settings:")
    assert "Traceback" not in err
    for name, value in GOOD.items():
        if name != "DATABASE_URL":
            monkeypatch.setenv(name, value)
    assert restore.main([]) == 1
    assert "pass --target-dsn or set RESTORE_DATABASE_URL" in capsys.readouterr().err


def _manifest() -> Manifest:
    key = dump_key("postgres", "crm", datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    return Manifest(
        dump_key=key,
        created_at="2026-11-27T02:00:00+00:00",
        database="crm",
        schemas=("public",),
        size=1234,
        sha256="a" * 64,
        parts=1,
        part_size=16 * MIB,
        pg_dump_version="pg_dump (PostgreSQL) 15.14",
        row_counts={"public.students": 3},
    )


def test_manifest_round_trips_and_keys_sort_by_date() -> None:
    manifest = _manifest()
    assert manifest.dump_key == "postgres/crm/2026/11/27/crm-20261127T020000Z.dump"
    assert Manifest.from_json(manifest.to_json(), manifest.key) == manifest
    later = dump_key("postgres", "crm", datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert max(manifest_key(later), manifest.key) == manifest_key(later)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda raw: raw.replace(b'"a', b'"z', 1), "not a hex sha256"),
        (lambda raw: raw.replace(b'"size": 1234', b'"size": -1'), "positive integer"),
        (lambda raw: raw.replace(b'"public.students": 3', b'"public.students": "3"'), "row_co"),
        (lambda raw: raw.replace(b"careers-crm-backup/1", b"other/9"), "format is not"),
        (lambda raw: raw[:40], "not valid JSON"),
    ],
)
def test_a_tampered_manifest_is_corrupt(edit: object, reason: str) -> None:
    manifest = _manifest()
    raw = manifest.to_json()
    assert callable(edit)
    with pytest.raises(BackupCorrupt, match=reason):
        Manifest.from_json(edit(raw), manifest.key)


def test_a_manifest_under_the_wrong_key_is_corrupt() -> None:
    manifest = _manifest()
    with pytest.raises(BackupCorrupt, match="does not belong to this manifest"):
        Manifest.from_json(manifest.to_json(), "postgres/crm/other.dump.manifest.json")

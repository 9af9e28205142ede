"""Settings for backup and restore, read once from the environment and validated together."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.ops.errors import SettingsError

MIB = 1024 * 1024
# S3 (and R2) refuse multipart parts under 5 MiB except the last one.
MIN_PART_SIZE = 5 * MIB
DEFAULT_PART_SIZE = 16 * MIB
DEFAULT_PREFIX = "postgres"
# The app's own schemas: tables (public), RLS helper functions (private) and the migration
# history (crm_migrations), so a restored database needs no re-migration. Supabase's own
# schemas (auth, storage, ...) belong to the platform and are never dumped.
DEFAULT_SCHEMAS = "public,private,crm_migrations"
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_$]*$")


@dataclass(frozen=True)
class StorageSettings:
    """Where backups live: the R2 backups bucket through its S3 API."""

    endpoint_url: str
    bucket: str
    access_key_id: str
    secret_access_key: str
    region: str
    prefix: str
    part_size: int

    def __repr__(self) -> str:  # keep the secret out of logs and tracebacks
        return (
            f"StorageSettings(endpoint_url={self.endpoint_url!r}, bucket={self.bucket!r}, "
            f"prefix={self.prefix!r}, part_size={self.part_size})"
        )


@dataclass(frozen=True)
class BackupSettings:
    storage: StorageSettings
    database_url: str
    schemas: tuple[str, ...]
    lock_wait_timeout_s: int

    def __repr__(self) -> str:
        return f"BackupSettings(storage={self.storage!r}, schemas={self.schemas!r})"


def storage_from_env(env: Mapping[str, str] | None = None) -> StorageSettings:
    """Read BACKUP_S3_* settings; raise one SettingsError listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []
    storage = _storage(env, problems)
    if problems:
        raise SettingsError(_join(problems))
    assert storage is not None
    return storage


def backup_from_env(env: Mapping[str, str] | None = None) -> BackupSettings:
    env = os.environ if env is None else env
    problems: list[str] = []
    storage = _storage(env, problems)
    database_url = env.get("DATABASE_URL", "").strip()
    if not database_url:
        problems.append(
            "DATABASE_URL is not set: set it to the direct (session) PostgreSQL "
            "connection string of the database to back up"
        )
    schemas = tuple(
        s.strip() for s in env.get("BACKUP_SCHEMAS", DEFAULT_SCHEMAS).split(",") if s.strip()
    )
    bad = [s for s in schemas if not _SCHEMA_RE.match(s)]
    if not schemas or bad:
        problems.append(
            f"BACKUP_SCHEMAS={env.get('BACKUP_SCHEMAS', '')!r} is invalid: give "
            "a comma-separated list of lower-case schema names, e.g. 'public'"
        )
    raw_wait = env.get("BACKUP_LOCK_WAIT_TIMEOUT_S", "300").strip()
    lock_wait = int(raw_wait) if raw_wait.isdigit() else 0
    if not 1 <= lock_wait <= 3600:
        problems.append(
            f"BACKUP_LOCK_WAIT_TIMEOUT_S={raw_wait!r} is invalid: give whole seconds from 1 to "
            "3600 (how long pg_dump may wait for a table lock held by a migration)"
        )
    if problems:
        raise SettingsError(_join(problems))
    assert storage is not None
    return BackupSettings(
        storage=storage, database_url=database_url, schemas=schemas, lock_wait_timeout_s=lock_wait
    )


def _storage(env: Mapping[str, str], problems: list[str]) -> StorageSettings | None:
    required = {
        "BACKUP_S3_ENDPOINT": "the S3 endpoint of the R2 account, "
        "https://<account-id>.r2.cloudflarestorage.com",
        "BACKUP_S3_BUCKET": "the backups bucket name (Pulumi output backupsBucketName)",
        "BACKUP_S3_ACCESS_KEY_ID": "the access key id of the R2 token scoped to that bucket",
        "BACKUP_S3_SECRET_ACCESS_KEY": "the secret access key of that R2 token",
    }
    values: dict[str, str] = {}
    for name, what in required.items():
        value = env.get(name, "").strip()
        if not value:
            problems.append(f"{name} is not set: set it to {what}")
        values[name] = value
    endpoint = values["BACKUP_S3_ENDPOINT"]
    if endpoint and not endpoint.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        problems.append(
            f"BACKUP_S3_ENDPOINT={endpoint!r} must be an https:// URL "
            "(plain http only for a local test server)"
        )
    prefix = env.get("BACKUP_PREFIX", DEFAULT_PREFIX).strip().strip("/")
    if not _PREFIX_RE.match(prefix):
        problems.append(
            f"BACKUP_PREFIX={prefix!r} is invalid: use lower-case path segments "
            "such as 'postgres' (it must match the bucket lock/lifecycle prefix)"
        )
    part_size = DEFAULT_PART_SIZE
    raw_part = env.get("BACKUP_PART_SIZE_MIB", "").strip()
    if raw_part:
        try:
            part_size = int(raw_part) * MIB
        except ValueError:
            part_size = 0
        if part_size < MIN_PART_SIZE or part_size > 512 * MIB:
            problems.append(
                f"BACKUP_PART_SIZE_MIB={raw_part!r} is invalid: give a whole "
                "number of MiB from 5 (the S3 minimum part size) to 512"
            )
    if any(values[name] == "" for name in required) or len(problems) > 0:
        return None
    return StorageSettings(
        endpoint_url=endpoint,
        bucket=values["BACKUP_S3_BUCKET"],
        access_key_id=values["BACKUP_S3_ACCESS_KEY_ID"],
        secret_access_key=values["BACKUP_S3_SECRET_ACCESS_KEY"],
        region=env.get("BACKUP_S3_REGION", "auto").strip() or "auto",
        prefix=prefix,
        part_size=part_size,
    )


def _join(problems: list[str]) -> str:
    return "invalid backup settings:\n  - " + "\n  - ".join(problems)

"""Real components for the backup/restore tests: moto's S3 server and the PostgreSQL cluster.

moto implements versioning and R2 does not; nothing here turns it on or relies on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from app.ops.settings import BackupSettings, StorageSettings
from tests.support.postgres import PostgresServer

FAKE_KEY_ID = "fake-r2-access-key-id"
FAKE_SECRET = "fake-r2-secret-access-key"
_names = itertools.count()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="auto",
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.fixture
def storage(s3_endpoint: str) -> StorageSettings:
    """A fresh bucket per test, created the way R2 expects (region auto)."""
    bucket = f"crm-backups-{next(_names)}"
    s3_client(s3_endpoint).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "auto"}
    )
    return StorageSettings(
        endpoint_url=s3_endpoint,
        bucket=bucket,
        access_key_id=FAKE_KEY_ID,
        secret_access_key=FAKE_SECRET,
        region="auto",
        prefix="postgres",
        part_size=5 * 1024 * 1024,
    )


@pytest.fixture
def source_db(postgres_server: PostgresServer) -> Iterator[str]:
    name = f"crm_src_{next(_names)}"
    dsn = postgres_server.create_database(name)
    yield dsn
    postgres_server.drop_database(name)


def backup_settings(storage: StorageSettings, dsn: str) -> BackupSettings:
    return BackupSettings(
        storage=storage, database_url=dsn, schemas=("public",), lock_wait_timeout_s=60
    )


def storage_env(storage: StorageSettings) -> dict[str, str]:
    return {
        "BACKUP_S3_ENDPOINT": storage.endpoint_url,
        "BACKUP_S3_BUCKET": storage.bucket,
        "BACKUP_S3_ACCESS_KEY_ID": storage.access_key_id,
        "BACKUP_S3_SECRET_ACCESS_KEY": storage.secret_access_key,
        "BACKUP_PREFIX": storage.prefix,
        "BACKUP_PART_SIZE_MIB": str(storage.part_size // (1024 * 1024)),
    }

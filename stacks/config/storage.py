"""R2 storage: bucket names, location, backup retention and the operator's S3 credentials."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.baseline import BACKUP_RETENTION_MIN_DAYS
from stacks.config.reader import (
    Reader,
    label_check,
)

_R2_LOCATIONS = ("apac", "eeur", "enam", "weur", "wnam", "oc")


@dataclass(frozen=True)
class R2Config:
    location: str
    backup_retention_days: int
    uploads_bucket: str
    backups_bucket: str
    # S3 credentials of an R2 token the operator (not the app) uses for lifecycle and CORS.
    access_key_id: pulumi.Output[str] | None
    secret_access_key: pulumi.Output[str] | None


def read_r2(reader: Reader, stack: str) -> R2Config:
    prefix = reader.string("r2.bucketPrefix", "careers-crm", check=label_check)
    return R2Config(
        location=reader.choice("r2.location", "enam", _R2_LOCATIONS),
        backup_retention_days=reader.integer(
            "r2.backupRetentionDays",
            BACKUP_RETENTION_MIN_DAYS,
            minimum=BACKUP_RETENTION_MIN_DAYS,
            maximum=3650,
        ),
        uploads_bucket=f"{prefix}-{stack}-uploads",
        backups_bucket=f"{prefix}-{stack}-backups",
        access_key_id=reader.secret("r2.accessKeyId"),
        secret_access_key=reader.secret("r2.secretAccessKey"),
    )

"""The CRM's R2 storage: student documents (`uploads`) and database dumps (`backups`).

R2 has no object versioning. Backups are protected instead by a bucket lock (objects cannot
be deleted or overwritten before the retention), immutable dated keys written by the backup
job, and a lifecycle that expires them after the retention.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_cloudflare as cloudflare

from infra.r2.s3_provider import r2_endpoint, r2_s3_provider
from infra.r2.tokens import BucketToken, object_read_write_groups

DAY = 86_400
AbortMultipart = aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgsDict


@dataclass(frozen=True)
class StorageArgs:
    account_id: str
    location: str
    uploads_bucket: str
    backups_bucket: str
    backup_retention_days: int
    web_origin: str
    operator_access_key_id: pulumi.Input[str]
    operator_secret_access_key: pulumi.Input[str]


class Storage(pulumi.ComponentResource):
    uploads_bucket: pulumi.Output[str]
    backups_bucket: pulumi.Output[str]
    s3_endpoint: pulumi.Output[str]

    def __init__(
        self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:storage:Storage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Buckets hold data: `pulumi destroy` or a rename must not delete them.
        keep = pulumi.ResourceOptions(parent=self, protect=True)

        uploads = cloudflare.R2Bucket(
            f"{name}-uploads",
            account_id=args.account_id,
            name=args.uploads_bucket,
            location=args.location,
            storage_class="Standard",
            opts=keep,
        )
        backups = cloudflare.R2Bucket(
            f"{name}-backups",
            account_id=args.account_id,
            name=args.backups_bucket,
            location=args.location,
            storage_class="Standard",
            opts=keep,
        )
        self.buckets = [uploads, backups]

        # The r2.dev URL is rate limited and public: neither bucket is served from it.
        for label, bucket in (("uploads", uploads), ("backups", backups)):
            cloudflare.R2ManagedDomain(
                f"{name}-{label}-r2dev",
                account_id=args.account_id,
                bucket_name=bucket.name,
                enabled=False,
                opts=child,
            )

        retention = args.backup_retention_days * DAY
        self.backups_lock = cloudflare.R2BucketLock(
            f"{name}-backups-lock",
            account_id=args.account_id,
            bucket_name=backups.name,
            rules=[
                {
                    "id": "retain-every-backup",
                    "enabled": True,
                    "prefix": "",
                    "condition": {"type": "Age", "max_age_seconds": retention},
                }
            ],
            opts=child,
        )

        s3 = r2_s3_provider(
            f"{name}-r2-s3",
            args.account_id,
            args.operator_access_key_id,
            args.operator_secret_access_key,
            opts=child,
        )
        on_r2 = pulumi.ResourceOptions(parent=self, provider=s3)
        abort_multipart: AbortMultipart = {"days_after_initiation": 1}
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-backups-lifecycle",
            bucket=backups.name,
            rules=[
                {
                    "id": "expire-after-retention",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    # The lock keeps each object for the retention; expiry follows a day later.
                    "expiration": {"days": args.backup_retention_days + 1},
                    "abort_incomplete_multipart_upload": abort_multipart,
                }
            ],
            opts=pulumi.ResourceOptions.merge(
                on_r2, pulumi.ResourceOptions(depends_on=[self.backups_lock])
            ),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-uploads-lifecycle",
            bucket=uploads.name,
            rules=[
                {
                    "id": "abort-incomplete-uploads",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "abort_incomplete_multipart_upload": abort_multipart,
                }
            ],
            opts=on_r2,
        )
        aws.s3.BucketCorsConfiguration(
            f"{name}-uploads-cors",
            bucket=uploads.name,
            cors_rules=[
                {
                    "allowed_origins": [args.web_origin],
                    "allowed_methods": ["GET", "PUT", "HEAD"],
                    "allowed_headers": ["content-type", "content-md5"],
                    "expose_headers": ["etag"],
                    "max_age_seconds": 3600,
                }
            ],
            opts=on_r2,
        )

        read_write = object_read_write_groups(pulumi.InvokeOptions(parent=self))
        self.app_token = BucketToken(
            f"{name}-app-uploads", args.account_id, uploads.name, read_write, opts=child
        )
        self.backup_token = BucketToken(
            f"{name}-backup-writer", args.account_id, backups.name, read_write, opts=child
        )

        self.uploads_bucket = uploads.name
        self.backups_bucket = backups.name
        self.s3_endpoint = pulumi.Output.from_input(r2_endpoint(args.account_id))
        self.register_outputs(
            {
                "uploads_bucket": self.uploads_bucket,
                "backups_bucket": self.backups_bucket,
                "s3_endpoint": self.s3_endpoint,
                "app_access_key_id": self.app_token.access_key_id,
                "app_secret_access_key": self.app_token.secret_access_key,
            }
        )

"""Cloudflare API tokens scoped to one R2 bucket, usable as S3 credentials.

R2's S3 access key id is the token's id and the secret access key is the SHA-256 of the
token's value (Cloudflare R2 docs, "Authentication"), so the app gets bucket-scoped S3
credentials without an account-wide key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import pulumi
import pulumi_cloudflare as cloudflare

BUCKET_ITEM_READ = "Workers R2 Storage Bucket Item Read"
BUCKET_ITEM_WRITE = "Workers R2 Storage Bucket Item Write"
R2_BUCKET_SCOPE = "com.cloudflare.edge.r2.bucket"
PermissionGroup = cloudflare.outputs.GetApiTokenPermissionGroupsListResultResult


def bucket_resource(account_id: str, bucket: str) -> str:
    return f"{R2_BUCKET_SCOPE}.{account_id}_default_{bucket}"


def permission_group_id(name: str, opts: pulumi.InvokeOptions | None = None) -> pulumi.Output[str]:
    """Look the permission group id up by name: ids are Cloudflare's, names are documented."""
    found = cloudflare.get_api_token_permission_groups_list_output(
        name=name, scope=R2_BUCKET_SCOPE, opts=opts
    )

    def first(results: Sequence[PermissionGroup]) -> str:
        if not results:
            raise ValueError(f"Cloudflare has no API token permission group named {name!r}")
        return results[0].id

    return found.results.apply(first)


def object_read_write_groups(opts: pulumi.InvokeOptions | None = None) -> list[pulumi.Output[str]]:
    """The ids of R2's object read and write permission groups (looked up once per stack)."""
    return [permission_group_id(g, opts) for g in (BUCKET_ITEM_READ, BUCKET_ITEM_WRITE)]


class BucketToken(pulumi.ComponentResource):
    """An API token limited to reading and writing objects of one bucket."""

    access_key_id: pulumi.Output[str]
    secret_access_key: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        account_id: str,
        bucket: pulumi.Input[str],
        permission_group_ids: Sequence[pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("crm:r2:BucketToken", name, None, opts)
        resources = pulumi.Output.from_input(bucket).apply(
            lambda b: json.dumps({bucket_resource(account_id, b): "*"}, sort_keys=True)
        )
        groups: list[cloudflare.ApiTokenPolicyPermissionGroupArgsDict] = [
            {"id": group_id} for group_id in permission_group_ids
        ]
        policy: cloudflare.ApiTokenPolicyArgsDict = {
            "effect": "allow",
            "permission_groups": groups,
            "resources": resources,
        }
        self.token = cloudflare.ApiToken(
            name,
            name=f"{name} (R2 object read/write)",
            policies=[policy],
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["value"]),
        )
        self.access_key_id = pulumi.Output.secret(self.token.id)
        self.secret_access_key = pulumi.Output.secret(
            self.token.value.apply(lambda v: hashlib.sha256(v.encode()).hexdigest())
        )
        self.register_outputs(
            {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key}
        )

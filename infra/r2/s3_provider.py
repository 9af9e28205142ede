"""An AWS provider aimed at R2's S3 endpoint.

R2 implements CORS and lifecycle but not versioning, object lock, bucket policies or
public-access blocks; only resources that call what R2 implements may use this provider.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def r2_endpoint(account_id: str) -> str:
    return f"https://{account_id}.r2.cloudflarestorage.com"


def r2_s3_provider(
    name: str,
    account_id: str,
    access_key_id: pulumi.Input[str],
    secret_access_key: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None = None,
) -> aws.Provider:
    return aws.Provider(
        name,
        region="us-east-1",  # R2 treats us-east-1 as an alias of `auto`
        access_key=access_key_id,
        secret_key=secret_access_key,
        endpoints=[aws.ProviderEndpointArgs(s3=r2_endpoint(account_id))],
        s3_use_path_style=True,
        skip_credentials_validation=True,
        skip_region_validation=True,
        skip_requesting_account_id=True,
        skip_metadata_api_check=True,
        opts=opts,
    )

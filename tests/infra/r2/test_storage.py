"""R2 storage under mocks: protected buckets, no r2.dev, locked backups, lifecycle and CORS
through the R2-aimed AWS provider, and bucket-scoped tokens."""

from __future__ import annotations

import json

from tests.support.plan import prod_graph

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
R2_ONLY_FORBIDDEN = (
    "aws:s3/bucketVersioning",
    "aws:s3/bucketObjectLockConfiguration",
    "aws:s3/bucketPolicy",
    "aws:s3/bucketPublicAccessBlock",
)


def test_data_buckets_are_protected_and_named_per_stack() -> None:
    graph = prod_graph()
    buckets = graph.of_type("cloudflare:index/r2Bucket:R2Bucket")
    assert sorted(b["inputs"]["name"] for b in buckets) == [
        "careers-crm-prod-backups",
        "careers-crm-prod-uploads",
    ]
    for bucket in buckets:
        assert graph.options[bucket["urn"]]["protect"] is True
        assert bucket["inputs"]["location"] == "enam"


def test_r2_dev_public_access_is_off_for_every_bucket() -> None:
    domains = prod_graph().of_type("cloudflare:index/r2ManagedDomain:R2ManagedDomain")
    assert len(domains) == 2
    assert all(d["inputs"]["enabled"] is False for d in domains)


def test_backups_are_locked_for_the_retention() -> None:
    lock = prod_graph().named("storage-backups-lock")["inputs"]
    assert lock["bucketName"] == "careers-crm-prod-backups"
    [rule] = lock["rules"]
    assert rule["enabled"] is True and rule["prefix"] == ""
    assert rule["condition"] == {"type": "Age", "maxAgeSeconds": 30 * 86_400}


def test_lifecycle_expires_backups_and_aborts_multipart_uploads() -> None:
    graph = prod_graph()
    backups = graph.named("storage-backups-lifecycle")["inputs"]["rules"][0]
    assert backups["expiration"]["days"] == 31
    assert backups["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1
    uploads = graph.named("storage-uploads-lifecycle")["inputs"]["rules"][0]
    assert uploads["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1
    assert "expiration" not in uploads


def test_cors_allows_only_the_web_origin() -> None:
    rule = prod_graph().named("storage-uploads-cors")["inputs"]["corsRules"][0]
    assert rule["allowedOrigins"] == ["https://app.careers.example.edu"]
    assert "*" not in json.dumps(rule["allowedOrigins"])
    assert set(rule["allowedMethods"]) == {"GET", "PUT", "HEAD"}


def test_s3_resources_go_through_the_r2_provider_only() -> None:
    graph = prod_graph()
    provider = graph.named("storage-r2-s3")
    endpoints = json.loads(provider["inputs"]["endpoints"])
    assert endpoints == [
        {"s3": "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com"}
    ]
    assert provider["inputs"]["s3UsePathStyle"] == "true"
    assert provider["inputs"]["skipRequestingAccountId"] == "true"
    for resource in graph.resources:
        if resource["type"].startswith("aws:"):
            assert resource["provider"] == provider["urn"]
            assert not resource["type"].startswith(R2_ONLY_FORBIDDEN)


def test_no_versioning_resource_is_declared() -> None:
    types = {r["type"] for r in prod_graph().resources}
    assert not any("ersioning" in t or "ObjectLock" in t for t in types)


def test_app_token_is_scoped_to_the_uploads_bucket() -> None:
    [token] = [
        t
        for t in prod_graph().of_type("cloudflare:index/apiToken:ApiToken")
        if t["name"] == "storage-app-uploads"
    ]
    [policy] = token["inputs"]["policies"]
    assert policy["effect"] == "allow"
    resources = json.loads(policy["resources"])
    assert list(resources) == [
        "com.cloudflare.edge.r2.bucket.0123456789abcdef0123456789abcdef_default_"
        "careers-crm-prod-uploads"
    ]
    assert len(policy["permissionGroups"]) == 2

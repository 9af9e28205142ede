"""Cloudflare R2 rules: no public r2.dev URL, locked backups, lifecycle, CORS, and no S3
resource R2 does not implement (versioning, object lock, bucket policy, public access block)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from policies import controls as c
from policies.evidence import Evidence
from policies.model import Rule, Violation
from policies.rules._define import CRITICAL, HIGH, MANDATORY, MEDIUM, resource_rule, stack_rule
from policies.rules._props import as_list, get, number, of_type
from policies.settings import schema, setting

RULES: list[Rule] = []

R2_BUCKET = "cloudflare:index/r2Bucket:R2Bucket"
R2_MANAGED_DOMAIN = "cloudflare:index/r2ManagedDomain:R2ManagedDomain"
R2_LOCK = "cloudflare:index/r2BucketLock:R2BucketLock"
R2_CORS = "cloudflare:index/r2BucketCors:R2BucketCors"
R2_LIFECYCLE = "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle"
S3_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_LIFECYCLE_V2 = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
S3_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
S3_CORS_V2 = "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"
_BUCKET_READ = "the S3 Bucket resource (its read calls versioning and policy APIs)"
R2_UNSUPPORTED = {
    "aws:s3/bucketVersioning:BucketVersioning": "versioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "versioning",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "object lock",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": "object lock",
    "aws:s3/bucketPolicy:BucketPolicy": "bucket policies",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "public access blocks",
    "aws:s3/bucket:Bucket": _BUCKET_READ,
    "aws:s3/bucketV2:BucketV2": _BUCKET_READ,
}
DAY = 86_400


def _bucket_names(args: StackValidationArgs) -> dict[str, PolicyResource]:
    return {str(get(r.props, "name")): r for r in of_type(args, R2_BUCKET)}


def _is_backups(name: str) -> bool:
    return "backup" in name.lower()


@resource_rule(
    RULES,
    id="CRM-R2-001",
    title="r2.dev public access is off",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[R2_MANAGED_DOMAIN],
    controls=[c.CIS_3_3, c.SOC2_CC6_1],
    description="The r2.dev URL serves every object of a bucket to anyone, rate "
    "limited and outside the WAF; CRM buckets hold personal data.",
    remediation="Set enabled=false on the bucket's R2ManagedDomain.",
)
def r2_dev_off(args: ResourceValidationArgs) -> Iterator[Violation]:
    if get(args.props, "enabled") is not False:
        yield Violation(
            f"r2.dev access for bucket {get(args.props, 'bucketName')} is on",
            path="enabled",
            actual=get(args.props, "enabled"),
            required=False,
        )


def _lock_retention(lock: PolicyResource) -> float | None:
    """Longest whole-bucket retention in seconds (inf for Indefinite), None if none."""
    best: float | None = None
    for rule in as_list(get(lock.props, "rules")):
        if get(rule, "enabled") is False or get(rule, "prefix") not in (None, ""):
            continue
        kind = get(rule, "condition.type")
        if kind == "Indefinite":
            return float("inf")
        seconds = number(get(rule, "condition.maxAgeSeconds"))
        if kind == "Age" and seconds is not None:
            best = seconds if best is None else max(best, seconds)
    return best


@stack_rule(
    RULES,
    id="CRM-R2-002",
    title="Backups bucket is locked for the retention",
    severity=CRITICAL,
    enforcement=MANDATORY,
    controls=[c.CIS_11_3, c.SOC2_A1_2],
    description="R2 has no versioning: a bucket lock is what stops a leaked key or a bad "
    "job from deleting or overwriting backups before the retention ends.",
    remediation="Add an R2BucketLock on the backups bucket with an enabled rule for the "
    "whole bucket (prefix '') of type Age, maxAgeSeconds >= the minimum.",
    config=schema("backupRetentionMinDays"),
)
def backups_locked(args: StackValidationArgs) -> Iterator[Violation]:
    minimum = float(setting(args.get_config(), "backupRetentionMinDays")) * DAY
    for name, bucket in _bucket_names(args).items():
        if not _is_backups(name):
            continue
        locks = [r for r in of_type(args, R2_LOCK) if get(r.props, "bucketName") == name]
        retention = max((x for x in map(_lock_retention, locks) if x is not None), default=None)
        if retention is None or retention < minimum:
            yield Violation(
                f"backups bucket {name} is not locked for {minimum / DAY:.0f} days",
                path="R2BucketLock.rules[].condition.maxAgeSeconds",
                actual="no lock" if retention is None else retention,
                required=f">= {minimum:.0f}",
                urn=(locks[0] if locks else bucket).urn,
            )


def _lifecycles(args: StackValidationArgs, bucket: str) -> list[PolicyResource]:
    return [
        r
        for r in of_type(args, S3_LIFECYCLE, S3_LIFECYCLE_V2, R2_LIFECYCLE)
        if get(r.props, "bucket") == bucket or get(r.props, "bucketName") == bucket
    ]


def _aborts_multipart(lifecycle: PolicyResource) -> bool:
    for rule in as_list(get(lifecycle.props, "rules")):
        if lifecycle.resource_type == R2_LIFECYCLE:
            if get(rule, "enabled") is not False and get(rule, "abortMultipartUploadsTransition"):
                return True
        elif (
            get(rule, "status") == "Enabled"
            and number(get(rule, "abortIncompleteMultipartUpload.daysAfterInitiation")) is not None
        ):
            return True
    return False


@stack_rule(
    RULES,
    id="CRM-R2-003",
    title="Lifecycle aborts incomplete multipart uploads",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.CIS_4_1, c.SOC2_A1_2],
    description="Abandoned multipart uploads are invisible, billed storage; on the free "
    "tier they eat the 10 GB quota the backups need.",
    remediation="Give each bucket an enabled lifecycle rule with "
    "abort_incomplete_multipart_upload.days_after_initiation.",
)
def aborts_multipart(args: StackValidationArgs) -> Iterator[Violation]:
    for name, bucket in _bucket_names(args).items():
        lifecycles = _lifecycles(args, name)
        if not any(_aborts_multipart(lc) for lc in lifecycles):
            yield Violation(
                f"bucket {name} never aborts incomplete multipart uploads",
                path="rules[].abortIncompleteMultipartUpload",
                actual="absent",
                required="enabled rule with daysAfterInitiation",
                urn=(lifecycles[0] if lifecycles else bucket).urn,
            )


def _wildcard(origin: Any) -> bool:
    return isinstance(origin, str) and "*" in origin


@resource_rule(
    RULES,
    id="CRM-R2-004",
    title="CORS never allows any origin",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[S3_CORS, S3_CORS_V2, R2_CORS],
    controls=[c.ASVS_14_5_3, c.SOC2_CC6_6],
    description="Uploads carry student documents; only the CRM's own web origin may "
    "read or write them from a browser.",
    remediation="List the exact web origin(s) in allowed_origins; never '*'.",
)
def cors_origins(args: ResourceValidationArgs) -> Iterator[Violation]:
    rules = as_list(get(args.props, "corsRules")) or as_list(get(args.props, "rules"))
    for i, rule in enumerate(rules):
        origins = as_list(get(rule, "allowedOrigins")) or as_list(get(rule, "allowed.origins"))
        bad = [o for o in origins if _wildcard(o)]
        if bad:
            yield Violation(
                f"CORS rule {i} allows origin(s) {bad}",
                path=f"corsRules.{i}.allowedOrigins",
                actual=origins,
                required="explicit https origins, no '*'",
            )


def _r2_provider(args: ResourceValidationArgs) -> bool:
    provider = args.provider
    if provider is None:
        return False
    endpoints = get(provider.props, "endpoints")
    if isinstance(endpoints, str):  # provider config reaches the engine JSON-encoded
        try:
            endpoints = json.loads(endpoints)
        except json.JSONDecodeError:
            return "r2.cloudflarestorage.com" in endpoints
    endpoints = as_list(endpoints)
    return any("r2.cloudflarestorage.com" in str(get(e, "s3", "")) for e in endpoints)


@resource_rule(
    RULES,
    id="CRM-R2-005",
    title="No S3 feature R2 does not implement",
    severity=MEDIUM,
    enforcement=MANDATORY,
    types=R2_UNSUPPORTED.keys(),
    controls=[c.CIS_4_1, c.SOC2_CC8_1],
    description="R2 does not implement S3 versioning, object lock, bucket policies or "
    "public access blocks; such a resource aimed at R2 fails at `up` (or "
    "pretends to protect data it does not). Use R2 bucket locks instead.",
    remediation="Remove the resource; use R2BucketLock / R2 lifecycle for protection.",
)
def no_unsupported_s3(args: ResourceValidationArgs) -> Iterator[Violation]:
    if _r2_provider(args):
        feature = R2_UNSUPPORTED[args.resource_type]
        yield Violation(
            f"{args.name} uses {feature}, which R2 does not implement",
            path="provider.endpoints.s3",
            actual=args.resource_type,
            required="only lifecycle and CORS resources on the R2 S3 provider",
        )


@resource_rule(
    RULES,
    id="CRM-R2-006",
    title="Data buckets are protected from deletion",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[R2_BUCKET],
    controls=[c.CIS_11_3, c.SOC2_A1_2],
    description="A rename or `pulumi destroy` must not delete student documents or "
    "backups: buckets carry the `protect` resource option.",
    remediation="Create the bucket with ResourceOptions(protect=True).",
)
def buckets_protected(args: ResourceValidationArgs) -> Iterator[Violation | Evidence]:
    yield Evidence(str(get(args.props, "name")), "opts.protect", bool(args.opts.protect), args.urn)
    if not args.opts.protect:
        yield Violation(
            f"bucket {get(args.props, 'name')} can be deleted by Pulumi",
            path="opts.protect",
            actual=False,
            required=True,
        )

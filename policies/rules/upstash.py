"""Upstash Redis rules: TLS in transit, the free plan's features only, next to the API."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from infra.upstash.regions import FREE_PLAN_FORBIDDEN, RAILWAY_TO_UPSTASH
from policies import controls as c
from policies.model import Rule, Violation
from policies.rules._define import HIGH, MANDATORY, MEDIUM, resource_rule, stack_rule
from policies.rules._props import as_list, get, of_type
from policies.settings import stack_value

RULES: list[Rule] = []

REDIS = "upstash:index/redisDatabase:RedisDatabase"
RAILWAY_INSTANCE = "pulumi-python:dynamic/railway:ServiceInstance"


@resource_rule(
    RULES,
    id="CRM-REDIS-001",
    title="Redis traffic is encrypted (TLS)",
    severity=HIGH,
    enforcement=MANDATORY,
    types=[REDIS],
    controls=[c.ASVS_9_2_2, c.CIS_3_10, c.SOC2_CC6_7],
    description="The cache holds student records and the database password travels on "
    "every connection: the API reaches Upstash over the internet, so TLS is required.",
    remediation="Set tls=True on the RedisDatabase (and connect with rediss://).",
)
def redis_tls(args: ResourceValidationArgs) -> Iterator[Violation]:
    if get(args.props, "tls") is not True:
        yield Violation(
            f"Upstash database {get(args.props, 'databaseName')} does not require TLS",
            path="tls",
            actual=get(args.props, "tls"),
            required=True,
        )


@resource_rule(
    RULES,
    id="CRM-REDIS-002",
    title="A free Upstash database uses only free features",
    severity=MEDIUM,
    enforcement=MANDATORY,
    types=[REDIS],
    controls=[c.SOC2_A1_2],
    description="On the free plan (upstash.plan: free) auto-scaling upgrades the database "
    "to a paid plan, and the Prod Pack and read regions bill: the $0 promise breaks "
    "silently. Eviction must be declared so a full database evicts cache keys instead "
    "of refusing writes.",
    remediation="Keep auto_scale and prod_pack off and read_regions empty, set eviction "
    "explicitly, or set upstash.plan to the paid plan the account is on.",
)
def free_plan(args: ResourceValidationArgs) -> Iterator[Violation]:
    plan = str(stack_value(args.get_config(), "upstash.plan") or "free")
    if plan == "free":
        for key, why in sorted(FREE_PLAN_FORBIDDEN.items()):
            value = get(args.props, key)
            if value not in (None, False) and as_list(value) != []:
                yield Violation(
                    f"{key} {why}, but upstash.plan is free",
                    path=key,
                    actual=value,
                    required="off / empty on the free plan",
                )
    if get(args.props, "eviction") is None:
        yield Violation(
            "eviction is not declared: the database's behaviour when full is left to defaults",
            path="eviction",
            actual=None,
            required="eviction=True (cache) or False, stated",
        )


@stack_rule(
    RULES,
    id="CRM-REDIS-003",
    title="Redis sits next to the API",
    severity=MEDIUM,
    enforcement=MANDATORY,
    controls=[c.SOC2_A1_2],
    description="Every cached read and rate-limit check is a round trip from the API; a "
    "database across an ocean adds 70-150 ms to each, which alone breaks the p95 target.",
    remediation="Derive primary_region from the Railway region "
    "(infra/upstash/regions.py RAILWAY_TO_UPSTASH).",
)
def redis_near_api(args: StackValidationArgs) -> Iterator[Violation]:
    regions = {str(get(r.props, "region")) for r in of_type(args, RAILWAY_INSTANCE)}
    wanted = {RAILWAY_TO_UPSTASH[r] for r in regions if r in RAILWAY_TO_UPSTASH}
    for db in of_type(args, REDIS):
        primary = get(db.props, "primaryRegion") or get(db.props, "region")
        if wanted and primary not in wanted:
            yield Violation(
                f"Upstash database in {primary}, the API runs in Railway {sorted(regions)}",
                path="primaryRegion",
                actual=primary,
                required=sorted(wanted),
                urn=db.urn,
            )

"""Policy pack settings: limits that depend on the plan we buy, not on the rule.

Each setting is declared once with a default; rules that need one declare it in their
CrossGuard config schema, so `pulumi preview --policy-pack-config` and the offline
evaluator's `--config` (same file format: `{"<policy id>": {"<setting>": value}}`) agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.baseline import BACKUP_RETENTION_MIN_DAYS, POSTGREST_MAX_ROWS

SETTINGS: dict[str, dict[str, Any]] = {
    # No schema default: when unset, the stack's own cloudflare.plan config decides.
    "cloudflarePlan": {
        "type": "string",
        "enum": ["free", "pro", "business", "enterprise"],
        "description": "Override of the zone's Cloudflare plan (default: the stack's "
        "cloudflare.plan config, else free); sets WAF and rate-limit limits.",
    },
    "backupRetentionMinDays": {
        "type": "integer",
        "minimum": 1,
        "default": BACKUP_RETENTION_MIN_DAYS,
        "description": "Minimum age, in days, an object in the backups bucket stays locked.",
    },
    "postgrestMaxRows": {
        "type": "integer",
        "minimum": 1,
        "default": POSTGREST_MAX_ROWS,
        "description": "Largest PostgREST max_rows we accept.",
    },
}


def schema(*names: str) -> dict[str, dict[str, Any]]:
    return {name: SETTINGS[name] for name in names}


def setting(config: Mapping[str, Any], name: str) -> Any:
    """The configured value, or the declared default when the pack config leaves it out."""
    value = config.get(name)
    return SETTINGS[name]["default"] if value is None else value


# What Cloudflare accepts per plan (developers.cloudflare.com/waf, Nov 2026).
CLOUDFLARE_PLAN_LIMITS: dict[str, dict[str, Any]] = {
    "free": {
        "custom_rules": 5,
        "rate_limit_rules": 1,
        "rate_limit_periods": (10,),
        "mitigation_timeouts": (10,),
        "required_characteristics": ("cf.colo.id", "ip.src"),
        "regex": False,
    },
    "pro": {
        "custom_rules": 20,
        "rate_limit_rules": 2,
        "rate_limit_periods": (10, 60),
        "mitigation_timeouts": (10, 60, 3600),
        "required_characteristics": ("cf.colo.id", "ip.src"),
        "regex": False,
    },
    "business": {
        "custom_rules": 100,
        "rate_limit_rules": 5,
        "rate_limit_periods": (10, 60, 120, 300, 600),
        "mitigation_timeouts": (10, 60, 120, 300, 600, 3600, 86400),
        "required_characteristics": ("cf.colo.id", "ip.src"),
        "regex": True,
    },
    "enterprise": {
        "custom_rules": 1000,
        "rate_limit_rules": 100,
        "rate_limit_periods": (10, 60, 120, 300, 600, 3600),
        "mitigation_timeouts": (10, 60, 120, 300, 600, 3600, 86400),
        "required_characteristics": ("cf.colo.id",),
        "regex": True,
    },
}


DEFAULT_PLAN = "free"  # the strictest limits
STACK_CONFIG_KEY = "stackConfig"
"""Rule config key under which the offline adapter passes the stack file's `config:` block;
inside the engine the stack's config reaches the analyzer as PULUMI_CONFIG instead."""


def _engine_config() -> Mapping[str, Any]:
    try:
        import pulumi.runtime

        return dict(pulumi.runtime.get_config_env())
    except Exception:  # no engine, no config: the caller falls back to defaults
        return {}


def stack_value(config: Mapping[str, Any], name: str) -> Any:
    """A stack config value by its name within the project (e.g. `cloudflare.plan`)."""
    stack = config.get(STACK_CONFIG_KEY)
    source = stack if isinstance(stack, Mapping) else _engine_config()
    for key, value in source.items():
        if str(key).endswith(f":{name}"):
            return value
    return None


def cloudflare_plan(config: Mapping[str, Any]) -> str:
    """The configured plan: explicit policy config, else the stack's cloudflare.plan, else free."""
    plan = config.get("cloudflarePlan") or stack_value(config, "cloudflare.plan")
    plan = str(plan or DEFAULT_PLAN)
    return plan if plan in CLOUDFLARE_PLAN_LIMITS else DEFAULT_PLAN

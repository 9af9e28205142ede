"""Stack config: valid prod loads; every problem is reported together, with key and fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi.runtime.config import set_all_config

from stacks import config as stack_config
from stacks.offline.stack_files import load_stack_settings
from tests.support.config import load_with, problems

ROOT = Path(__file__).resolve().parents[2]


def test_prod_config_loads_typed_and_frozen() -> None:
    cfg = load_with()
    assert cfg.dns.api_hostname == "api.careers.example.edu"
    assert cfg.dns.web_origin == "https://app.careers.example.edu"
    assert cfg.cloudflare.plan == "free"
    assert cfg.r2.backup_retention_days == 30
    assert cfg.r2.backups_bucket == "careers-crm-prod-backups"
    assert len(cfg.cloudflare.rate_limits) == 1
    with pytest.raises(AttributeError):
        cfg.dns.domain = "evil.example"  # type: ignore[misc]


def test_every_problem_is_listed_in_one_error() -> None:
    found = problems(
        **{
            "domain": "Not A Domain",
            "cloudflare.zoneId": None,
            "cloudflare.accountId": "xyz",
            "cloudflare.hstsMaxAge": "one year",
            "cloudflare.plan": "platinum",
            "r2.backupRetentionDays": "2",
        }
    )
    keys = [p.split(":")[1] for p in found]
    assert keys == [
        "domain",
        "cloudflare.accountId",
        "cloudflare.zoneId",
        "cloudflare.hstsMaxAge",
        "cloudflare.plan",
        "r2.backupRetentionDays",
    ] or sorted(keys) == sorted(
        [
            "domain",
            "cloudflare.plan",
            "cloudflare.accountId",
            "cloudflare.zoneId",
            "cloudflare.hstsMaxAge",
            "r2.backupRetentionDays",
        ]
    )
    text = "\n".join(found)
    assert "is required but not set" in text
    assert "must be one of free, pro, business, enterprise" in text
    assert "must be a whole number" in text
    assert "must be at least 7" in text


def test_error_message_names_each_key_and_how_to_set_it() -> None:
    with pytest.raises(stack_config.ConfigError) as caught:
        load_with(domain="bad domain")
    message = str(caught.value)
    assert "careers-crm:domain" in message
    assert "pulumi config set careers-crm:<key>" in message
    assert "Traceback" not in message


def test_second_rate_limit_rule_is_refused_on_the_free_plan() -> None:
    two = json.dumps(
        [
            {
                "name": "auth",
                "paths": ["/auth/*"],
                "requestsPerPeriod": 20,
                "period": 10,
                "mitigationTimeout": 10,
            },
            {
                "name": "api",
                "paths": ["/v1/*"],
                "requestsPerPeriod": 200,
                "period": 10,
                "mitigationTimeout": 10,
            },
        ]
    )
    found = problems(**{"cloudflare.rateLimits": two})
    assert any("has 2 rules but the Cloudflare free plan allows 1" in p for p in found)


def test_free_plan_period_and_timeout_limits() -> None:
    rule = json.dumps(
        [
            {
                "name": "api",
                "paths": ["/v1/*"],
                "requestsPerPeriod": 50,
                "period": 60,
                "mitigationTimeout": 3600,
            }
        ]
    )
    found = problems(**{"cloudflare.rateLimits": rule})
    assert any(
        "period: must be one of [10] seconds on the Cloudflare free plan" in p for p in found
    )
    assert any("mitigationTimeout: must be one of [10] seconds" in p for p in found)


def test_business_plan_allows_what_free_refuses() -> None:
    rules = json.dumps(
        [
            {
                "name": "auth",
                "paths": ["/auth/*"],
                "requestsPerPeriod": 20,
                "period": 60,
                "mitigationTimeout": 600,
            },
            {
                "name": "api",
                "paths": ["/v1/*"],
                "requestsPerPeriod": 600,
                "period": 60,
                "mitigationTimeout": 60,
            },
        ]
    )
    cfg = load_with(**{"cloudflare.plan": "business", "cloudflare.rateLimits": rules})
    assert [r.period for r in cfg.cloudflare.rate_limits] == [60, 60]


def test_malformed_rate_limit_fields_are_named() -> None:
    rule = json.dumps(
        [{"name": "", "paths": ["v1"], "requestsPerPeriod": 0, "period": 10, "action": "explode"}]
    )
    found = problems(**{"cloudflare.rateLimits": rule})
    text = "\n".join(found)
    for field in ("[0].name", "[0].paths", "[0].requestsPerPeriod", "[0].action"):
        assert field in text


def test_missing_secret_is_reported_without_its_value() -> None:
    settings = load_stack_settings(ROOT, "prod")
    config = {k: v for k, v in settings.config.items() if k != "careers-crm:r2.accessKeyId"}
    set_all_config(config, [k for k in settings.secret_keys if k != "careers-crm:r2.accessKeyId"])
    with pytest.raises(stack_config.ConfigError) as caught:
        stack_config.load(stack="prod")
    assert any("r2.accessKeyId: secret is required" in p for p in caught.value.problems)
    assert "offline-fake" not in str(caught.value)


def test_prod_reviewers_are_required() -> None:
    found = problems(**{"github.prodReviewers": "[]"})
    assert any("github.prodReviewers" in p for p in found)

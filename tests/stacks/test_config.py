"""Stack config: valid prod loads; every problem is reported together, with key and fix."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pulumi.runtime.config import set_all_config

from stacks import config as stack_config
from stacks.config.validate import ensure_event_loop
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
    assert "must be at least 30" in text


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
    ensure_event_loop()
    with pytest.raises(stack_config.ConfigError) as caught:
        stack_config.load(stack="prod")
    assert any("r2.accessKeyId: secret is required" in p for p in caught.value.problems)
    assert "offline-fake" not in str(caught.value)


def test_prod_reviewers_are_required() -> None:
    found = problems(**{"github.prodReviewers": "[]"})
    assert any("github.prodReviewers" in p for p in found)


def test_a_misspelled_key_is_an_error_with_a_suggestion() -> None:
    """`careers-crm:cloudfare.plan` used to be ignored, and the plan silently stayed free."""
    found = problems(**{"cloudfare.plan": "pro", "r2.backupRetentionDay": "40"})
    assert (
        "careers-crm:cloudfare.plan: is not a setting of this project; "
        "did you mean 'cloudflare.plan'?" in found[0] + found[1]
    )
    assert any("did you mean 'r2.backupRetentionDays'?" in p for p in found)


def test_other_namespaces_are_not_ours_to_judge() -> None:
    settings = load_stack_settings(ROOT, "prod")
    config = {**settings.config, "github:owner": "careers-crm", "aws:region": "auto"}
    set_all_config(config, settings.secret_keys)
    ensure_event_loop()
    assert stack_config.load(stack="prod").stack == "prod"


def test_config_loads_after_a_caller_left_no_event_loop() -> None:
    """`asyncio.run()` leaves the thread without a loop; secrets are Outputs and need one (CI
    failed on this when xdist ran an async test first on the same worker)."""
    asyncio.run(asyncio.sleep(0))
    assert any("github.prodReviewers" in p for p in problems(**{"github.prodReviewers": "[]"}))


def test_an_unknown_field_in_a_rate_limit_rule_is_an_error() -> None:
    rules = [
        {
            "name": "API",
            "paths": ["/students*"],
            "requestsPerPeriod": 100,
            "period": 10,
            "mitigationTimeout": 10,
            "requestPerPeriod": 5,
        }
    ]
    found = problems(**{"cloudflare.rateLimits": json.dumps(rules)})
    assert found == [
        "careers-crm:cloudflare.rateLimits[0].requestPerPeriod: is not a field here; did you "
        "mean 'requestsPerPeriod'?; fields are action, mitigationTimeout, name, paths, period, "
        "requestsPerPeriod"
    ]


@pytest.mark.parametrize(
    ("key", "value", "limit"),
    [
        ("r2.backupRetentionDays", "10", "must be at least 30"),
        ("supabase.passwordMinLength", "8", "must be at least 12"),
        ("supabase.jwtExpiry", "86400", "must be at most 3600"),
        ("supabase.maxRows", "5000", "must be at most 1000"),
    ],
)
def test_config_refuses_what_the_policy_pack_would_block(key: str, value: str, limit: str) -> None:
    """A retention of 10 days used to be accepted by config and then blocked by the audit."""
    assert [p for p in problems(**{key: value}) if key in p] == [
        f"careers-crm:{key}: {limit}, got {value}"
    ]


def test_the_baseline_numbers_are_the_policy_packs() -> None:
    from infra import baseline
    from policies.settings import SETTINGS

    assert SETTINGS["backupRetentionMinDays"]["default"] == baseline.BACKUP_RETENTION_MIN_DAYS
    assert SETTINGS["postgrestMaxRows"]["default"] == baseline.POSTGREST_MAX_ROWS


def test_stack_names_are_checked_against_the_stacks_that_exist() -> None:
    from stacks.config.declared import stack_problem

    assert stack_problem("prod") is None
    assert stack_problem("dev") == (
        "STACK='dev' has no Pulumi.dev.yaml; existing stacks: prod "
        "(create one with `pulumi stack init dev`)"
    )


def test_make_dashboards_validates_the_stack_like_the_program(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`make dashboards` skipped config validation and `STACK=dev` printed a traceback."""
    from dashboards.render import main

    assert main(["--out", str(tmp_path), "--stack", "dev"]) == 2
    assert "existing stacks: prod" in capsys.readouterr().err
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.prod.yaml").write_text(
        (ROOT / "Pulumi.prod.yaml").read_text() + "  careers-crm:r2.backupRetentionDay: 40\n"
    )
    from dashboards.render import stack_inputs

    with pytest.raises(stack_config.ConfigError, match=r"did you mean 'r2\.backupRetentionDays'"):
        stack_inputs("prod", tmp_path)


def test_a_rate_limit_path_cloudflare_would_reject_is_refused() -> None:
    rules = [
        {
            "name": "API",
            "paths": ["/students**"],
            "requestsPerPeriod": 100,
            "period": 10,
            "mitigationTimeout": 10,
        }
    ]
    assert problems(**{"cloudflare.rateLimits": json.dumps(rules)}) == [
        "careers-crm:cloudflare.rateLimits[0].paths: /students**: no '**', quote or backslash "
        "in a path"
    ]


def test_vendor_endpoints_are_https_or_loopback_only() -> None:
    """The local stack points the providers at stand-ins on 127.0.0.1; nothing else may take
    a token over plain http."""
    found = problems(
        **{
            "supabase.managementApiUrl": "http://api.supabase.example",
            "railway.apiUrl": "ftp://backboard.railway.com",
            "resend.apiUrl": "https://api.resend.com",
            "uptimeKuma.url": "http://10.0.0.5:3001",
            "github.prodReviewers": "[]",  # something else wrong, so load() raises
        }
    )
    text = "\n".join(found)
    for key in ("supabase.managementApiUrl", "railway.apiUrl", "uptimeKuma.url"):
        assert f"careers-crm:{key}: must be an https:// URL" in text
    assert "resend.apiUrl" not in text
    local = load_with(
        **{
            "supabase.managementApiUrl": "http://127.0.0.1:8123",
            "railway.apiUrl": "http://localhost:8124/graphql/v2",
            "uptimeKuma.url": "http://127.0.0.1:3001",
        }
    )
    assert local.uptime_kuma.url == "http://127.0.0.1:3001"
    assert local.supabase.management_api_url == "http://127.0.0.1:8123"

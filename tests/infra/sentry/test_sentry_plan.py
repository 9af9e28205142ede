"""Sentry as planned for prod: the project, a rate-limited client key whose DSN reaches both
services only as a secret, and two alerts posting where Grafana's contact point posts."""

from __future__ import annotations

import pulumi

from infra.sentry.project import SentryArgs, SentryProject
from stacks.offline.outputs import OfflineMocks
from tests.support.config import problems
from tests.support.plan import prod_graph

SENTRY = "sentry:index/"
RW = "pulumi-python:dynamic/railway:"


def test_project_key_and_alerts_are_declared_through_an_explicit_provider() -> None:
    graph = prod_graph()
    project = graph.named("sentry-project")
    assert project["inputs"]["slug"] == "careers-crm"
    assert project["inputs"]["teams"] == ["platform"]
    provider = graph.named("sentry-provider")
    assert provider["inputs"]["token"] == "[secret]"
    for name in ("sentry-project", "sentry-key", "sentry-new-issue", "sentry-error-burst"):
        assert graph.named(name)["provider"].startswith(provider["urn"])
    key = graph.named("sentry-key")["inputs"]
    assert (key["rateLimitCount"], key["rateLimitWindow"]) == (600, 3600)


def test_both_alerts_post_to_the_grafana_contact_point_channel() -> None:
    graph = prod_graph()
    contact = graph.of_type("grafana:alerting/contactPoint:ContactPoint")[0]["inputs"]
    assert "discords" in contact  # prod's webhookKind
    issue = graph.named("sentry-new-issue")["inputs"]
    assert issue["actions"] == [
        {
            "id": "sentry.integrations.discord.notify_action.DiscordNotifyServiceAction",
            "server": "100000",
            "channel_id": "100000000000000000",
        }
    ]
    conditions = {c["id"].rsplit(".", 1)[-1] for c in issue["conditions"]}
    assert conditions == {"FirstSeenEventCondition", "RegressionEventCondition"}
    metric = graph.named("sentry-error-burst")["inputs"]
    (trigger,) = metric["triggers"]
    assert trigger["actions"] == [
        {
            "type": "discord",
            "targetType": "specific",
            "targetIdentifier": "100000000000000000",
            "integrationId": 100000,
        }
    ]
    assert metric["aggregate"] == "count()" and metric["dataset"] == "events"


def test_dsn_reaches_api_and_worker_only_as_a_secret() -> None:
    """Written by Pulumi into Infisical prod:/api and prod:/worker (read at start), a secret;
    never a plain Railway variable."""
    graph = prod_graph()
    secrets = {
        (r["inputs"]["path"], r["inputs"]["name"]): r
        for r in graph.of_type("pulumi-python:dynamic/infisical:Secret")
    }
    for folder in ("/api", "/worker"):
        dsn = secrets[(folder, "SENTRY_DSN")]
        assert dsn["inputs"]["value"] == "[secret]" and dsn["inputs"]["sensitive"] is True
        assert graph.named("sentry-key")["urn"] in dsn["dependencies"]
    for service in ("railway-api-vars", "railway-worker-vars"):
        assert "SENTRY_DSN" not in graph.named(service)["inputs"]["variables"]
    assert "ingest.sentry.io" not in graph.text()  # the DSN never appears in plain text


@pulumi.runtime.test
def test_dsn_is_the_keys_public_dsn_and_secret() -> pulumi.Output[None]:
    pulumi.runtime.set_mocks(OfflineMocks(), preview=False)
    project = SentryProject(
        "t-sentry",
        SentryArgs(
            organization="org",
            team="team",
            project_slug="proj",
            auth_token="tok",
            channel_kind="slack",
            integration_id="7",
            channel="#crm-alerts",
        ),
    )

    def check(args: list[object]) -> None:
        dsn, public = args
        assert dsn == public and str(dsn).startswith("https://")

    return pulumi.Output.all(project.dsn, project.key.dsn_public).apply(check)


def test_sentry_config_mistakes_are_named() -> None:
    found = problems(
        **{
            "sentry.organization": "Not A Slug",
            "sentry.alertIntegrationId": "slack",
            "sentry.alertChannel": "#general",  # prod posts to Discord: needs a channel id
            "sentry.keyRateLimitPerHour": "0",
        }
    )
    for key in (
        "sentry.organization",
        "sentry.alertIntegrationId",
        "sentry.alertChannel",
        "sentry.keyRateLimitPerHour",
    ):
        assert any(p.startswith(f"careers-crm:{key}:") for p in found), key

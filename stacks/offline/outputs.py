"""Realistic computed outputs for the offline plan, by resource type token.

A computed output the mocks do not return is silently missing downstream, so every type
the program registers gets the outputs its real provider computes (ids in the provider's
format, hostnames, account-derived values). Values derive from the resource name only, so
the plan is byte-identical run after run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pulumi

Outputs = dict[str, Any]
ResourceMock = Callable[[str, Outputs], tuple[str, Outputs]]
CallMock = Callable[[dict[str, Any]], Outputs]


def hex_id(*parts: str, length: int = 32) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def number_id(*parts: str) -> int:
    return int(hex_id(*parts, length=8), 16) % 900_000_000 + 100_000_000


def _cloudflare_id(typ: str) -> ResourceMock:
    return lambda name, inputs: (hex_id(typ, name), {})


def _api_token(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    token_id = hex_id("apitoken", name)
    # Obviously fake; it only ever travels as a secret.
    return token_id, {
        "value": f"offline-fake-token-{hex_id('value', name, length=12)}",
        "status": "active",
    }


def _r2_bucket(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    return str(inputs.get("name", name)), {
        "creationDate": "2026-11-01T00:00:00Z",
        "storageClass": "Standard",
    }


def _dns_record(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    return hex_id("dns", name), {"proxiable": True, "createdOn": "2026-11-01T00:00:00Z"}


def _github_repository(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    repo = str(inputs.get("name", name))
    owner = "careers-crm"
    return repo, {
        "fullName": f"{owner}/{repo}",
        "nodeId": f"R_kgDO{hex_id('repo', repo, length=8)}",
        "repoId": number_id("repo", repo),
        "defaultBranch": "main",
        "htmlUrl": f"https://github.com/{owner}/{repo}",
        "gitCloneUrl": f"git://github.com/{owner}/{repo}.git",
    }


def _github_ruleset(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    rid = number_id("ruleset", name)
    return str(rid), {"rulesetId": rid, "nodeId": f"RRS_lACk{hex_id('rs', name, length=8)}"}


def _uuid(*parts: str) -> str:
    """Railway ids are UUIDs."""
    h = hex_id(*parts)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _railway_custom_domain(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    domain = str(inputs.get("domain", name))
    target = f"{hex_id('railway-cname', domain, length=8)}.up.railway.app"
    return _uuid("cdomain", name), {
        "dns_target": target,
        "dns_records": [
            {
                "type": "CNAME",
                "name": domain,
                "value": target,
                "purpose": "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
            }
        ],
    }


def _railway_service_domain(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    domain = (
        f"{name.removeprefix('railway-').removesuffix('-domain')}-production-"
        f"{hex_id('sd', name, length=4)}.up.railway.app"
    )
    return _uuid("sdomain", name), {"domain": domain, "url": f"https://{domain}"}


def _supabase_settings(kind: str) -> ResourceMock:
    """Supabase settings: id <ref>/<kind>; outputs echo the inputs plus the secret hashes."""
    return lambda name, inputs: (
        f"{inputs.get('project_ref')}/{kind.lower()}",
        {"secret_hashes": {}},
    )


def _vercel_domain_config(args: dict[str, Any]) -> Outputs:
    domain = str(args.get("domain", ""))
    return {
        "id": domain,
        "domain": domain,
        "misconfigured": False,
        "projectIdOrName": str(args.get("projectIdOrName", "")),
        "teamId": "",
        "recommendedCname": f"{hex_id('vercel', domain, length=16)}.vercel-dns-017.com.",
        "recommendedIpv4s": ["76.76.21.21"],
    }


def _grafana_dashboard(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    uid = str(json.loads(str(inputs.get("configJson", "{}"))).get("uid", name))
    return f"1:{uid}", {
        "uid": uid,
        "dashboardId": number_id("dashboard", uid) % 10_000,
        "version": 1,
        "url": f"https://careerscrm.grafana.net/d/{uid}",
    }


def _grafana_data_source(args: dict[str, Any]) -> Outputs:
    """Grafana Cloud's hosted Prometheus, as the data source lookup returns it."""
    uid = str(args.get("uid", "grafanacloud-prom"))
    return {
        "id": f"1:{uid}",
        "uid": uid,
        "type": "prometheus",
        "orgId": "1",
        "name": "grafanacloud-careerscrm-prom",
        "isDefault": True,
        "accessMode": "proxy",
        "url": "https://prometheus-prod-13-prod-us-east-0.grafana.net/api/prom",
    }


def _kuma_numbered(field: str) -> ResourceMock:
    """Uptime Kuma ids are small SQLite row ids."""

    def mock(name: str, inputs: Outputs) -> tuple[str, Outputs]:
        number = number_id("kuma", name) % 500 + 1
        return str(number), {field: number}

    return mock


def _sentry_key(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    """A DSN of the documented shape https://<public key>@o<org id>.ingest.sentry.io/<project>."""
    public = hex_id("sentry-public", name, length=32)
    project = number_id("sentry-project", str(inputs.get("project"))) % 10_000_000
    dsn = f"https://{public}@o1000001.ingest.sentry.io/{project}"
    return public, {
        "public": public,
        "secret": f"offline-fake-{hex_id('sentry-secret', name, length=32)}",
        "dsnPublic": dsn,
        "dsnSecret": dsn.replace("@", ":offline-fake@", 1),
        "projectId": project,
    }


_DEPLOYMENT_POLICY = (
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
)
_PERMISSION_GROUPS_CALL = (
    "cloudflare:index/getApiTokenPermissionGroupsList:getApiTokenPermissionGroupsList"
)

# Infisical (dynamic, infra/infisical/): ids are UUIDs; secrets the API returns are fakes.
_INF = "pulumi-python:dynamic/infisical:"
INFISICAL_RESOURCES: dict[str, ResourceMock] = {
    f"{_INF}Project": lambda name, inputs: (
        _uuid("inf-project", name),
        {"project_id": _uuid("inf-project", name)},
    ),
    **{
        f"{_INF}{kind}": (lambda k: lambda name, inputs: (_uuid(f"inf-{k}", name), {}))(kind)
        for kind in (
            "Environment",
            "Folder",
            "Identity",
            "OidcAuth",
            "ProjectRole",
            "IdentityMembership",
        )
    },
    f"{_INF}UniversalAuth": lambda name, inputs: (
        _uuid("inf-ua", name),
        {"client_id": _uuid("inf-client-id", name)},
    ),
    f"{_INF}ClientSecret": lambda name, inputs: (
        _uuid("inf-cs", name),
        {
            "client_secret": f"offline-fake-client-secret-{hex_id('cs', name, length=12)}",
            "client_secret_id": _uuid("inf-cs", name),
        },
    ),
    f"{_INF}Secret": lambda name, inputs: (
        _uuid("inf-secret", name),
        {"value_sha256": hex_id("inf-secret-value", name, length=64)},
    ),
}

# Observability: Grafana Cloud and Uptime Kuma (dynamic, infra/uptime_kuma/).
OBSERVABILITY_RESOURCES: dict[str, ResourceMock] = {
    "grafana:oss/folder:Folder": lambda name, inputs: (
        str(inputs.get("uid", name)),
        {"url": f"https://careerscrm.grafana.net/dashboards/f/{inputs.get('uid', name)}"},
    ),
    "grafana:oss/dashboard:Dashboard": _grafana_dashboard,
    "grafana:alerting/contactPoint:ContactPoint": lambda name, inputs: (
        str(inputs.get("name", name)),
        {},
    ),
    "grafana:alerting/notificationPolicy:NotificationPolicy": lambda name, inputs: ("policy", {}),
    "grafana:alerting/ruleGroup:RuleGroup": lambda name, inputs: (
        f"{inputs.get('folderUid')}:{inputs.get('name')}",
        {"orgId": "1"},
    ),
    "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob": (
        lambda name, inputs: (f"{inputs.get('stackId')}:{inputs.get('name')}", {})
    ),
    # Telemetry: the Grafana Cloud access policy and token, the Sentry project and its key.
    "grafana:cloud/accessPolicy:AccessPolicy": lambda name, inputs: (
        f"{inputs.get('region')}:{hex_id('ap', name, length=24)}",
        {"policyId": hex_id("ap", name, length=24)},
    ),
    "grafana:cloud/accessPolicyToken:AccessPolicyToken": lambda name, inputs: (
        f"{inputs.get('region')}:{hex_id('apt', name, length=24)}",
        {"token": f"glc_offline-fake-{hex_id('apt-token', name, length=32)}"},
    ),
    "sentry:index/sentryProject:SentryProject": lambda name, inputs: (
        f"{inputs.get('organization')}/{inputs.get('slug')}",
        {"projectId": str(number_id("sentry-project", name) % 10_000_000), "internalId": "1"},
    ),
    "sentry:index/sentryKey:SentryKey": _sentry_key,
    "sentry:index/sentryIssueAlert:SentryIssueAlert": lambda name, inputs: (
        str(number_id("sentry-rule", name) % 1_000_000),
        {},
    ),
    "sentry:index/sentryMetricAlert:SentryMetricAlert": lambda name, inputs: (
        str(number_id("sentry-alert", name) % 1_000_000),
        {},
    ),
    "pulumi-python:dynamic/uptimekuma:Notification": _kuma_numbered("notification_id"),
    "pulumi-python:dynamic/uptimekuma:Monitor": _kuma_numbered("monitor_id"),
    "pulumi-python:dynamic/uptimekuma:StatusPage": lambda name, inputs: (
        str(inputs.get("slug", name)),
        {},
    ),
}


def _resend_domain(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    """What Resend's POST /domains answers (records relative to the domain, as documented)."""
    region = str(inputs.get("region", "us-east-1"))
    path = str(inputs.get("return_path", "send"))
    dkim = "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ" + hex_id("dkim", name, length=40)
    return _uuid("resend-domain", name), {
        "status": "not_started",
        "records": [
            {
                "record": "DKIM",
                "name": "resend._domainkey",
                "type": "TXT",
                "ttl": "Auto",
                "status": "not_started",
                "value": dkim,
            },
            {
                "record": "SPF",
                "name": path,
                "type": "MX",
                "ttl": "Auto",
                "priority": 10,
                "status": "not_started",
                "value": f"feedback-smtp.{region}.amazonses.com",
            },
            {
                "record": "SPF",
                "name": path,
                "type": "TXT",
                "ttl": "Auto",
                "status": "not_started",
                "value": "v=spf1 include:amazonses.com ~all",
            },
        ],
    }


# Email: Resend's sending domain, its verification and the bounce webhook (infra/resend/).
EMAIL_RESOURCES: dict[str, ResourceMock] = {
    "pulumi-python:dynamic/resend:Domain": _resend_domain,
    "pulumi-python:dynamic/resend:DomainVerification": lambda name, inputs: (
        f"{inputs.get('domain_id')}/verification",
        {"status": "verified"},
    ),
    "pulumi-python:dynamic/resend:Webhook": lambda name, inputs: (
        _uuid("resend-webhook", name),
        {"signing_secret": f"whsec_offlinefake{hex_id('whsec', name, length=24)}"},
    ),
}


RESOURCES: dict[str, ResourceMock] = {
    # Supabase settings: id is <ref>/<kind>, outputs echo the inputs plus secret hashes.
    **{
        f"pulumi-python:dynamic/supabase:{kind}": _supabase_settings(kind)
        for kind in (
            "AuthConfig",
            "SslEnforcement",
            "NetworkRestrictions",
            "PostgrestConfig",
            "PostgresConfig",
        )
    },
    "pulumi-python:dynamic/railway:Project": lambda name, inputs: (
        str(inputs.get("adopt_id") or _uuid("project", name)),
        {"owned": not inputs.get("adopt_id")},
    ),
    "pulumi-python:dynamic/railway:Environment": lambda name, inputs: (
        _uuid("env", name),
        {"owned": False},
    ),
    "pulumi-python:dynamic/railway:Service": lambda name, inputs: (_uuid("service", name), {}),
    "pulumi-python:dynamic/railway:ServiceInstance": lambda name, inputs: (
        f"{inputs.get('service_id')}/{inputs.get('environment_id')}",
        {},
    ),
    "pulumi-python:dynamic/railway:Variables": lambda name, inputs: (
        f"{inputs.get('service_id')}/{inputs.get('environment_id')}/variables",
        {},
    ),
    "pulumi-python:dynamic/railway:CustomDomain": _railway_custom_domain,
    "pulumi-python:dynamic/railway:ServiceDomain": _railway_service_domain,
    "pulumi-python:dynamic/railway:AutoDeploy": lambda name, inputs: (
        f"{inputs.get('service_id')}/{inputs.get('environment_id')}/auto-deploy",
        {},
    ),
    "pulumi-python:dynamic/railway:Volume": lambda name, inputs: (
        _uuid("volume", name),
        {"name": "uptime-kuma-volume"},
    ),
    "vercel:index/project:Project": lambda name, inputs: (
        f"prj_{hex_id('vercel-project', name, length=28)}",
        {"teamId": "team_offline"},
    ),
    "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": lambda name, inputs: (
        hex_id("vercel-env", name, length=16),
        {"teamId": "team_offline"},
    ),
    "vercel:index/projectDomain:ProjectDomain": lambda name, inputs: (
        str(inputs.get("domain", name)),
        {"teamId": "team_offline", "verified": True, "misconfigured": False},
    ),
    "cloudflare:index/zoneSetting:ZoneSetting": lambda name, inputs: (
        str(inputs.get("settingId", name)),
        {"editable": True},
    ),
    "cloudflare:index/dnsRecord:DnsRecord": _dns_record,
    "cloudflare:index/ruleset:Ruleset": _cloudflare_id("ruleset"),
    "cloudflare:index/r2Bucket:R2Bucket": _r2_bucket,
    "cloudflare:index/r2ManagedDomain:R2ManagedDomain": lambda name, inputs: (
        str(inputs.get("bucketName", name)),
        {"domain": f"pub-{hex_id('r2dev', name)}.r2.dev", "bucketId": hex_id("b", name)},
    ),
    "cloudflare:index/r2BucketLock:R2BucketLock": lambda name, inputs: (
        str(inputs.get("bucketName", name)),
        {},
    ),
    "cloudflare:index/apiToken:ApiToken": _api_token,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": lambda name, inputs: (
        str(inputs.get("bucket", name)),
        {},
    ),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": lambda name, inputs: (
        str(inputs.get("bucket", name)),
        {},
    ),
    "github:index/repository:Repository": _github_repository,
    "github:index/repositoryRuleset:RepositoryRuleset": _github_ruleset,
    _DEPLOYMENT_POLICY: lambda name, inputs: (
        f"{inputs.get('repository')}:{inputs.get('environment')}:"
        f"{number_id('deployment-policy', name)}",
        {},
    ),
    "github:index/repositoryEnvironment:RepositoryEnvironment": lambda name, inputs: (
        f"{inputs.get('repository')}:{inputs.get('environment')}",
        {},
    ),
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": lambda name, inputs: (
        f"{inputs.get('repository')}:{inputs.get('environment')}:{inputs.get('secretName')}",
        {"createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"},
    ),
    "upstash:index/redisDatabase:RedisDatabase": lambda name, inputs: _upstash_redis(name, inputs),
    **OBSERVABILITY_RESOURCES,
    **INFISICAL_RESOURCES,
    **EMAIL_RESOURCES,
}


def _upstash_redis(name: str, inputs: Outputs) -> tuple[str, Outputs]:
    """Upstash answers with the TLS endpoint, port 6379 and a generated password."""
    database_id = f"{hex_id('upstash', name, length=8)}-{hex_id('upstash-id', name, length=4)}"
    return database_id, {
        "databaseId": database_id,
        "endpoint": f"{name}-{hex_id('endpoint', name, length=5)}.upstash.io",
        "port": 6379,
        # Obviously fake; the provider marks it secret, and so does the URL built from it.
        "password": f"offline-fake-redis-{hex_id('password', name, length=12)}",
        "state": "active",
        "databaseType": "Pay as You Go",
    }


# Permission group ids as Cloudflare publishes them ("API token permissions" reference).
_PERMISSION_GROUPS = {
    "Workers R2 Storage Bucket Item Read": "6a018a9f2fc74eb6b293b0c548f38b39",
    "Workers R2 Storage Bucket Item Write": "2efd5506f9c8494dacb1fa10a3e7d5b6",
}


def _permission_groups(args: dict[str, Any]) -> Outputs:
    name = str(args.get("name", ""))
    found = (
        [{"id": _PERMISSION_GROUPS[name], "name": name, "scopes": [str(args.get("scope", ""))]}]
        if name in _PERMISSION_GROUPS
        else []
    )
    return {"results": found, "id": hex_id("pg", name)}


def _github_user(args: dict[str, Any]) -> Outputs:
    login = str(args.get("username", ""))
    uid = number_id("user", login)
    return {
        "id": str(uid),
        "login": login,
        "nodeId": f"U_kgDO{hex_id('u', login, length=8)}",
        "name": login,
        "email": "",
    }


CALLS: dict[str, CallMock] = {
    _PERMISSION_GROUPS_CALL: _permission_groups,
    "github:index/getUser:getUser": _github_user,
    "vercel:index/getDomainConfig:getDomainConfig": _vercel_domain_config,
    "grafana:oss/getDataSource:getDataSource": _grafana_data_source,
}


class OfflineMocks(pulumi.runtime.Mocks):
    """Answers every registration with the outputs its real provider would compute."""

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        mock = RESOURCES.get(args.typ)
        inputs = dict(args.inputs)
        if mock is None:
            return f"{args.name}-id", inputs
        resource_id, computed = mock(args.name, inputs)
        return resource_id, {**inputs, **computed}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        mock = CALLS.get(args.token)
        if mock is None:
            raise KeyError(
                f"offline plan has no mock for the call {args.token}: "
                "add one to stacks/offline/outputs.py"
            )
        return mock(dict(args.args)), []

"""Dynamic providers for Railway: project, environment, service, instance settings, variables,
service and custom domains, volume.

Rules every provider follows:
- create looks before it leaps: it first looks the object up (by name, domain or mount path) and
  adopts what a half-failed earlier `up` left behind, so a retry never duplicates;
- outputs carry the ids later steps need, so each CRUD call costs one or two requests
  (Railway Free allows 100 requests/hour);
- the token comes from stack config in `configure()`; it is never an input, pickled or stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

import pulumi
from pulumi.dynamic import (
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from infra.http_api.connection import Connection
from infra.http_api.errors import ApiNotFoundError, ApiResponseError
from infra.http_api.transport import RetryPolicy
from infra.railway.client import (
    DEFAULT_ENDPOINT,
    ENDPOINT_CONFIG_KEY,
    TOKEN_CONFIG_KEY,
    RailwayClient,
    edges,
)

TOKEN_ENV = "RAILWAY_API_TOKEN"
TRAFFIC_ROUTE = "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE"


def _public(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}


def _int(value: Any) -> Any:
    """The engine hands numbers over as floats; GraphQL Int rejects 3.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _changed(olds: dict[str, Any], news: dict[str, Any], fields: Iterable[str]) -> list[str]:
    return [f for f in fields if _int(olds.get(f)) != _int(news.get(f))]


def _already_gone_is_fine() -> contextlib.suppress:
    """A delete whose object is already gone (deleted by hand, or a lost reply) succeeded."""
    return contextlib.suppress(ApiNotFoundError)


class RailwayProvider(ResourceProvider):
    """Shared plumbing: configuration, client construction, field-by-field diff."""

    replace_fields: tuple[str, ...] = ()
    update_fields: tuple[str, ...] = ()

    def __init__(self, *, endpoint: str = DEFAULT_ENDPOINT, policy: RetryPolicy | None = None):
        super().__init__()
        self.api = Connection(
            token_key=TOKEN_CONFIG_KEY,
            token_env=TOKEN_ENV,
            url_key=ENDPOINT_CONFIG_KEY,
            base_url=endpoint,
        )
        self.policy = policy or RetryPolicy()

    def configure(self, req: ConfigureRequest) -> None:
        self.api.configure(req.config)

    def client(self) -> RailwayClient:
        return RailwayClient(self.api.token, endpoint=self.api.base_url, policy=self.policy)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = _changed(olds, news, self.replace_fields)
        updates = _changed(olds, news, self.update_fields)
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            stables=[],
            delete_before_replace=False,
        )


class ProjectProvider(RailwayProvider):
    """Creates the project, or adopts an existing one by id (`adopt_id`) or by its unique name."""

    replace_fields = ("adopt_id", "workspace_id")

    def create(self, props: dict[str, Any]) -> CreateResult:
        name, adopt_id = str(props["name"]), props.get("adopt_id")
        workspace_id = props.get("workspace_id") or None
        with self.client() as client:
            if adopt_id:
                project = client.project(str(adopt_id))
                owned = False
            else:
                same = [p for p in client.projects(workspace_id) if p.get("name") == name]
                if len(same) > 1:
                    raise ApiResponseError(
                        "ProjectCreate",
                        f"{len(same)} Railway projects are named {name!r}; set "
                        "`careers-crm:railway.projectId` to the one to adopt",
                    )
                project = (
                    same[0]
                    if same
                    else client.project_create(
                        name,
                        workspace_id=workspace_id,
                        description=str(props.get("description", "")),
                    )
                )
                owned = True
        return CreateResult(str(project["id"]), {**_public(props), "owned": owned})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            project = client.project(id_)
        return ReadResult(id_, {**_public(props), "name": project["name"]})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if not props.get("owned"):
            pulumi.log.warn(f"Railway project {id_} was adopted, not created: left in place.")
            return
        with self.client() as client, _already_gone_is_fine():
            client.project_delete(id_)


class EnvironmentProvider(RailwayProvider):
    """Uses the named environment (Railway makes `production` with the project) or creates it."""

    replace_fields = ("project_id", "name")

    def create(self, props: dict[str, Any]) -> CreateResult:
        project_id, name = str(props["project_id"]), str(props["name"])
        with self.client() as client:
            project = client.project(project_id)
            found = [e for e in edges(project.get("environments")) if e["name"] == name]
            environment = found[0] if found else client.environment_create(project_id, name)
        return CreateResult(str(environment["id"]), {**_public(props), "owned": not found})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            project = client.project(str(props["project_id"]))
        names = {e["id"]: e["name"] for e in edges(project.get("environments"))}
        return ReadResult(id_, {**_public(props), "name": names.get(id_, props.get("name"))})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if not props.get("owned"):
            pulumi.log.warn(f"Railway environment {id_} came with the project: left in place.")
            return
        with self.client() as client, _already_gone_is_fine():
            client.environment_delete(id_)


class ServiceProvider(RailwayProvider):
    """A service from the GitHub repository (repo + branch) or from a container image."""

    replace_fields = ("project_id", "name")
    update_fields = ("repo", "branch", "image")

    def create(self, props: dict[str, Any]) -> CreateResult:
        project_id, name = str(props["project_id"]), str(props["name"])
        repo, branch, image = props.get("repo"), props.get("branch"), props.get("image")
        with self.client() as client:
            project = client.project(project_id)
            found = [s for s in edges(project.get("services")) if s["name"] == name]
            if found:  # left by a half-failed create: adopt, and make sure of its source
                service = found[0]
                client.service_connect(str(service["id"]), repo=repo, branch=branch, image=image)
            else:
                service = client.service_create(
                    project_id,
                    name,
                    environment_id=props.get("environment_id"),
                    repo=repo,
                    branch=branch,
                    image=image,
                )
        return CreateResult(str(service["id"]), _public(props))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with self.client() as client:
            client.service_connect(
                id_, repo=news.get("repo"), branch=news.get("branch"), image=news.get("image")
            )
        return UpdateResult(_public(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            instance = client.service_instance(id_, str(props["environment_id"]))
        source = instance.get("source") or {}
        outs = {**_public(props), "repo": source.get("repo"), "image": source.get("image")}
        return ReadResult(id_, {k: v for k, v in outs.items() if v is not None})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, _already_gone_is_fine():
            client.service_delete(id_)


class AutoDeployProvider(RailwayProvider):
    """Whether Railway deploys every push of the branch by itself (its GitHub trigger).

    Off for prod: deploys go through the guarded deploy workflow (prod approval, migrations,
    /readyz wait); a trigger would ship every merge to main around that gate.
    """

    replace_fields = ("service_id", "environment_id")
    update_fields = ("enabled", "repo", "branch", "check_suites", "root_directory")

    def _sync(self, props: dict[str, Any]) -> None:
        service_id, environment_id = str(props["service_id"]), str(props["environment_id"])
        with self.client() as client:
            triggers = [
                t
                for t in client.service_triggers(service_id)
                if t.get("environmentId") == environment_id
            ]
            if props.get("enabled"):
                if not triggers:
                    client.deployment_trigger_create(
                        str(props["project_id"]),
                        environment_id,
                        service_id,
                        repository=str(props["repo"]),
                        branch=str(props["branch"]),
                        root_directory=props.get("root_directory"),
                        check_suites=bool(props.get("check_suites", True)),
                    )
                return
            for trigger in triggers:
                with _already_gone_is_fine():
                    client.deployment_trigger_delete(str(trigger["id"]))

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._sync(props)  # converges: a retried create finds the triggers already gone
        return CreateResult(
            f"{props['service_id']}/{props['environment_id']}/auto-deploy", _public(props)
        )

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._sync(news)
        return UpdateResult(_public(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            triggers = client.service_triggers(str(props["service_id"]))
        live = any(t.get("environmentId") == props["environment_id"] for t in triggers)
        return ReadResult(id_, {**_public(props), "enabled": live})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        pulumi.log.warn(f"Railway auto-deploy {id_}: left as it is on the service.")


INSTANCE_SETTINGS = (
    "healthcheckPath",
    "healthcheckTimeout",
    "numReplicas",
    "region",
    "startCommand",
    "restartPolicyType",
    "restartPolicyMaxRetries",
    "rootDirectory",
    "sleepApplication",
    "railwayConfigFile",
)


class ServiceInstanceProvider(RailwayProvider):
    """Deploy settings of a service in an environment (health check, replicas, region...)."""

    replace_fields = ("service_id", "environment_id")
    update_fields = INSTANCE_SETTINGS

    def _apply(self, props: dict[str, Any]) -> None:
        settings = {k: _int(props[k]) for k in INSTANCE_SETTINGS if props.get(k) is not None}
        with self.client() as client:
            client.service_instance_update(
                str(props["service_id"]), str(props["environment_id"]), settings
            )

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._apply(props)  # idempotent: a retried create converges
        return CreateResult(f"{props['service_id']}/{props['environment_id']}", _public(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._apply(news)
        return UpdateResult(_public(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            live = client.service_instance(str(props["service_id"]), str(props["environment_id"]))
        outs = _public(props)
        for name in INSTANCE_SETTINGS:
            if name in props:
                outs[name] = live.get(name)
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        pulumi.log.warn(f"Railway service settings {id_}: left as they are on the service.")


class VariablesProvider(RailwayProvider):
    """Service variables: plain and secret maps, upserted in one request per change."""

    replace_fields = ("project_id", "environment_id", "service_id")
    update_fields = ("variables", "secret_variables")

    @staticmethod
    def _all(props: dict[str, Any]) -> dict[str, str]:
        merged = dict(props.get("variables") or {})
        merged.update(props.get("secret_variables") or {})
        return {str(k): str(v) for k, v in merged.items()}

    @staticmethod
    def _where(props: dict[str, Any]) -> tuple[str, str, str]:
        return str(props["project_id"]), str(props["environment_id"]), str(props["service_id"])

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client() as client:
            client.variable_collection_upsert(*self._where(props), self._all(props))
        _project_id, environment_id, service_id = self._where(props)
        return CreateResult(f"{service_id}/{environment_id}/variables", _public(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = self._all(olds), self._all(news)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        with self.client() as client:
            if changed:
                client.variable_collection_upsert(*self._where(news), changed)
            for name in sorted(set(old) - set(new)):
                client.variable_delete(*self._where(news), name)
        return UpdateResult(_public(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            live = client.variables(*self._where(props))
        outs = _public(props)
        for group in ("variables", "secret_variables"):
            managed = props.get(group) or {}
            outs[group] = {k: live[k] for k in managed if k in live}
        return ReadResult(id_, outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        with self.client() as client:
            for name in sorted(self._all(props)):
                with _already_gone_is_fine():
                    client.variable_delete(*self._where(props), name)


class ServiceDomainProvider(RailwayProvider):
    """The service's `*.up.railway.app` domain (adopted if the service already has one)."""

    replace_fields = ("service_id", "environment_id", "target_port")

    def create(self, props: dict[str, Any]) -> CreateResult:
        project_id, environment_id, service_id = (
            str(props["project_id"]),
            str(props["environment_id"]),
            str(props["service_id"]),
        )
        with self.client() as client:
            existing = client.domains(project_id, environment_id, service_id)["serviceDomains"]
            domain = (
                existing[0]
                if existing
                else client.service_domain_create(
                    service_id, environment_id, _int(props.get("target_port"))
                )
            )
        outs = {**_public(props), "domain": domain["domain"], "url": f"https://{domain['domain']}"}
        return CreateResult(str(domain["id"]), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            live = client.domains(
                str(props["project_id"]), str(props["environment_id"]), str(props["service_id"])
            )
        found = [d for d in live["serviceDomains"] if d["id"] == id_]
        outs = _public(props)
        if found:
            outs.update(domain=found[0]["domain"], url=f"https://{found[0]['domain']}")
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, _already_gone_is_fine():
            client.service_domain_delete(id_)


def dns_target(records: list[dict[str, Any]], domain: str) -> str:
    """The CNAME value Railway requires for traffic to `domain` (feeds the Cloudflare record)."""
    for record in records:
        if (
            record.get("recordType") == "DNS_RECORD_TYPE_CNAME"
            and record.get("purpose") == TRAFFIC_ROUTE
        ):
            return str(record["requiredValue"])
    raise ApiResponseError(
        "CustomDomainCreate", f"Railway returned no CNAME traffic record for {domain}"
    )


class CustomDomainProvider(RailwayProvider):
    """Our API hostname on the service; outputs the DNS records Railway requires."""

    replace_fields = ("service_id", "environment_id", "domain", "target_port")

    def create(self, props: dict[str, Any]) -> CreateResult:
        project_id, environment_id, service_id = (
            str(props["project_id"]),
            str(props["environment_id"]),
            str(props["service_id"]),
        )
        name = str(props["domain"])
        with self.client() as client:
            existing = client.domains(project_id, environment_id, service_id)["customDomains"]
            found = [d for d in existing if d["domain"] == name]
            domain = (
                found[0]
                if found
                else client.custom_domain_create(
                    project_id, environment_id, service_id, name, _int(props.get("target_port"))
                )
            )
        return CreateResult(str(domain["id"]), self._outs(props, domain))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            live = client.domains(
                str(props["project_id"]), str(props["environment_id"]), str(props["service_id"])
            )
        found = [d for d in live["customDomains"] if d["id"] == id_]
        return ReadResult(id_, self._outs(props, found[0]) if found else _public(props))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, _already_gone_is_fine():
            client.custom_domain_delete(id_)

    @staticmethod
    def _outs(props: dict[str, Any], domain: dict[str, Any]) -> dict[str, Any]:
        records = [
            {
                "type": r["recordType"].removeprefix("DNS_RECORD_TYPE_"),
                "name": r["fqdn"],
                "value": r["requiredValue"],
                "purpose": r["purpose"],
            }
            for r in (domain.get("status") or {}).get("dnsRecords", [])
        ]
        return {
            **_public(props),
            "dns_records": records,
            "dns_target": dns_target(
                (domain.get("status") or {}).get("dnsRecords", []), str(domain["domain"])
            ),
        }


class VolumeProvider(RailwayProvider):
    """A persistent volume mounted into one service (Uptime Kuma's SQLite data)."""

    replace_fields = ("project_id", "environment_id", "service_id", "mount_path")

    @staticmethod
    def _find(project: dict[str, Any], props: dict[str, Any]) -> dict[str, Any] | None:
        for volume in edges(project.get("volumes")):
            for instance in edges(volume.get("volumeInstances")):
                if (
                    instance.get("serviceId") == props["service_id"]
                    and instance.get("mountPath") == props["mount_path"]
                ):
                    return volume
        return None

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.client() as client:
            project = client.project(str(props["project_id"]))
            volume = self._find(project, props) or client.volume_create(
                str(props["project_id"]),
                str(props["environment_id"]),
                str(props["service_id"]),
                str(props["mount_path"]),
            )
        return CreateResult(str(volume["id"]), {**_public(props), "name": volume["name"]})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.client() as client:
            project = client.project(str(props["project_id"]))
        volume = self._find(project, props)
        outs = _public(props)
        if volume is None:
            outs["mount_path"] = None  # detached or gone: the next `up` recreates it
        return ReadResult(id_, outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with self.client() as client, _already_gone_is_fine():
            client.volume_delete(id_)

"""A stateful fake of Railway's GraphQL API that EXECUTES each request against the published
schema: documents are validated, variables coerced as the server would (unknown input fields
are violations), and every reply is shaped by the schema itself (graphql-core executes the
query over this fake's state, so a selection the schema lacks cannot be answered).

Ids are UUIDs as Railway issues them; domains and DNS records look like Railway's replies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import graphql
import httpx

from tests.infra.railway import contract

WORKSPACE_ID = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
_NS = uuid.UUID("7a1d7f8e-3c2b-4a59-9e8d-1c2b3a4d5e6f")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def _connection(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "edges": [{"node": n, "cursor": n["id"]} for n in nodes],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False},
    }


class NotFound(Exception):
    pass


@dataclass
class FakeRailway:
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    instances: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)
    service_domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    volumes: dict[str, dict[str, Any]] = field(default_factory=dict)
    triggers: dict[str, dict[str, Any]] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)
    failures: list[Callable[[httpx.Request], httpx.Response]] = field(default_factory=list)
    # Carry out the named operation once, then lose its reply (HTTP 502): a half-failed create.
    lose_reply_of: str | None = None
    _counter: int = 0

    # -- HTTP entry ---------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert set(body) <= {"query", "variables", "operationName"}, body.keys()
        document = contract.validate_document(body["query"])
        variables = body.get("variables") or {}
        contract.validate_variables(document, variables)
        self.operations.append(body["operationName"])
        if self.failures:
            return self.failures.pop(0)(request)
        result = graphql.graphql_sync(
            contract.schema(),
            body["query"],
            root_value=self._root(),
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        reply: dict[str, Any] = {"data": result.data}
        if result.errors:
            reply["errors"] = [{"message": e.message, "path": e.path} for e in result.errors]
            unexpected = [e for e in result.errors if not isinstance(e.original_error, NotFound)]
            if unexpected:  # a reply the schema could not shape: our fake or document is wrong
                raise contract.ContractViolation("; ".join(e.message for e in unexpected))
        if self.lose_reply_of == body["operationName"]:
            self.lose_reply_of = None
            return httpx.Response(502, text="upstream connect error")
        return httpx.Response(200, json=reply)

    def _new_id(self, *parts: str) -> str:
        self._counter += 1
        return _id(*parts, str(self._counter))

    # -- views --------------------------------------------------------------------------------
    def _project_view(self, project_id: str) -> dict[str, Any]:
        if project_id not in self.projects:
            raise NotFound(f"Project {project_id} not found")
        project = self.projects[project_id]
        envs = [e for e in self.environments.values() if e["projectId"] == project_id]
        services = [s for s in self.services.values() if s["projectId"] == project_id]
        volumes = [
            {
                "id": v["id"],
                "name": v["name"],
                "volumeInstances": _connection(
                    [
                        {
                            "id": _id("vi", v["id"]),
                            "serviceId": v["serviceId"],
                            "environmentId": v["environmentId"],
                            "mountPath": v["mountPath"],
                        }
                    ]
                ),
            }
            for v in self.volumes.values()
            if v["projectId"] == project_id
        ]
        return {
            **project,
            "environments": _connection(envs),
            "services": _connection(services),
            "volumes": _connection(volumes),
        }

    def _domains(self, service_id: str, environment_id: str) -> dict[str, Any]:
        return {
            "serviceDomains": [
                d
                for d in self.service_domains.values()
                if d["serviceId"] == service_id and d["environmentId"] == environment_id
            ],
            "customDomains": [
                d
                for d in self.custom_domains.values()
                if d["serviceId"] == service_id and d["environmentId"] == environment_id
            ],
        }

    # -- resolvers ----------------------------------------------------------------------------
    def _root(self) -> dict[str, Any]:
        return {
            "project": lambda _info, id: self._project_view(id),
            "projects": lambda _info, **_kw: _connection(
                [{"id": p["id"], "name": p["name"]} for p in self.projects.values()]
            ),
            "projectCreate": lambda _info, input: self._project_create(input),
            "projectDelete": lambda _info, id: self._delete(self.projects, id),
            "environmentCreate": lambda _info, input: self._environment_create(
                input["projectId"], input["name"]
            ),
            "environmentDelete": lambda _info, id: self._delete(self.environments, id),
            "serviceCreate": lambda _info, input: self._service_create(input),
            "serviceConnect": lambda _info, id, input: self._service_connect(id, input),
            "serviceDelete": lambda _info, id, **_kw: self._delete(self.services, id),
            "serviceInstance": lambda _info, serviceId, environmentId: self._instance(
                serviceId, environmentId
            ),
            "serviceInstanceUpdate": lambda _info, serviceId, input, environmentId=None: (
                self._instance(serviceId, str(environmentId)).update(input) or True
            ),
            "variables": lambda _info, projectId, environmentId, serviceId=None, **_kw: dict(
                self.variables.get((projectId, environmentId, str(serviceId)), {})
            ),
            "variableCollectionUpsert": lambda _info, input: self._upsert(input),
            "variableDelete": lambda _info, input: self._variable_delete(input),
            "domains": lambda _info, projectId, environmentId, serviceId: self._domains(
                serviceId, environmentId
            ),
            "serviceDomainCreate": lambda _info, input: self._service_domain_create(input),
            "serviceDomainDelete": lambda _info, id: self._delete(self.service_domains, id),
            "customDomainCreate": lambda _info, input: self._custom_domain_create(input),
            "customDomainDelete": lambda _info, id: self._delete(self.custom_domains, id),
            "volumeCreate": lambda _info, input: self._volume_create(input),
            "volumeDelete": lambda _info, volumeId: self._delete(self.volumes, volumeId),
            "service": lambda _info, id: self._service_view(id),
            "deploymentTriggerCreate": lambda _info, input: self._trigger_create(input),
            "deploymentTriggerDelete": lambda _info, id: self._delete(self.triggers, id),
        }

    def _service_view(self, service_id: str) -> dict[str, Any]:
        if service_id not in self.services:
            raise NotFound(f"Service {service_id} not found")
        mine = [t for t in self.triggers.values() if t["serviceId"] == service_id]
        return {**self.services[service_id], "repoTriggers": _connection(mine)}

    def _trigger_create(self, data: dict[str, Any]) -> dict[str, Any]:
        trigger_id = self._new_id("trigger", data["serviceId"], data["environmentId"])
        self.triggers[trigger_id] = {
            "id": trigger_id,
            "serviceId": data["serviceId"],
            "environmentId": data["environmentId"],
            "projectId": data["projectId"],
            "provider": data["provider"],
            "repository": data["repository"],
            "branch": data["branch"],
            "checkSuites": bool(data.get("checkSuites")),
            "validCheckSuites": 0,
        }
        return self.triggers[trigger_id]

    def _delete(self, table: dict[str, Any], key: str) -> bool:
        if key not in table:
            raise NotFound(f"{key} not found")
        del table[key]
        return True

    def _project_create(self, data: dict[str, Any]) -> dict[str, Any]:
        project_id = self._new_id("project", data.get("name", ""))
        self.projects[project_id] = {
            "id": project_id,
            "name": data.get("name") or "fluffy-sunshine",
            "workspaceId": data.get("workspaceId", WORKSPACE_ID),
        }
        self._environment_create(project_id, data.get("defaultEnvironmentName") or "production")
        return self._project_view(project_id)

    def _environment_create(self, project_id: str, name: str) -> dict[str, Any]:
        if project_id not in self.projects:
            raise NotFound(f"Project {project_id} not found")
        env_id = self._new_id("env", project_id, name)
        self.environments[env_id] = {"id": env_id, "name": name, "projectId": project_id}
        return self.environments[env_id]

    def _service_create(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["projectId"] not in self.projects:
            raise NotFound(f"Project {data['projectId']} not found")
        service_id = self._new_id("service", data.get("name", ""))
        self.services[service_id] = {
            "id": service_id,
            "name": data.get("name") or "web",
            "projectId": data["projectId"],
            "source": dict(data.get("source") or {}),
        }
        repo = (data.get("source") or {}).get("repo")
        if repo and data.get("environmentId"):
            self._trigger_create(
                {
                    "serviceId": service_id,
                    "environmentId": data["environmentId"],
                    "projectId": data["projectId"],
                    "provider": "github",
                    "repository": repo,
                    "branch": data.get("branch") or "main",
                }
            )
        return self.services[service_id]

    def _service_connect(self, service_id: str, data: dict[str, Any]) -> dict[str, Any]:
        if service_id not in self.services:
            raise NotFound(f"Service {service_id} not found")
        self.services[service_id]["source"] = {k: v for k, v in data.items() if k != "branch"}
        return self.services[service_id]

    def _instance(self, service_id: str, environment_id: str) -> dict[str, Any]:
        if service_id not in self.services:
            raise NotFound(f"ServiceInstance not found for service {service_id}")
        key = (service_id, environment_id)
        if key not in self.instances:
            self.instances[key] = {
                "id": _id("instance", service_id, environment_id),
                "serviceId": service_id,
                "environmentId": environment_id,
                "healthcheckPath": None,
                "healthcheckTimeout": None,
                "numReplicas": 1,
                "region": "us-west2",
                "startCommand": None,
                "restartPolicyType": "ON_FAILURE",
                "restartPolicyMaxRetries": 10,
                "rootDirectory": None,
                "sleepApplication": False,
                "railwayConfigFile": None,
            }
        instance = self.instances[key]
        instance["source"] = self.services[service_id]["source"] or None
        return instance

    def _upsert(self, data: dict[str, Any]) -> bool:
        key = (data["projectId"], data["environmentId"], str(data.get("serviceId")))
        current = {} if data.get("replace") else self.variables.get(key, {})
        self.variables[key] = {**current, **data["variables"]}
        return True

    def _variable_delete(self, data: dict[str, Any]) -> bool:
        key = (data["projectId"], data["environmentId"], str(data.get("serviceId")))
        if data["name"] not in self.variables.get(key, {}):
            raise NotFound(f"Variable {data['name']} not found")
        del self.variables[key][data["name"]]
        return True

    def _service_domain_create(self, data: dict[str, Any]) -> dict[str, Any]:
        service = self.services[data["serviceId"]]
        domain_id = self._new_id("sdomain", data["serviceId"])
        self.service_domains[domain_id] = {
            "id": domain_id,
            "domain": f"{service['name']}-production-{domain_id[:4]}.up.railway.app",
            "targetPort": data.get("targetPort"),
            "serviceId": data["serviceId"],
            "environmentId": data["environmentId"],
        }
        return self.service_domains[domain_id]

    def _custom_domain_create(self, data: dict[str, Any]) -> dict[str, Any]:
        domain_id = self._new_id("cdomain", data["domain"])
        label, _, zone = data["domain"].partition(".")
        self.custom_domains[domain_id] = {
            "id": domain_id,
            "domain": data["domain"],
            "targetPort": data.get("targetPort"),
            "serviceId": data["serviceId"],
            "environmentId": data["environmentId"],
            "status": {
                "dnsRecords": [
                    {
                        "recordType": "DNS_RECORD_TYPE_CNAME",
                        "hostlabel": label,
                        "fqdn": data["domain"],
                        "requiredValue": f"{domain_id[:8]}.up.railway.app",
                        "currentValue": "",
                        "status": "DNS_RECORD_STATUS_REQUIRES_UPDATE",
                        "purpose": "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
                        "zone": zone,
                    },
                    {
                        "recordType": "DNS_RECORD_TYPE_TXT",
                        "hostlabel": f"_railway-verify.{label}",
                        "fqdn": f"_railway-verify.{data['domain']}",
                        "requiredValue": f"railway-verify={domain_id.replace('-', '')}",
                        "currentValue": "",
                        "status": "DNS_RECORD_STATUS_REQUIRES_UPDATE",
                        "purpose": "DNS_RECORD_PURPOSE_UNSPECIFIED",
                        "zone": zone,
                    },
                ]
            },
        }
        return self.custom_domains[domain_id]

    def _volume_create(self, data: dict[str, Any]) -> dict[str, Any]:
        volume_id = self._new_id("volume", data["serviceId"])
        self.volumes[volume_id] = {
            "id": volume_id,
            "name": f"{self.services[data['serviceId']]['name']}-volume",
            "projectId": data["projectId"],
            "environmentId": data["environmentId"],
            "serviceId": data["serviceId"],
            "mountPath": data["mountPath"],
        }
        return self.volumes[volume_id]

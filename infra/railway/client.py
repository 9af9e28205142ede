"""Typed client for Railway's public GraphQL API (https://backboard.railway.com/graphql/v2).

Only the documents in `infra.railway.documents` can be sent. GraphQL answers errors with HTTP
200 and an `errors` list: those are mapped to the same ApiError family as HTTP failures
("Not Authorized" -> ApiAuthError, "... not found" -> ApiNotFoundError). Variable values
are registered with the redactor before sending, so an echoed value never reaches an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from infra.endpoints import RAILWAY_API, RAILWAY_API_KEY
from infra.http_api.client import BearerClient, ClientOptions
from infra.http_api.errors import ApiAuthError, ApiNotFoundError, ApiResponseError
from infra.http_api.transport import AuthHint, decode_json
from infra.railway import documents as docs
from infra.railway.documents import Document

DEFAULT_ENDPOINT = RAILWAY_API
TOKEN_CONFIG_KEY = "careers-crm:railway.token"
# Another endpoint (a local stand-in) for a stack that must not reach the real API.
ENDPOINT_CONFIG_KEY = RAILWAY_API_KEY
TOKEN_SCOPE = "an account or workspace token (not a project token) for the project's workspace"

# Mutations that converge when repeated; creates and deletes are not re-sent on 5xx/timeout.
IDEMPOTENT_MUTATIONS = frozenset(
    {"ServiceInstanceUpdate", "VariableCollectionUpsert", "ServiceConnect"}
)

JsonObject = dict[str, Any]


def edges(connection: Mapping[str, Any] | None) -> list[JsonObject]:
    """Nodes of a Relay connection (`{edges: [{node: ...}]}`)."""
    return [e["node"] for e in (connection or {}).get("edges", []) if e.get("node")]


class RailwayClient(BearerClient):
    """One client per provider call; providers never hold (or pickle) a client or token."""

    def __init__(
        self,
        token: str,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            token,
            service="railway",
            token_name="API token",
            token_placeholder="token",
            auth_hint=AuthHint(TOKEN_CONFIG_KEY, TOKEN_SCOPE),
            **options,
        )
        self._endpoint = endpoint

    # -- projects and environments ------------------------------------------------------------
    def project(self, project_id: str) -> JsonObject:
        return dict(self._run(docs.PROJECT, {"id": project_id})["project"])

    def projects(self, workspace_id: str | None) -> list[JsonObject]:
        return edges(self._run(docs.PROJECTS, {"workspaceId": workspace_id})["projects"])

    def project_create(
        self, name: str, *, workspace_id: str | None, description: str
    ) -> JsonObject:
        payload: JsonObject = {"name": name, "description": description, "isPublic": False}
        if workspace_id:
            payload["workspaceId"] = workspace_id
        return dict(self._run(docs.PROJECT_CREATE, {"input": payload})["projectCreate"])

    def project_delete(self, project_id: str) -> bool:
        return bool(self._run(docs.PROJECT_DELETE, {"id": project_id})["projectDelete"])

    def environment_create(self, project_id: str, name: str) -> JsonObject:
        payload = {"projectId": project_id, "name": name}
        return dict(self._run(docs.ENVIRONMENT_CREATE, {"input": payload})["environmentCreate"])

    def environment_delete(self, environment_id: str) -> bool:
        reply = self._run(docs.ENVIRONMENT_DELETE, {"id": environment_id})
        return bool(reply["environmentDelete"])

    # -- services -----------------------------------------------------------------------------
    def service_create(
        self,
        project_id: str,
        name: str,
        *,
        environment_id: str | None = None,
        repo: str | None = None,
        branch: str | None = None,
        image: str | None = None,
    ) -> JsonObject:
        payload: JsonObject = {"projectId": project_id, "name": name}
        if environment_id:
            payload["environmentId"] = environment_id
        if repo:
            payload["source"] = {"repo": repo}
            if branch:
                payload["branch"] = branch
        elif image:
            payload["source"] = {"image": image}
        return dict(self._run(docs.SERVICE_CREATE, {"input": payload})["serviceCreate"])

    def service_connect(
        self, service_id: str, *, repo: str | None, branch: str | None, image: str | None
    ) -> JsonObject:
        payload: JsonObject = {"repo": repo, "branch": branch} if repo else {"image": image}
        reply = self._run(docs.SERVICE_CONNECT, {"id": service_id, "input": payload})
        return dict(reply["serviceConnect"])

    def service_delete(self, service_id: str) -> bool:
        return bool(self._run(docs.SERVICE_DELETE, {"id": service_id})["serviceDelete"])

    def service_instance(self, service_id: str, environment_id: str) -> JsonObject:
        variables = {"serviceId": service_id, "environmentId": environment_id}
        return dict(self._run(docs.SERVICE_INSTANCE, variables)["serviceInstance"])

    def service_instance_update(
        self, service_id: str, environment_id: str, settings: Mapping[str, Any]
    ) -> bool:
        variables = {
            "serviceId": service_id,
            "environmentId": environment_id,
            "input": dict(settings),
        }
        return bool(self._run(docs.SERVICE_INSTANCE_UPDATE, variables)["serviceInstanceUpdate"])

    def service_triggers(self, service_id: str) -> list[JsonObject]:
        """Deploy-on-push triggers of a GitHub-connected service."""
        reply = self._run(docs.SERVICE_TRIGGERS, {"id": service_id})
        return edges(reply["service"]["repoTriggers"])

    def deployment_trigger_create(
        self,
        project_id: str,
        environment_id: str,
        service_id: str,
        *,
        repository: str,
        branch: str,
        root_directory: str | None,
        check_suites: bool,
    ) -> JsonObject:
        payload: JsonObject = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
            "provider": "github",
            "repository": repository,
            "branch": branch,
            "checkSuites": check_suites,
        }
        if root_directory:
            payload["rootDirectory"] = root_directory
        reply = self._run(docs.DEPLOYMENT_TRIGGER_CREATE, {"input": payload})
        return dict(reply["deploymentTriggerCreate"])

    def deployment_trigger_delete(self, trigger_id: str) -> bool:
        reply = self._run(docs.DEPLOYMENT_TRIGGER_DELETE, {"id": trigger_id})
        return bool(reply["deploymentTriggerDelete"])

    # -- variables ----------------------------------------------------------------------------
    def variables(self, project_id: str, environment_id: str, service_id: str) -> dict[str, str]:
        reply = self._run(
            docs.VARIABLES,
            {"projectId": project_id, "environmentId": environment_id, "serviceId": service_id},
        )
        values = reply["variables"] or {}
        self.redactor.add_all(str(v) for v in values.values())
        return {str(k): str(v) for k, v in values.items()}

    def variable_collection_upsert(
        self,
        project_id: str,
        environment_id: str,
        service_id: str,
        values: Mapping[str, str],
        *,
        skip_deploys: bool = False,
    ) -> bool:
        self.redactor.add_all(values.values())
        payload = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
            "variables": dict(values),
            "replace": False,
            "skipDeploys": skip_deploys,
        }
        reply = self._run(docs.VARIABLE_COLLECTION_UPSERT, {"input": payload})
        return bool(reply["variableCollectionUpsert"])

    def variable_delete(
        self, project_id: str, environment_id: str, service_id: str, name: str
    ) -> bool:
        payload = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
            "name": name,
        }
        return bool(self._run(docs.VARIABLE_DELETE, {"input": payload})["variableDelete"])

    # -- domains and volumes ------------------------------------------------------------------
    def domains(self, project_id: str, environment_id: str, service_id: str) -> JsonObject:
        variables = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
        }
        return dict(self._run(docs.DOMAINS, variables)["domains"])

    def service_domain_create(
        self, service_id: str, environment_id: str, target_port: int | None
    ) -> JsonObject:
        payload: JsonObject = {"serviceId": service_id, "environmentId": environment_id}
        if target_port:
            payload["targetPort"] = target_port
        reply = self._run(docs.SERVICE_DOMAIN_CREATE, {"input": payload})
        return dict(reply["serviceDomainCreate"])

    def service_domain_delete(self, domain_id: str) -> bool:
        reply = self._run(docs.SERVICE_DOMAIN_DELETE, {"id": domain_id})
        return bool(reply["serviceDomainDelete"])

    def custom_domain_create(
        self,
        project_id: str,
        environment_id: str,
        service_id: str,
        domain: str,
        target_port: int | None,
    ) -> JsonObject:
        payload: JsonObject = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
            "domain": domain,
        }
        if target_port:
            payload["targetPort"] = target_port
        reply = self._run(docs.CUSTOM_DOMAIN_CREATE, {"input": payload})
        return dict(reply["customDomainCreate"])

    def custom_domain_delete(self, domain_id: str) -> bool:
        reply = self._run(docs.CUSTOM_DOMAIN_DELETE, {"id": domain_id})
        return bool(reply["customDomainDelete"])

    def volume_create(
        self, project_id: str, environment_id: str, service_id: str, mount_path: str
    ) -> JsonObject:
        payload = {
            "projectId": project_id,
            "environmentId": environment_id,
            "serviceId": service_id,
            "mountPath": mount_path,
        }
        return dict(self._run(docs.VOLUME_CREATE, {"input": payload})["volumeCreate"])

    def volume_delete(self, volume_id: str) -> bool:
        return bool(self._run(docs.VOLUME_DELETE, {"volumeId": volume_id})["volumeDelete"])

    # -- plumbing -----------------------------------------------------------------------------
    def _run(self, document: Document, variables: JsonObject) -> JsonObject:
        body = {"query": document.text, "variables": variables, "operationName": document.name}
        request = self._http.build_request("POST", self._endpoint, json=body)
        response = self._exchange.send(
            document.name,
            request,
            scope=TOKEN_SCOPE,
            idempotent=not document.mutation or document.name in IDEMPOTENT_MUTATIONS,
        )
        reply = decode_json(document.name, response)
        if not isinstance(reply, dict):
            raise ApiResponseError(document.name, "expected a JSON object in the reply")
        errors = reply.get("errors") or []
        if errors:
            self._raise_graphql_error(document.name, errors)
        data = reply.get("data")
        if not isinstance(data, dict):
            raise ApiResponseError(document.name, "reply has neither data nor errors")
        return data

    def _raise_graphql_error(self, operation: str, errors: list[Any]) -> None:
        messages = [str(e.get("message", "")) if isinstance(e, dict) else str(e) for e in errors]
        joined = self.redactor.scrub("; ".join(messages))[:300]
        lowered = joined.lower()
        if "not authorized" in lowered or "unauthorized" in lowered:
            hint = AuthHint(TOKEN_CONFIG_KEY, TOKEN_SCOPE)
            raise ApiAuthError(operation, f"{hint.message(403)} (Railway said: {joined})")
        if "not found" in lowered:
            raise ApiNotFoundError(operation, joined)
        raise ApiResponseError(operation, f"Railway refused: {joined}")

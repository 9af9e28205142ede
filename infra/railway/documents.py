"""Every GraphQL document our Railway client may send: the single list the contract tests check.

Railway's Free plan allows 100 API requests per hour, so each document asks for everything a
step needs in one round trip (e.g. one project query yields environments, services, volumes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    mutation: bool


def _query(name: str, text: str) -> Document:
    return Document(name, text.strip(), mutation=False)


def _mutation(name: str, text: str) -> Document:
    return Document(name, text.strip(), mutation=True)


PROJECT = _query(
    "Project",
    """
query Project($id: String!) {
  project(id: $id) {
    id
    name
    workspaceId
    environments { edges { node { id name } } }
    services { edges { node { id name } } }
    volumes {
      edges {
        node {
          id
          name
          volumeInstances { edges { node { id serviceId environmentId mountPath } } }
        }
      }
    }
  }
}
""",
)

PROJECTS = _query(
    "Projects",
    """
query Projects($workspaceId: String) {
  projects(workspaceId: $workspaceId, first: 100) {
    edges { node { id name } }
  }
}
""",
)

PROJECT_CREATE = _mutation(
    "ProjectCreate",
    """
mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) {
    id
    name
    environments { edges { node { id name } } }
  }
}
""",
)

PROJECT_DELETE = _mutation(
    "ProjectDelete",
    """
mutation ProjectDelete($id: String!) {
  projectDelete(id: $id)
}
""",
)

ENVIRONMENT_CREATE = _mutation(
    "EnvironmentCreate",
    """
mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) { id name }
}
""",
)

ENVIRONMENT_DELETE = _mutation(
    "EnvironmentDelete",
    """
mutation EnvironmentDelete($id: String!) {
  environmentDelete(id: $id)
}
""",
)

SERVICE_CREATE = _mutation(
    "ServiceCreate",
    """
mutation ServiceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { id name }
}
""",
)

SERVICE_CONNECT = _mutation(
    "ServiceConnect",
    """
mutation ServiceConnect($id: String!, $input: ServiceConnectInput!) {
  serviceConnect(id: $id, input: $input) { id name }
}
""",
)

SERVICE_DELETE = _mutation(
    "ServiceDelete",
    """
mutation ServiceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId)
}
""",
)

SERVICE_INSTANCE = _query(
    "ServiceInstance",
    """
query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    id
    serviceId
    environmentId
    healthcheckPath
    healthcheckTimeout
    numReplicas
    region
    startCommand
    restartPolicyType
    restartPolicyMaxRetries
    rootDirectory
    sleepApplication
    railwayConfigFile
    source { repo image }
  }
}
""",
)

SERVICE_INSTANCE_UPDATE = _mutation(
    "ServiceInstanceUpdate",
    """
mutation ServiceInstanceUpdate(
  $serviceId: String!, $environmentId: String, $input: ServiceInstanceUpdateInput!
) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}
""",
)

VARIABLES = _query(
    "Variables",
    """
query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId)
}
""",
)

VARIABLE_COLLECTION_UPSERT = _mutation(
    "VariableCollectionUpsert",
    """
mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}
""",
)

VARIABLE_DELETE = _mutation(
    "VariableDelete",
    """
mutation VariableDelete($input: VariableDeleteInput!) {
  variableDelete(input: $input)
}
""",
)

DOMAINS = _query(
    "Domains",
    """
query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    serviceDomains { id domain targetPort }
    customDomains {
      id
      domain
      targetPort
      status {
        dnsRecords { recordType hostlabel fqdn requiredValue currentValue status purpose zone }
      }
    }
  }
}
""",
)

SERVICE_DOMAIN_CREATE = _mutation(
    "ServiceDomainCreate",
    """
mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain targetPort }
}
""",
)

SERVICE_DOMAIN_DELETE = _mutation(
    "ServiceDomainDelete",
    """
mutation ServiceDomainDelete($id: String!) {
  serviceDomainDelete(id: $id)
}
""",
)

CUSTOM_DOMAIN_CREATE = _mutation(
    "CustomDomainCreate",
    """
mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) {
    id
    domain
    targetPort
    status {
      dnsRecords { recordType hostlabel fqdn requiredValue currentValue status purpose zone }
    }
  }
}
""",
)

CUSTOM_DOMAIN_DELETE = _mutation(
    "CustomDomainDelete",
    """
mutation CustomDomainDelete($id: String!) {
  customDomainDelete(id: $id)
}
""",
)

VOLUME_CREATE = _mutation(
    "VolumeCreate",
    """
mutation VolumeCreate($input: VolumeCreateInput!) {
  volumeCreate(input: $input) { id name }
}
""",
)

VOLUME_DELETE = _mutation(
    "VolumeDelete",
    """
mutation VolumeDelete($volumeId: String!) {
  volumeDelete(volumeId: $volumeId)
}
""",
)

SERVICE_TRIGGERS = _query(
    "ServiceTriggers",
    """
query ServiceTriggers($id: String!) {
  service(id: $id) {
    id
    repoTriggers { edges { node { id environmentId branch repository checkSuites } } }
  }
}
""",
)

DEPLOYMENT_TRIGGER_CREATE = _mutation(
    "DeploymentTriggerCreate",
    """
mutation DeploymentTriggerCreate($input: DeploymentTriggerCreateInput!) {
  deploymentTriggerCreate(input: $input) { id environmentId branch repository checkSuites }
}
""",
)

DEPLOYMENT_TRIGGER_DELETE = _mutation(
    "DeploymentTriggerDelete",
    """
mutation DeploymentTriggerDelete($id: String!) {
  deploymentTriggerDelete(id: $id)
}
""",
)

ALL_DOCUMENTS: tuple[Document, ...] = (
    PROJECT,
    PROJECTS,
    PROJECT_CREATE,
    PROJECT_DELETE,
    ENVIRONMENT_CREATE,
    ENVIRONMENT_DELETE,
    SERVICE_CREATE,
    SERVICE_CONNECT,
    SERVICE_DELETE,
    SERVICE_INSTANCE,
    SERVICE_INSTANCE_UPDATE,
    VARIABLES,
    VARIABLE_COLLECTION_UPSERT,
    VARIABLE_DELETE,
    DOMAINS,
    SERVICE_DOMAIN_CREATE,
    SERVICE_DOMAIN_DELETE,
    CUSTOM_DOMAIN_CREATE,
    CUSTOM_DOMAIN_DELETE,
    VOLUME_CREATE,
    VOLUME_DELETE,
    SERVICE_TRIGGERS,
    DEPLOYMENT_TRIGGER_CREATE,
    DEPLOYMENT_TRIGGER_DELETE,
)

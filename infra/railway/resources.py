"""Railway dynamic resources with typed Args.

Inputs use Railway's own names for instance settings (`healthcheckPath`, `numReplicas`...) so
policies read them straight from the plan graph; secret variables travel as one secret map.
Outputs a later step needs (ids, domain, DNS target) are declared as None props so Pulumi
exposes them as attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from infra.railway.providers import (
    AutoDeployProvider,
    CustomDomainProvider,
    EnvironmentProvider,
    ProjectProvider,
    ServiceDomainProvider,
    ServiceInstanceProvider,
    ServiceProvider,
    VariablesProvider,
    VolumeProvider,
)


class Project(pulumi.dynamic.Resource, module="railway", name="Project"):
    owned: pulumi.Output[bool]

    def __init__(
        self,
        name: str,
        project_name: str,
        *,
        workspace_id: str | None = None,
        adopt_id: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "name": project_name,
            "description": "Career Services CRM (managed by Pulumi: careers-crm)",
            "workspace_id": workspace_id,
            "adopt_id": adopt_id,
            "owned": None,
        }
        super().__init__(ProjectProvider(), name, props, opts)


class Environment(pulumi.dynamic.Resource, module="railway", name="Environment"):
    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_name: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"project_id": project_id, "name": environment_name, "owned": None}
        super().__init__(EnvironmentProvider(), name, props, opts)


@dataclass(frozen=True)
class ServiceSource:
    """Exactly one of repo (GitHub `owner/name`, with branch) or image."""

    repo: str | None = None
    branch: str | None = None
    image: str | None = None


class Service(pulumi.dynamic.Resource, module="railway", name="Service"):
    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_name: str,
        source: ServiceSource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "name": service_name,
            "repo": source.repo,
            "branch": source.branch if source.repo else None,
            "image": source.image,
        }
        super().__init__(ServiceProvider(), name, props, opts)


class AutoDeploy(pulumi.dynamic.Resource, module="railway", name="AutoDeploy"):
    """Railway's deploy-on-push trigger for a GitHub-connected service, on or off."""

    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_id: pulumi.Input[str],
        source: ServiceSource,
        *,
        enabled: bool,
        root_directory: str | None = None,
        check_suites: bool = True,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "service_id": service_id,
            "repo": source.repo,
            "branch": source.branch,
            "root_directory": root_directory,
            "enabled": enabled,
            "check_suites": check_suites,
        }
        super().__init__(AutoDeployProvider(), name, props, opts)


@dataclass(frozen=True)
class InstanceSettings:
    region: str
    healthcheck_path: str | None = None
    healthcheck_timeout_s: int | None = None
    replicas: int = 1
    start_command: str | None = None
    restart_policy: str = "ON_FAILURE"
    restart_max_retries: int = 5
    root_directory: str | None = None
    sleep_when_idle: bool = False
    config_file: str | None = None  # config-as-code path from the repository root

    def props(self) -> dict[str, Any]:
        return {
            "healthcheckPath": self.healthcheck_path,
            "healthcheckTimeout": self.healthcheck_timeout_s,
            "numReplicas": self.replicas,
            "region": self.region,
            "startCommand": self.start_command,
            "restartPolicyType": self.restart_policy,
            "restartPolicyMaxRetries": self.restart_max_retries,
            "rootDirectory": self.root_directory,
            "sleepApplication": self.sleep_when_idle,
            "railwayConfigFile": self.config_file,
        }


class ServiceInstance(pulumi.dynamic.Resource, module="railway", name="ServiceInstance"):
    def __init__(
        self,
        name: str,
        service_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        settings: InstanceSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"service_id": service_id, "environment_id": environment_id, **settings.props()}
        super().__init__(ServiceInstanceProvider(), name, props, opts)


class Variables(pulumi.dynamic.Resource, module="railway", name="Variables"):
    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_id: pulumi.Input[str],
        variables: Mapping[str, pulumi.Input[str]],
        secret_variables: Mapping[str, pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["secret_variables"])
        )
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "service_id": service_id,
            "variables": dict(variables),
            "secret_variables": _secret_map(secret_variables),
            # The names alone, in the clear: policies check which secrets a service gets.
            "secret_names": sorted(secret_variables),
        }
        super().__init__(VariablesProvider(), name, props, opts)


def _secret_map(values: Mapping[str, pulumi.Input[str]]) -> pulumi.Output[dict[str, str]]:
    merged: pulumi.Output[dict[str, str]] = pulumi.Output.all(**dict(values)).apply(
        lambda resolved: {str(k): str(v) for k, v in resolved.items()}
    )
    return pulumi.Output.secret(merged)  # type: ignore[arg-type]


class ServiceDomain(pulumi.dynamic.Resource, module="railway", name="ServiceDomain"):
    domain: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_id: pulumi.Input[str],
        target_port: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "service_id": service_id,
            "target_port": target_port,
            "domain": None,
            "url": None,
        }
        super().__init__(ServiceDomainProvider(), name, props, opts)


class CustomDomain(pulumi.dynamic.Resource, module="railway", name="CustomDomain"):
    dns_target: pulumi.Output[str]
    dns_records: pulumi.Output[list[dict[str, str]]]

    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_id: pulumi.Input[str],
        domain: str,
        target_port: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "service_id": service_id,
            "domain": domain,
            "target_port": target_port,
            "dns_target": None,
            "dns_records": None,
        }
        super().__init__(CustomDomainProvider(), name, props, opts)


class Volume(pulumi.dynamic.Resource, module="railway", name="Volume"):
    def __init__(
        self,
        name: str,
        project_id: pulumi.Input[str],
        environment_id: pulumi.Input[str],
        service_id: pulumi.Input[str],
        mount_path: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_id": project_id,
            "environment_id": environment_id,
            "service_id": service_id,
            "mount_path": mount_path,
        }
        super().__init__(VolumeProvider(), name, props, opts)

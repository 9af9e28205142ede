"""The CRM API, its reminder worker and Uptime Kuma on Railway, as one component.

The API service builds from this repository's `app/` directory; its custom domain's required
CNAME is exposed as `api_dns_target` for the Cloudflare record (no copied targets). Uptime Kuma
runs from its image with a volume for its SQLite data; `uptime_kuma_url` is its public URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from infra.railway.resources import (
    AutoDeploy,
    CustomDomain,
    Environment,
    InstanceSettings,
    Project,
    Service,
    ServiceDomain,
    ServiceInstance,
    ServiceSource,
    Variables,
    Volume,
)
from infra.uptime_kuma.image import uptime_kuma_image

UPTIME_KUMA_IMAGE = uptime_kuma_image()
UPTIME_KUMA_DATA = "/app/data"
UPTIME_KUMA_PORT = 3001


@dataclass(frozen=True)
class ApiServiceArgs:
    repo: str  # GitHub owner/name of this repository
    hostname: str  # the API's custom domain, e.g. api.careers.example.edu
    branch: str = "main"
    root_directory: str = "app"
    # Off: deploys go through the guarded deploy workflow, not Railway's push trigger.
    auto_deploy: bool = False
    # Railway reads config-as-code from the repository root, not from the root directory.
    config_file: str | None = "app/railway.json"
    start_command: str | None = None
    port: int = 8000
    healthcheck_path: str = "/readyz"
    healthcheck_timeout_s: int = 60
    replicas: int = 1
    restart_policy: str = "ON_FAILURE"
    restart_max_retries: int = 5
    variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerServiceArgs:
    """The reminder worker: same repository and image as the API, another start command.

    It serves only Prometheus metrics on `port`, which is also its health check: Railway
    keeps the previous deploy running until a new worker answers.
    """

    start_command: str = "python -m app.worker"
    port: int = 9100
    healthcheck_path: str = "/metrics"
    replicas: int = 1
    variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_variables: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RailwayArgs:
    project_name: str
    region: str
    api: ApiServiceArgs
    worker: WorkerServiceArgs | None = None
    environment: str = "production"
    workspace_id: str | None = None
    adopt_project_id: str | None = None


class RailwayApp(pulumi.ComponentResource):
    api_dns_target: pulumi.Output[str]
    uptime_kuma_url: pulumi.Output[str]

    def __init__(
        self, name: str, args: RailwayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crm:railway:App", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.project = Project(
            f"{name}-project",
            args.project_name,
            workspace_id=args.workspace_id,
            adopt_id=args.adopt_project_id,
            opts=child,
        )
        project_id = self.project.id
        self.environment = Environment(f"{name}-env", project_id, args.environment, opts=child)
        env_id = self.environment.id
        api = args.api

        self.api = self._repo_service(
            name,
            "api",
            args,
            project_id,
            env_id,
            InstanceSettings(
                region=args.region,
                healthcheck_path=api.healthcheck_path,
                healthcheck_timeout_s=api.healthcheck_timeout_s,
                replicas=api.replicas,
                start_command=api.start_command,
                restart_policy=api.restart_policy,
                restart_max_retries=api.restart_max_retries,
                root_directory=api.root_directory,
                config_file=api.config_file,
            ),
            {"PORT": str(api.port), **api.variables},
            api.secret_variables,
        )
        self.api_domain = CustomDomain(
            f"{name}-api-domain",
            project_id,
            env_id,
            self.api.id,
            api.hostname,
            api.port,
            opts=child,
        )

        if args.worker is not None:
            self._worker(name, args, project_id, env_id)

        self.uptime_kuma = Service(
            f"{name}-uptime-kuma",
            project_id,
            env_id,
            "uptime-kuma",
            ServiceSource(image=UPTIME_KUMA_IMAGE),
            opts=child,
        )
        self.uptime_kuma_settings = ServiceInstance(
            f"{name}-uptime-kuma-settings",
            self.uptime_kuma.id,
            env_id,
            # One replica: Kuma keeps its state in SQLite on the volume.
            InstanceSettings(
                region=args.region,
                healthcheck_path="/",
                replicas=1,
                restart_policy="ALWAYS",
                restart_max_retries=0,
            ),
            opts=child,
        )
        self.uptime_kuma_volume = Volume(
            f"{name}-uptime-kuma-data",
            project_id,
            env_id,
            self.uptime_kuma.id,
            UPTIME_KUMA_DATA,
            opts=child,
        )
        self.uptime_kuma_domain = ServiceDomain(
            f"{name}-uptime-kuma-domain",
            project_id,
            env_id,
            self.uptime_kuma.id,
            UPTIME_KUMA_PORT,
            opts=child,
        )

        self.api_dns_target = self.api_domain.dns_target
        self.uptime_kuma_url = self.uptime_kuma_domain.url
        self.register_outputs(
            {"api_dns_target": self.api_dns_target, "uptime_kuma_url": self.uptime_kuma_url}
        )

    def _repo_service(
        self,
        name: str,
        label: str,
        args: RailwayArgs,
        project_id: pulumi.Output[str],
        env_id: pulumi.Output[str],
        settings: InstanceSettings,
        variables: Mapping[str, pulumi.Input[str]],
        secret_variables: Mapping[str, pulumi.Input[str]],
    ) -> Service:
        """A service built from this repository's `app/` (the API and the worker share it)."""
        child = pulumi.ResourceOptions(parent=self)
        source = ServiceSource(repo=args.api.repo, branch=args.api.branch)
        service = Service(f"{name}-{label}", project_id, env_id, label, source, opts=child)
        AutoDeploy(
            f"{name}-{label}-auto-deploy",
            project_id,
            env_id,
            service.id,
            source,
            enabled=args.api.auto_deploy,
            root_directory=args.api.root_directory,
            opts=child,
        )
        ServiceInstance(f"{name}-{label}-settings", service.id, env_id, settings, opts=child)
        Variables(
            f"{name}-{label}-vars",
            project_id,
            env_id,
            service.id,
            variables,
            secret_variables,
            opts=child,
        )
        return service

    def _worker(
        self,
        name: str,
        args: RailwayArgs,
        project_id: pulumi.Output[str],
        env_id: pulumi.Output[str],
    ) -> None:
        api, worker = args.api, args.worker
        assert worker is not None
        self.worker = self._repo_service(
            name,
            "worker",
            args,
            project_id,
            env_id,
            InstanceSettings(
                region=args.region,
                healthcheck_path=worker.healthcheck_path,
                replicas=worker.replicas,
                start_command=worker.start_command,
                restart_policy=api.restart_policy,
                restart_max_retries=api.restart_max_retries,
                root_directory=api.root_directory,
            ),
            {"PORT": str(worker.port), "WORKER_METRICS_PORT": str(worker.port), **worker.variables},
            worker.secret_variables,
        )

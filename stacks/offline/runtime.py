"""Pulumi's mock runtime, recording each registration the way the engine receives it:
parent, explicit or default provider, dependencies, options, and raw inputs with secrets
still marked (the SDK's own mock monitor drops all of that)."""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.config import set_all_config
from pulumi.runtime.settings import SETTINGS, configure
from pulumi.runtime.stack import run_in_stack

from stacks.offline.graph import Graph, PlannedResource

ROOT = Path(__file__).resolve().parents[2]
_OWN_CODE = (ROOT / "infra", ROOT / "stacks")
_NOT_DECLARING = ROOT / "stacks" / "offline"


@contextmanager
def declaration_sites() -> Iterator[dict[tuple[str, str], dict[str, Any]]]:
    """(type, name) -> {file, line} of the line of our code that constructed each resource,
    so reports can point at the Python that declared it (not at the stack file)."""
    sites: dict[tuple[str, str], dict[str, Any]] = {}
    original = pulumi.Resource.__init__

    def recording(self: Any, t: str, name: str, *args: Any, **kwargs: Any) -> None:
        frame = sys._getframe(1)
        while frame is not None:
            path = Path(frame.f_code.co_filename)
            if any(path.is_relative_to(d) for d in _OWN_CODE) and not path.is_relative_to(
                _NOT_DECLARING
            ):
                sites.setdefault(
                    (t, name), {"file": path.relative_to(ROOT).as_posix(), "line": frame.f_lineno}
                )
                break
            frame = frame.f_back  # type: ignore[assignment]
        original(self, t, name, *args, **kwargs)

    pulumi.Resource.__init__ = recording  # type: ignore[method-assign]
    try:
        yield sites
    finally:
        pulumi.Resource.__init__ = original  # type: ignore[method-assign]


def _urn_of(reference: str) -> str:
    """A provider reference is `<urn>::<id>`; keep the URN."""
    return reference.rsplit("::", 1)[0] if reference.count("::") > 3 else reference


class RecordingMonitor(pulumi_mocks.MockMonitor):  # type: ignore[misc]
    def __init__(self, mocks: pulumi_mocks.Mocks, project: str, stack: str) -> None:
        super().__init__(mocks)
        self.project, self.stack = project, stack
        self.recorded: list[PlannedResource] = []
        self.sites: dict[tuple[str, str], dict[str, Any]] = {}
        self.default_providers: dict[str, PlannedResource] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        provider = _urn_of(request.provider) if request.provider else None
        if provider is None and request.custom and not request.type.startswith("pulumi:providers:"):
            provider = self._default_provider(request.type, request.version)
        options: dict[str, Any] = {}
        if request.additionalSecretOutputs:
            options["additionalSecretOutputs"] = sorted(request.additionalSecretOutputs)
        if request.ignoreChanges:
            options["ignoreChanges"] = sorted(request.ignoreChanges)
        if request.retainOnDelete:
            options["retainOnDelete"] = True
        if request.deleteBeforeReplace:
            options["deleteBeforeReplace"] = True
        if (site := self.sites.get((request.type, request.name))) is not None:
            options["source"] = site
        self.recorded.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                provider=provider,
                inputs=raw,
                dependencies=list(request.dependencies),
                protect=bool(request.protect),
                options=options,
            )
        )
        return response

    def _default_provider(self, type_token: str, version: str) -> str:
        package = type_token.split(":", 1)[0]
        if package == "pulumi-python":
            name, package = "default", "pulumi-python"
        else:
            name = "default_" + version.replace(".", "_") if version else "default"
        urn = f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:{package}::{name}"
        if urn not in self.default_providers:
            self.default_providers[urn] = PlannedResource(
                urn=urn,
                type=f"pulumi:providers:{package}",
                name=name,
                parent=None,
                provider=None,
                inputs={"version": version} if version else {},
                dependencies=[],
            )
        return urn


def run_offline(
    program: Callable[[], None],
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    mocks: pulumi_mocks.Mocks,
) -> Graph:
    """Run `program` as `pulumi up` would (not a preview: applies run, as with real outputs)."""
    set_all_config(config, secret_keys)
    # Outputs left by an earlier run in this process belong to a closed event loop and would
    # never resolve; the runtime awaits every tracked output before it finishes.
    with SETTINGS.lock:
        SETTINGS.outputs.clear()
    monitor = RecordingMonitor(mocks, project, stack)
    info = monitor.GetDeploymentInfo(None)  # type: ignore[no-untyped-call]
    features = set(info.supportedFeatures)
    configure(
        pulumi_mocks.MockSettings(  # type: ignore[no-untyped-call]
            monitor=monitor,
            monitor_features=features,
            engine=pulumi_mocks.MockEngine(None),
            project=project,
            stack=stack,
            dry_run=False,
            organization="organization",
            callbacks=None,
        )
    )
    loop = asyncio.new_event_loop()
    # pulumi.dynamic.serialize_provider wraps pickle's _batch_setitems once more for every
    # dynamic resource and never unwraps it: a second plan in the same process (tests,
    # benchmarks) would pile up wrappers until RecursionError. Each run starts from the
    # original; one `pulumi up` runs the program once per process.
    batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        asyncio.set_event_loop(loop)
        with declaration_sites() as sites:
            monitor.sites = sites
            loop.run_until_complete(run_in_stack(program))
    finally:
        pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
        loop.close()
        # Leave a usable loop behind: Pulumi creates Outputs against the current loop.
        asyncio.set_event_loop(asyncio.new_event_loop())
    return Graph(
        project=project,
        stack=stack,
        resources=[*monitor.recorded, *monitor.default_providers.values()],
    )

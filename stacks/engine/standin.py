"""Stand-in provider plugins for the bridged providers, which cannot be downloaded here.

`python -m stacks.engine.standin <plugin>` serves Pulumi's provider gRPC protocol the way a
real `pulumi-resource-<plugin>` does: Check validates every input against the pinned SDK's
schema (stacks/engine/schema.py), Create/Update/Read/Invoke answer with the realistic outputs
the offline plan uses (stacks/offline/outputs.py). Nothing leaves the machine. Adding a
provider is one line in PLUGINS.
"""

from __future__ import annotations

import importlib.metadata
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from stacks.engine import schema
from stacks.offline.outputs import CALLS, RESOURCES

# plugin name (the `pulumi-resource-<name>` the engine looks for) -> Python SDK package.
PLUGINS: dict[str, str] = {
    "cloudflare": "pulumi_cloudflare",
    "aws": "pulumi_aws",
    "github": "pulumi_github",
    "vercel": "pulumiverse_vercel",
    "grafana": "pulumiverse_grafana",
    "upstash": "upstash_pulumi",
    "sentry": "pulumiverse_sentry",
}
# Keys the engine itself adds to a provider's configuration.
_ENGINE_CONFIG_KEYS = frozenset({"version", "pluginDownloadURL"})


def sdk_version(package: str) -> str:
    dists = importlib.metadata.packages_distributions().get(package, [package])
    return importlib.metadata.version(dists[0])


def _dict(message: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


def _type_and_name(urn: str) -> tuple[str, str]:
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1], parts[3]


def _failures(found: list[schema.Failure]) -> list[provider_pb2.CheckFailure]:
    return [provider_pb2.CheckFailure(property=f.property, reason=f.reason) for f in found]


def computed(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The id and outputs the real provider would return, from the offline plan's table."""
    mock = RESOURCES.get(type_token)
    if mock is None:
        return f"{name}-id", dict(inputs)
    resource_id, extra = mock(name, dict(inputs))
    return resource_id, {**inputs, **extra}


class StandIn(provider_pb2_grpc.ResourceProviderServicer):  # type: ignore[misc]
    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self.package = PLUGINS[plugin]
        self.version = sdk_version(self.package)

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=self.version)

    def Configure(self, request: Any, context: Any) -> Any:
        return provider_pb2.ConfigureResponse(
            acceptSecrets=False, supportsPreview=True, acceptResources=False, acceptOutputs=False
        )

    def CheckConfig(self, request: Any, context: Any) -> Any:
        news = _dict(request.news)
        known = schema.provider_schema(self.package)
        failures = []
        if known is not None:
            for key in news:
                if key not in known.fields and key not in _ENGINE_CONFIG_KEYS:
                    failures.append(
                        schema.Failure(key, f"is not a setting of the {self.plugin} provider")
                    )
        return provider_pb2.CheckResponse(inputs=request.news, failures=_failures(failures))

    def DiffConfig(self, request: Any, context: Any) -> Any:
        changed = _dict(request.olds) != _dict(request.news)
        kind = (
            provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        )
        return provider_pb2.DiffResponse(changes=kind)

    def Check(self, request: Any, context: Any) -> Any:
        type_token, _name = _type_and_name(request.urn)
        news = _dict(request.news)
        known = schema.resource_schema(self.package, type_token)
        if known is None:
            found = [schema.Failure("", f"{type_token} is not a resource of {self.package}")]
        else:
            found = schema.validate(known, news)
        return provider_pb2.CheckResponse(inputs=request.news, failures=_failures(found))

    def Diff(self, request: Any, context: Any) -> Any:
        news = _dict(request.news)
        olds = _dict(request.old_inputs) or _dict(request.olds)
        ignored = set(request.ignoreChanges)
        keys = sorted(
            k for k in set(news) | set(olds) if k not in ignored and news.get(k) != olds.get(k)
        )
        kind = provider_pb2.DiffResponse.DIFF_SOME if keys else provider_pb2.DiffResponse.DIFF_NONE
        return provider_pb2.DiffResponse(changes=kind, diffs=keys)

    def Create(self, request: Any, context: Any) -> Any:
        type_token, name = _type_and_name(request.urn)
        inputs = _dict(request.properties)
        if request.preview:
            return provider_pb2.CreateResponse(id="", properties=request.properties)
        resource_id, outputs = computed(type_token, name, inputs)
        return provider_pb2.CreateResponse(id=resource_id, properties=_struct(outputs))

    def Update(self, request: Any, context: Any) -> Any:
        type_token, name = _type_and_name(request.urn)
        news = _dict(request.news)
        if request.preview:
            return provider_pb2.UpdateResponse(properties=request.news)
        _id, outputs = computed(type_token, name, news)
        return provider_pb2.UpdateResponse(properties=_struct(outputs))

    def Read(self, request: Any, context: Any) -> Any:
        # Nothing changes behind our back in a stand-in: the state read is the state kept.
        return provider_pb2.ReadResponse(
            id=request.id, properties=request.properties, inputs=request.inputs
        )

    def Delete(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> Any:
        args = _dict(request.args)
        accepted = schema.invoke_parameters(self.package, request.tok)
        unknown = sorted(set(args) - accepted) if accepted is not None else []
        if accepted is None or unknown:
            reason = f"unknown arguments {unknown}" if unknown else "not a function of the SDK"
            return provider_pb2.InvokeResponse(
                failures=[provider_pb2.CheckFailure(property=request.tok, reason=reason)]
            )
        answer = CALLS.get(request.tok)
        if answer is None:
            return provider_pb2.InvokeResponse(
                failures=[
                    provider_pb2.CheckFailure(
                        property=request.tok,
                        reason="no realistic answer in stacks/offline/outputs.py CALLS",
                    )
                ]
            )
        return provider_pb2.InvokeResponse(**{"return": _struct(answer(args))})

    def Cancel(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


def serve(plugin: str) -> None:
    """Start the server and print its port (the plugin handshake the engine reads)."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(StandIn(plugin), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()


def write_launchers(folder: Path, python: Path, repo: Path) -> Path:
    """`pulumi-resource-<plugin>` executables for every registered plugin, for PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    for plugin in PLUGINS:
        launcher = folder / f"pulumi-resource-{plugin}"
        command = f'exec "{python}" -m stacks.engine.standin {plugin} "$@"'
        env = f'PYTHONPATH="{repo}" PYTHONSAFEPATH=1'  # the engine's cwd is stacks/
        launcher.write_text(f"#!/bin/sh\n{env} {command}\n", encoding="utf-8")
        launcher.chmod(0o755)
    return folder


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in PLUGINS:
        print(f"usage: python -m stacks.engine.standin {{{','.join(PLUGINS)}}}", file=sys.stderr)
        sys.exit(2)
    serve(sys.argv[1])

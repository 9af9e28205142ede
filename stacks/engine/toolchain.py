"""`make engine`: build the Pulumi CLI at exactly the pinned Python SDK's version, once per
machine, into ~/.cache/careers-crm/pulumi/<version>/ (linked from .tools/pulumi).

The CLI is the Go module github.com/pulumi/pulumi/pkg/v3 (package ./cmd/pulumi). Its go.mod
replaces the SDK with `../sdk`, so `go install mod@version` refuses it: we download the module
from the Go module proxy (the go command checks every module against the checksum database),
drop that replace (go.mod already requires the SDK at the same published version), build, and
copy the two scripts the Python runtime needs from the sdk/v3 module zip. The Python language
host (its own untagged module) is not served by the module proxy here: programs run through
the Automation API's in-process language runtime instead (see stacks/engine/runner.py).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PKG = "github.com/pulumi/pulumi/pkg/v3"
SDK = "github.com/pulumi/pulumi/sdk/v3"
VERSION_VAR = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
# Scripts inside the sdk/v3 module zip: the dynamic provider launcher and the program runner.
SDK_SCRIPTS = (
    "python/dist/pulumi-resource-pulumi-python",
    "python/cmd/pulumi-language-python-exec",
)
LINK = REPO / ".tools" / "pulumi"


class ToolchainError(Exception):
    """The engine could not be built; the message names the step and the command."""


@dataclass(frozen=True)
class Engine:
    version: str
    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def pulumi(self) -> Path:
        return self.bin / "pulumi"


def pinned_version() -> str:
    """The installed (uv.lock-pinned) `pulumi` Python SDK version, as a Go module version."""
    return "v" + importlib.metadata.version("pulumi")


def cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "careers-crm" / "pulumi"


def engine(version: str | None = None) -> Engine:
    version = version or pinned_version()
    return Engine(version, cache_root() / version)


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise ToolchainError(f"`{' '.join(cmd)}` failed in {cwd}:\n" + "\n".join(tail))
    return done.stdout


def _download(modules: list[str], work: Path, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """`go mod download -json`: the go command verifies each zip against sum.golang.org."""
    out = _run(["go", "mod", "download", "-json", *modules], work, env)
    found: dict[str, dict[str, str]] = {}
    decoder = json.JSONDecoder()
    text, pos = out.strip(), 0
    while pos < len(text):
        item, end = decoder.raw_decode(text, pos)
        if item.get("Error"):
            raise ToolchainError(f"go mod download {item['Path']}: {item['Error']}")
        found[item["Path"]] = item
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return found


def _stamp(target: Engine) -> dict[str, object] | None:
    try:
        data = json.loads((target.root / "stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = data.get("version") == target.version and target.pulumi.exists()
    return data if ok else None


def build(version: str | None = None) -> tuple[Engine, dict[str, object]]:
    """Build unless the stamp for this version is there; returns the engine and its stamp."""
    target = engine(version)
    if (cached := _stamp(target)) is not None:
        return target, cached
    if shutil.which("go") is None:
        raise ToolchainError("`go` is not on PATH; install Go (see .ci/system-packages.txt)")
    started = time.perf_counter()
    target.root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"build-{target.version}-", dir=target.root.parent))
    try:
        env = {**os.environ, "GOFLAGS": "-mod=mod", "GOWORK": "off"}
        mods = _download([f"{PKG}@{target.version}", f"{SDK}@{target.version}"], work, env)
        src = work / "pkg"
        shutil.copytree(mods[PKG]["Dir"], src)
        for path in src.rglob("*"):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
        gomod = json.loads(_run(["go", "mod", "edit", "-json"], src, env))
        required = {r["Path"]: r["Version"] for r in gomod.get("Require", [])}
        if required.get(SDK) != target.version:
            raise ToolchainError(f"{PKG}@{target.version} requires {SDK} {required.get(SDK)}")
        for rep in gomod.get("Replace") or []:
            if rep["New"]["Path"].startswith("."):  # a path inside pulumi's repository
                _run(["go", "mod", "edit", f"-dropreplace={rep['Old']['Path']}"], src, env)
        staging = work / "out"
        (staging / "bin").mkdir(parents=True)
        ldflags = f"-s -w -X {VERSION_VAR}={target.version}"
        _run(
            [
                "go",
                "build",
                "-trimpath",
                "-ldflags",
                ldflags,
                "-o",
                str(staging / "bin" / "pulumi"),
                "./cmd/pulumi",
            ],
            src,
            env,
        )
        for script in SDK_SCRIPTS:
            dest = staging / "bin" / Path(script).name
            shutil.copyfile(Path(mods[SDK]["Dir"]) / script, dest)
            dest.chmod(0o755)
        reported = _run([str(staging / "bin" / "pulumi"), "version"], work, env).strip()
        if reported != target.version:
            raise ToolchainError(f"built CLI reports {reported!r}, expected {target.version}")
        stamp: dict[str, object] = {
            "version": target.version,
            "modules": {p: {"sum": m["Sum"], "goModSum": m["GoModSum"]} for p, m in mods.items()},
            "go": _run(["go", "env", "GOVERSION"], work, env).strip(),
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        (staging / "stamp.json").write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        if target.root.exists():
            shutil.rmtree(target.root)
        staging.rename(target.root)
        return target, stamp
    finally:
        shutil.rmtree(work, ignore_errors=True)


def link(target: Engine) -> None:
    """.tools/pulumi -> the cached engine, so `.tools/pulumi/bin/pulumi` works from the clone."""
    LINK.parent.mkdir(parents=True, exist_ok=True)
    if LINK.is_symlink() or LINK.exists():
        if LINK.resolve() == target.root.resolve():
            return
        LINK.unlink() if LINK.is_symlink() else shutil.rmtree(LINK)
    LINK.symlink_to(target.root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.engine.toolchain", description=__doc__)
    parser.add_argument("--version", help="default: the installed pulumi SDK's version")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        target, stamp = build(args.version)
    except ToolchainError as err:
        print(f"engine build failed: {err}", file=sys.stderr)
        return 2
    link(target)
    print(
        f"pulumi {target.version} ready in {target.bin} "
        f"({time.perf_counter() - started:.1f} s; built once in {stamp['build_seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

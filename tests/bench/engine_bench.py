"""Benchmark of the real engine: engine build cold (from its stamp: the one real build on
this machine) and warm (`make engine` with the cache present), `make preview STACK=prod`
next to `make plan`, and the `local` stack's round trip (tests/engine/local_stack.py: the
whole program, dynamic providers on contract-held stand-ins, a real Uptime Kuma): first `up`,
no-op `up`, `refresh`, `destroy` (stopped by the protected resources).

Writes build/bench/engine.json. A benchmark, not a test: it reports, it does not assert.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pulumi import automation as auto

from stacks.engine import toolchain
from tests.engine.local_stack import local_stack

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def wall(cmd: list[str]) -> float:
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, env=env)
    return round(time.perf_counter() - started, 2)


def local_round_trip() -> dict[str, object]:
    """Wall seconds of each step of the local round trip, and the resources it made."""
    seconds: dict[str, float] = {}

    def timed(step: str, run: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return run()
        finally:
            seconds[f"local_{step}_s"] = round(time.perf_counter() - started, 2)

    base = Path(tempfile.mkdtemp(prefix="bench-local-"))
    with local_stack(base) as local:
        first = timed("first_up", local.stack.up)
        noop = timed("noop_up", local.stack.up)
        timed("refresh", local.stack.refresh)
        # The protected resources stop it, as they should: timed up to there.
        with contextlib.suppress(auto.errors.CommandError):
            timed("destroy", local.stack.destroy)
    shutil.rmtree(base, ignore_errors=True)
    return {
        "local_resources": sum((first.summary.resource_changes or {}).values()),
        **seconds,
        "local_noop_up_changes": {
            str(k): v for k, v in (noop.summary.resource_changes or {}).items() if k != "same"
        },
    }


def main() -> None:
    target, stamp = toolchain.build()
    result: dict[str, object] = {
        "engine_version": target.version,
        "engine_build_cold_s": stamp["build_seconds"],
        "engine_build_warm_s": wall(["make", "-s", "engine"]),
        "make_plan_s": wall(["make", "-s", "plan", "STACK=prod"]),
        "make_preview_s": wall(["make", "-s", "preview", "STACK=prod"]),
        **local_round_trip(),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }
    out = ROOT / "build" / "bench" / "engine.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

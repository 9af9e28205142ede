"""Benchmark of the real engine: engine build cold (from its stamp: the one real build on
this machine) and warm (`make engine` with the cache present), `make preview STACK=prod`
next to `make plan`. (First and no-op `up` times need the local round trip, not built yet:
on prod the dynamic resources would reach the real Supabase, Railway and Kuma APIs.)

Writes build/bench/engine.json. A benchmark, not a test: it reports, it does not assert.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from stacks.engine import toolchain

ROOT = Path(__file__).resolve().parents[2]


def wall(cmd: list[str]) -> float:
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, env=env)
    return round(time.perf_counter() - started, 2)


def main() -> None:
    target, stamp = toolchain.build()
    result: dict[str, object] = {
        "engine_version": target.version,
        "engine_build_cold_s": stamp["build_seconds"],
        "engine_build_warm_s": wall(["make", "-s", "engine"]),
        "make_plan_s": wall(["make", "-s", "plan", "STACK=prod"]),
        "make_preview_s": wall(["make", "-s", "preview", "STACK=prod"]),
    }
    out = ROOT / "build" / "bench" / "engine.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

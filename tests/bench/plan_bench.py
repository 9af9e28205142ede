"""Benchmark of the offline plan: `make plan` warm wall time against the floor, which is
importing pulumi_cloudflare alone (target: at most 1.5x). With --setup, also the set-up time
of a fresh clone (`make setup` in a new checkout; uv's download cache stays warm).

Writes build/bench/plan.json. A benchmark, not a test: it reports, it does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")


def wall(cmd: list[str], cwd: Path, runs: int) -> list[float]:
    times = []
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return times


def fresh_clone_setup() -> float:
    with tempfile.TemporaryDirectory(prefix="crm-clone-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        started = time.perf_counter()
        subprocess.run(["make", "setup"], cwd=clone, check=True, capture_output=True)
        elapsed = time.perf_counter() - started
        shutil.rmtree(clone, ignore_errors=True)
        return elapsed


def import_breakdown(cmd: list[str]) -> dict[str, float]:
    """Import seconds by top-level package (`python -X importtime` self times summed): where a
    plan's time beyond the floor goes."""
    done = subprocess.run(
        [PY, "-X", "importtime", *cmd], cwd=ROOT, capture_output=True, text=True, check=True
    )
    by_package: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        self_us = parts[0].removeprefix("import time:").strip()
        if len(parts) != 3 or not self_us.isdigit():
            continue
        top = parts[2].strip().split(".")[0]
        by_package[top] = by_package.get(top, 0.0) + int(self_us) / 1e6
    return {k: round(v, 3) for k, v in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--setup", action="store_true", help="also time a fresh clone's set-up")
    args = parser.parse_args()

    wall([PY, "-m", "stacks.plan", "--quiet"], ROOT, 1)  # warm the page cache
    floor = wall([PY, "-c", "import pulumi_cloudflare"], ROOT, args.runs)
    plan = wall(
        [PY, "-m", "stacks.plan", "--quiet", "--out", str(ROOT / "build" / "bench" / "plan-graph")],
        ROOT,
        args.runs,
    )
    result = {
        "runs": args.runs,
        "import_pulumi_cloudflare_s": round(statistics.median(floor), 3),
        "plan_prod_s": round(statistics.median(plan), 3),
        "ratio": round(statistics.median(plan) / statistics.median(floor), 2),
        "target_ratio": 1.5,
    }
    with tempfile.TemporaryDirectory() as out_dir:
        plan_imports = import_breakdown(["-m", "stacks.plan", "--quiet", "--out", out_dir])
    floor_imports = import_breakdown(["-c", "import pulumi_cloudflare"])
    result["imports_self_seconds_by_package"] = {
        "plan": plan_imports,
        "floor": floor_imports,
        "note": "-X importtime self time summed per top-level package (one run each); "
        "the plan's packages absent from the floor are the SDKs and libraries the prod "
        "stack uses beyond Cloudflare",
    }
    result["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    if args.setup:
        result["fresh_clone_setup_s"] = round(fresh_clone_setup(), 1)
        result["target_setup_s"] = 90
    out = ROOT / "build" / "bench" / "plan.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

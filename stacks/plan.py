"""`make plan STACK=prod`: the stack's resource graph, offline.

Runs the real program under Pulumi's mock runtime with the stack's configuration and
realistic computed outputs, prints resources by provider and type, and writes
`build/<stack>/resources.json` (plus `resource-options.json`). No credentials, no network.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from stacks.offline.inputs import Recorder, write_record

ROOT = Path(__file__).resolve().parent.parent
# Run as `python -m stacks.plan`: record what the plan reads, from before its first import,
# so `make audit` can reuse an unchanged plan (stacks/offline/inputs.py). Never on import:
# an audit hook cannot be removed.
# Installed packages are pinned by uv.lock, which the record digests instead of their files.
IGNORED = [ROOT / "build", ROOT / ".venv", ROOT / ".tools"]
RECORDER = Recorder(ROOT, ignore=IGNORED) if __name__ == "__main__" else None
if RECORDER is not None:
    RECORDER.install()

warnings.filterwarnings("ignore", category=DeprecationWarning)

import pulumi  # noqa: E402

from stacks import config as stack_config  # noqa: E402
from stacks.offline.graph import Graph, write  # noqa: E402
from stacks.offline.outputs import OfflineMocks  # noqa: E402
from stacks.offline.runtime import run_offline  # noqa: E402
from stacks.offline.stack_files import StackFileError, load_stack_settings  # noqa: E402


class PlanError(Exception):
    """The plan could not be made; the message is for the engineer, not a stack trace."""


def plan(stack: str, root: Path = ROOT, overrides: dict[str, str] | None = None) -> Graph:
    """Plan `stack`; `overrides` (full keys such as `careers-crm:cloudflare.plan`) replace
    stack file values, for what-if plans and tests."""
    from stacks.config.declared import stack_problem
    from stacks.program import main as program

    if (problem := stack_problem(stack, root)) is not None:
        raise PlanError(problem)
    try:
        settings = load_stack_settings(root, stack)
    except StackFileError as err:
        raise PlanError(str(err)) from None
    config = {**settings.config, **(overrides or {})}
    try:
        return run_offline(
            program, settings.project, settings.stack, config, settings.secret_keys, OfflineMocks()
        )
    except pulumi.RunError as err:
        raise PlanError(str(err)) from None
    except stack_config.ConfigError as err:
        raise PlanError(str(err)) from None


def summary_table(graph: Graph) -> str:
    """Resources counted by provider package and type token, for a reader's first glance."""
    counts = Counter((r.type.split(":", 1)[0], r.type) for r in graph.resources)
    width = max(len(t) for _, t in counts) if counts else 10
    lines = [f"{'provider':<14} {'type':<{width}} count", "-" * (width + 21)]
    lines += [f"{pkg:<14} {typ:<{width}} {n:>5}" for (pkg, typ), n in sorted(counts.items())]
    lines.append(f"{'':<14} {'total':<{width}} {sum(counts.values()):>5}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.plan", description=__doc__)
    parser.add_argument("--stack", default="prod")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: build/<stack>)"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="folder holding Pulumi.yaml and the stack files"
    )
    parser.add_argument("--quiet", action="store_true", help="no table, only the file path")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        graph = plan(args.stack, args.root)
    except PlanError as err:
        print(f"plan of stack {args.stack!r} failed:\n{err}", file=sys.stderr)
        return 2
    out_dir = args.out or ROOT / "build" / args.stack
    path = write(graph, out_dir)
    record = out_dir / "plan-inputs.json"
    record.unlink(missing_ok=True)
    if RECORDER is not None and args.root.resolve() == ROOT:
        outputs = [path, out_dir / "resource-options.json"]
        write_record(RECORDER, out_dir, [o for o in outputs if o.is_file()], sys.argv[1:])
    if not args.quiet:
        print(summary_table(graph))
    elapsed = time.perf_counter() - started
    print(
        f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
        f"({len(graph.resources)} resources, {elapsed:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

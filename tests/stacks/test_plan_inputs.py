"""`make audit` reuses the last plan only when nothing the plan read has changed: each kind of
change a plan can see (a module, a data file, a folder's contents, the arguments, the output
itself) makes it plan again; the real plan records what it really reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from stacks.offline.inputs import RECORD, stale_reason

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["--stack", "demo"]

RUNNER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from stacks.offline.inputs import Recorder, write_record

    root = Path(sys.argv[1])
    recorder = Recorder(root, ignore=[root / "out"])
    recorder.install()
    sys.path.insert(0, str(root))
    import program  # a module of the "repository"

    value = (root / "settings.yaml").read_text()
    names = sorted(p.name for p in (root / "dashboards").iterdir())
    out = root / "out"
    out.mkdir(exist_ok=True)
    (out / "resources.json").write_text(program.render(value, names))
    write_record(recorder, out, [out / "resources.json"], sys.argv[2:])
    """
)


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "dashboards").mkdir(parents=True)
    (root / "dashboards" / "api.json").write_text("{}")
    (root / "settings.yaml").write_text("plan: free\n")
    (root / "program.py").write_text("def render(v, names):\n    return v + ','.join(names)\n")
    (root / "unread.txt").write_text("nothing reads this\n")
    return root


def _plan(root: Path, args: list[str] = ARGS) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", RUNNER, str(root), *args], check=True, env=env)


def test_an_unchanged_plan_is_reused_and_each_change_replans(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    out = root / "out"
    assert stale_reason(root, out, ARGS) == "no record of a previous plan"
    _plan(root)
    assert stale_reason(root, out, ARGS) is None
    (root / "unread.txt").write_text("edited, but the plan never opened it\n")
    assert stale_reason(root, out, ARGS) is None

    changes = {
        "settings.yaml changed": lambda: (root / "settings.yaml").write_text("plan: pro\n"),
        "program.py changed": lambda: (root / "program.py").write_text(
            "def render(v, names):\n    return v\n"
        ),
        "dashboards/ gained or lost a file": lambda: (root / "dashboards" / "web.json").write_text(
            "{}"
        ),
        "changed since it was planned": lambda: (out / "resources.json").write_text("[]"),
    }
    for expected, change in changes.items():
        change()
        reason = stale_reason(root, out, ARGS)
        assert reason is not None and expected in reason, (expected, reason)
        _plan(root)
        assert stale_reason(root, out, ARGS) is None
    assert stale_reason(root, out, ["--stack", "other"]) == (
        "interpreter, lock file or arguments changed"
    )
    (out / RECORD).write_text("{not json")
    assert stale_reason(root, out, ARGS) == "unreadable record (JSONDecodeError)"


def test_the_real_plan_records_what_it_reads(tmp_path: Path) -> None:
    args = ["--stack", "prod", "--quiet", "--out", str(tmp_path)]
    subprocess.run([sys.executable, "-m", "stacks.plan", *args], cwd=ROOT, check=True)
    record = json.loads((tmp_path / RECORD).read_text())
    files = set(record["files"])
    assert {"Pulumi.yaml", "Pulumi.prod.yaml", "stacks/program.py", "common/quotas.yaml"} <= files
    assert {"infra/cloudflare/edge.py", "policies/audit.py"} & files == {"infra/cloudflare/edge.py"}
    assert not any(name.startswith((".venv/", "build/")) for name in files)
    assert stale_reason(ROOT, tmp_path, args) is None

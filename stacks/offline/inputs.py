"""What an offline plan read, so `make audit` can tell whether the plan it has is still the
plan it would make.

The plan records, as it runs, every file it opened or imported and every folder it listed
inside the repository (an audit hook sees each `open`, `os.listdir` and `os.scandir`), with
their digests, next to its output (`plan-inputs.json`). Before planning again, the audit
checks that record: same interpreter, same lock file, same arguments, every file and listing
unchanged, the outputs as the plan wrote them. Any difference, or no record, means plan
again. Nothing is guessed from file names: a file the plan never touched cannot change it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

RECORD = "plan-inputs.json"
_FORMAT = 1


class Recorder:
    """Collects the repository paths a run opens and lists (install before the imports)."""

    def __init__(self, root: Path, ignore: Iterable[Path] = ()) -> None:
        self.root = root.resolve()
        self.ignore = tuple(p.resolve() for p in ignore)
        # As written (not resolved): most opens are installed packages under .venv, skipped
        # by a string test before paying for resolve() on the audit hook's hot path.
        self._skip = tuple(os.path.join(os.path.abspath(p), "") for p in ignore)
        self.opened: set[Path] = set()
        self.listed: set[Path] = set()

    def install(self) -> None:
        sys.addaudithook(self._hook)

    def _inside(self, raw: Any) -> Path | None:
        if not isinstance(raw, (str, bytes, os.PathLike)) or isinstance(raw, int):
            return None
        text = os.path.abspath(os.fsdecode(raw))
        if text.startswith(self._skip):
            return None
        path = Path(text).resolve()
        if not path.is_relative_to(self.root) or any(path.is_relative_to(i) for i in self.ignore):
            return None
        return path

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args:
            if (path := self._inside(args[0])) is not None:
                self.opened.add(path)
        elif event in ("os.listdir", "os.scandir") and args:
            folder = self._inside(args[0] if args[0] is not None else ".")
            if folder is not None:
                self.listed.add(folder)

    def files(self) -> set[Path]:
        """Files opened, plus every module imported from the repository."""
        names = (getattr(m, "__file__", None) for m in list(sys.modules.values()))
        modules = {Path(name).resolve() for name in names if name}
        found = {p for p in self.opened | modules if self._inside(p) is not None}
        return {p for p in found if p.is_file() and p.suffix != ".pyc"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(path: Path) -> list[str]:
    return sorted(os.listdir(path)) if path.is_dir() else []


def _environment(root: Path, argv: Sequence[str]) -> dict[str, Any]:
    lock = root / "uv.lock"
    return {
        "format": _FORMAT,
        "python": sys.version,
        "lock": _digest(lock) if lock.is_file() else None,
        "argv": list(argv),
    }


def write_record(
    recorder: Recorder, out_dir: Path, outputs: Sequence[Path], argv: Sequence[str]
) -> None:
    """Write what this plan read and wrote to `out_dir/plan-inputs.json`."""
    root = recorder.root
    record = {
        "environment": _environment(root, argv),
        "files": {str(p.relative_to(root)): _digest(p) for p in sorted(recorder.files())},
        "listings": {
            str(p.relative_to(root)): _listing(p) for p in sorted(recorder.listed) if p.is_dir()
        },
        "outputs": {str(p.resolve()): _digest(p) for p in outputs},
    }
    (out_dir / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def stale_reason(root: Path, out_dir: Path, argv: Sequence[str]) -> str | None:
    """Why the plan in `out_dir` cannot be reused (None: it is the plan a run would make)."""
    path = out_dir / RECORD
    if not path.is_file():
        return "no record of a previous plan"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("environment") != _environment(root, argv):
            return "interpreter, lock file or arguments changed"
        for name, digest in record["outputs"].items():
            if not Path(name).is_file() or _digest(Path(name)) != digest:
                return f"{name} changed since it was planned"
        for name, digest in record["files"].items():
            file = root / name
            if not file.is_file() or _digest(file) != digest:
                return f"{name} changed"
        for name, names in record["listings"].items():
            if _listing(root / name) != names:
                return f"{name}/ gained or lost a file"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        return f"unreadable record ({type(err).__name__})"
    return None

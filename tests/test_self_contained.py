"""A clone of this repository alone runs everything: nothing reads outside the checkout.

Our users clone the repository without anything beside it; a test or doc that reaches for
`../shared/` (our workplace's notes) passes here and fails for them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "tests" / "contracts"
OUTSIDE = re.compile(r"\.\./shared|shared/contracts|shared/FACTS|parent\s*/\s*\"shared\"")


def _tracked_text_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    paths = [ROOT / name for name in out.split("\0") if name]
    return [p for p in paths if p.is_file() and not p.is_relative_to(CONTRACTS)]


def test_no_tracked_file_points_outside_the_checkout() -> None:
    offenders = []
    for path in _tracked_text_files():
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line) and path.name != Path(__file__).name
        ]
    assert not offenders, "reads or cites ../shared/, which users do not have:\n" + "\n".join(
        offenders
    )


def test_every_vendored_contract_is_listed_with_its_source() -> None:
    readme = (CONTRACTS / "README.md").read_text()
    files = sorted(p.name for p in CONTRACTS.iterdir() if p.name != "README.md")
    assert files, "no contract vendored"
    missing = [name for name in files if f"`{name}`" not in readme]
    assert not missing, f"contracts without a source line in tests/contracts/README.md: {missing}"
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert listed == set(files), f"README lists {sorted(listed)}, folder has {files}"

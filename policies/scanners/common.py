"""What scanners share: where they run from and how their results become our Findings."""

from __future__ import annotations

from pathlib import Path

from policies import controls as c
from policies.controls import Control

REPO = Path(__file__).resolve().parent.parent.parent

# Not ours to scan: environments, caches, build output and the lock file's hashes.
SKIPPED_PATHS = (
    r"\.venv",
    r"\.venv-checkov",
    r"\.tools",
    r"\.git/",
    r"\.mypy_cache",
    r"\.ruff_cache",
    "node_modules",
    "build",
    "uv.lock",
    "checkov-requirements.txt",
)


class ScannerError(Exception):
    """A scanner could not run or its output could not be read; the message says how to fix."""


def relative(path: str, root: Path = REPO) -> str:
    candidate = Path(path.lstrip("/")) if not Path(path).exists() else Path(path)
    try:
        return str(candidate.resolve().relative_to(root))
    except ValueError:
        return path.lstrip("/")


SUPPLY_CHAIN = (c.ASVS_14_2_4, c.CIS_16_4, c.SOC2_CC8_1)
LEAST_PRIVILEGE = (c.CIS_6_8, c.SOC2_CC6_3)
SECRETS = (c.ASVS_2_10_4, c.ASVS_6_4_1, c.SOC2_CC6_1)
PIPELINE = (c.CIS_16_1, c.SOC2_CC8_1)
CONTAINER = (c.CIS_4_1, c.SOC2_CC8_1)


def dicts(controls: tuple[Control, ...]) -> tuple[dict[str, str], ...]:
    return tuple(x.as_dict() for x in controls)

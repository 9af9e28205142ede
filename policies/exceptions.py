"""Reviewed exceptions: a finding may be accepted for a while, with a reason and an owner.

An excepted finding stays in every report, marked as such. Once the expiry date passes the
exception no longer protects it: the finding blocks again, flagged as an expired exception.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.findings import STATUS_EXCEPTED, STATUS_EXPIRED, Finding

DEFAULT_PATH = Path(__file__).with_name("exceptions.yaml")
REQUIRED = ("policy_id", "resource", "justification", "owner", "expires")


class ExceptionsError(Exception):
    """The exceptions file is malformed; the message names the entry, the field and the fix."""


@dataclass(frozen=True)
class PolicyException:
    policy_id: str
    resource: str  # URN, logical name, file path, `path:line` or `path#checkov-resource`
    justification: str
    owner: str
    expires: dt.date
    property_path: str = "*"  # narrows a resource finding to one property (glob)

    def covers(self, finding: Finding) -> bool:
        if finding.policy_id != self.policy_id:
            return False
        if not finding.file and not fnmatch.fnmatchcase(finding.property_path, self.property_path):
            return False
        targets = [finding.resource_urn, finding.file]
        if finding.file and finding.property_path:
            targets.append(f"{finding.file}#{finding.property_path}")
        if finding.resource_urn.startswith("urn:pulumi:"):
            targets.append(finding.resource_urn.rsplit("::", 1)[-1])
        return any(t and fnmatch.fnmatchcase(t, self.resource) for t in targets)

    def as_dict(self) -> dict[str, str]:
        return {
            "policy_id": self.policy_id,
            "resource": self.resource,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "property_path": self.property_path,
        }


def load_exceptions(path: Path = DEFAULT_PATH) -> list[PolicyException]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except yaml.YAMLError as exc:
        raise ExceptionsError(f"{path}: not valid YAML ({exc})") from None
    if raw is None:
        return []
    entries = raw.get("exceptions") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ExceptionsError(f"{path}: expected a top-level 'exceptions:' list")
    return [_parse(entry, f"{path}: exceptions[{i}]") for i, entry in enumerate(entries)]


def _parse(entry: Any, where: str) -> PolicyException:
    if not isinstance(entry, dict):
        raise ExceptionsError(f"{where}: must be a mapping with {', '.join(REQUIRED)}")
    missing = [k for k in REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise ExceptionsError(
            f"{where}: missing {', '.join(missing)}; every exception needs "
            "a reviewed justification, an owner and an expiry date"
        )
    expires = entry["expires"]
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise ExceptionsError(
                f"{where}.expires: '{expires}' is not a date; write it as YYYY-MM-DD"
            ) from None
    if not isinstance(expires, dt.date):
        raise ExceptionsError(f"{where}.expires: write the date as YYYY-MM-DD")
    if len(str(entry["justification"]).strip()) < 20:
        raise ExceptionsError(
            f"{where}.justification: explain the accepted risk in a sentence "
            "(at least 20 characters)"
        )
    return PolicyException(
        str(entry["policy_id"]),
        str(entry["resource"]),
        str(entry["justification"]).strip(),
        str(entry["owner"]),
        expires,
        str(entry.get("property_path") or "*"),
    )


def apply_exceptions(
    findings: list[Finding], exceptions: list[PolicyException], today: dt.date | None = None
) -> list[Finding]:
    today = today or dt.datetime.now(dt.UTC).date()
    result = []
    for finding in findings:
        match = next((e for e in exceptions if e.covers(finding)), None)
        if match is None:
            result.append(finding)
        elif match.expires < today:
            result.append(finding.with_status(STATUS_EXPIRED, match.as_dict()))
        else:
            result.append(finding.with_status(STATUS_EXCEPTED, match.as_dict()))
    return result

"""Infisical: where the stack's secrets live, who reads them, how often the DB password rotates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stacks.config.reader import Reader, endpoint_check

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{3,34}[a-z0-9]$")
MAX_ROTATION_DAYS = 90  # the longest interval policy CRM-INF-005 accepts


@dataclass(frozen=True)
class InfisicalConfig:
    api_url: str
    organization_id: str
    project_slug: str
    deploy_identity_id: str  # the person-made identity `pulumi up` runs as (OIDC, prod)
    refresh_seconds: int  # how often the API and worker re-read their folder
    db_password_rotation_days: int


def read_infisical(reader: Reader) -> InfisicalConfig:
    def uuid_check(value: str) -> str | None:
        return (
            None
            if _UUID_RE.match(value)
            else f"must be an id such as 0b9c6d1e-6a4f-4f0a-9d51-2f8f0c1a7e11 "
            f"(Infisical > Organization settings); got {value!r}"
        )

    def slug_check(value: str) -> str | None:
        return (
            None
            if _SLUG_RE.match(value)
            else f"must be 5-36 lower-case letters, digits or '-'; got {value!r}"
        )

    return InfisicalConfig(
        api_url=reader.string(
            "infisical.apiUrl", "https://app.infisical.com", check=endpoint_check
        ).rstrip("/"),
        organization_id=reader.string("infisical.organizationId", check=uuid_check),
        project_slug=reader.string("infisical.projectSlug", "careers-crm", check=slug_check),
        deploy_identity_id=reader.string("infisical.deployIdentityId", check=uuid_check),
        refresh_seconds=reader.integer("infisical.refreshSeconds", 300, minimum=30, maximum=3600),
        db_password_rotation_days=reader.integer(
            "infisical.dbPasswordRotationDays", 30, minimum=1, maximum=MAX_ROTATION_DAYS
        ),
    )

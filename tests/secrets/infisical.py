"""A contract-held Infisical stand-in with a project, the API's identity and its folder."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from infra.infisical.client import InfisicalClient
from tests.infra.infisical.fake_api import ORG_ID, FakeInfisical

API_URL = "https://app.infisical.com"
CLIENT_SECRET = "fake-api-client-secret-7f3a9c"


@dataclass
class World:
    fake: FakeInfisical
    project_id: str
    client_id: str
    identity_id: str

    def http(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.fake))

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "INFISICAL_API_URL": API_URL,
            "INFISICAL_CLIENT_ID": self.client_id,
            "INFISICAL_CLIENT_SECRET": CLIENT_SECRET,
            "INFISICAL_PROJECT_ID": self.project_id,
            "INFISICAL_ENVIRONMENT": "prod",
            "INFISICAL_PATH": "/api",
            **extra,
        }

    def put(self, name: str, value: str, path: str = "/api") -> None:
        self.fake.put_secret(self.project_id, "prod", path, name, value)

    def value(self, name: str, path: str = "/api") -> str:
        return str(self.fake.secrets[(self.project_id, "prod", path, name)]["value"])


def world() -> World:
    fake = FakeInfisical()
    with InfisicalClient(
        fake.admin_token, base_url=API_URL, transport=httpx.MockTransport(fake)
    ) as admin:
        project = admin.create_project("Careers CRM", "careers-crm")
        for folder in ("api", "worker", "rotation"):
            admin.create_folder(project["id"], "prod", folder)
        identity = admin.create_identity("crm-api-prod", ORG_ID)
    client_id = fake.add_universal_auth_client(identity["id"], CLIENT_SECRET)
    return World(fake, str(project["id"]), client_id, str(identity["id"]))

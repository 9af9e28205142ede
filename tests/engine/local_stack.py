"""The `local` stack: the whole program under the real engine (`make engine`'s CLI), on a
throwaway file backend, with every API our dynamic providers call answered on 127.0.0.1.

- Supabase Management, Railway GraphQL, Infisical and Resend: the contract-held fakes of
  tests/infra/*/fake_api.py, served over HTTP (tests/support/fake_http.py), so a request the
  official contract refuses fails the `up`;
- Uptime Kuma: a real server (tests/support/uptime_kuma.py), which the provider claims and
  fills with monitors through its Socket.IO API;
- the bridged providers (Cloudflare, AWS for R2, GitHub, Vercel, Grafana, Upstash, Sentry):
  the schema-checking stand-in plugins `make preview` uses.

Config starts from prod's committed file; the `local` stack only points the vendors' endpoints
at the stand-ins (the `*.apiUrl` keys, `uptimeKuma.url`) and sets obviously fake secrets.
Shared by tests/engine/test_local_up.py and tests/bench/engine_bench.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from infra.infisical.client import TOKEN_ENV as INFISICAL_TOKEN_ENV
from stacks.engine import runner
from tests.infra.infisical.fake_api import FakeInfisical
from tests.infra.railway.fake_api import WORKSPACE_ID, FakeRailway
from tests.infra.resend.fake_api import FAKE_KEY as RESEND_KEY
from tests.infra.resend.fake_api import FakeResend
from tests.infra.supabase.fake_api import PROJECT_REF, FakeSupabase
from tests.support.fake_http import Fake, Served, serving
from tests.support.uptime_kuma import KumaServer, ensure_installed, running_kuma

STACK = "local"
KUMA_PASSWORD = "fake-kuma-admin-pw-local"  # obviously fake; the server lives for one run
DB_PASSWORD = "fake-db-password-local"


@dataclass
class StandIns:
    """The running stand-ins, and what a stack needs to use them."""

    supabase: FakeSupabase
    railway: FakeRailway
    infisical: FakeInfisical
    resend: FakeResend
    kuma: KumaServer
    served: dict[str, Served]
    config: dict[str, str]  # the endpoint keys (and the ids the fakes answer for)
    secrets: dict[str, str]  # secrets whose shape or value the stand-ins check
    env: dict[str, str]  # the provider processes' credentials (Infisical)

    def contract_errors(self) -> dict[str, list[str]]:
        """Requests a fake refused (its contract said no), by vendor."""
        return {name: list(s.errors) for name, s in self.served.items() if s.errors}


@contextmanager
def stand_ins() -> Iterator[StandIns]:
    """Serve the four API fakes and start a fresh Uptime Kuma; stop them after."""
    supabase, railway, infisical, resend = (
        FakeSupabase(),
        FakeRailway(),
        FakeInfisical(),
        FakeResend(),
    )
    fakes: dict[str, Fake] = {
        "supabase": supabase,
        "railway": railway,
        "infisical": infisical,
        "resend": resend,
    }
    with ExitStack() as running:
        served = {name: running.enter_context(serving(fake)) for name, fake in fakes.items()}
        kuma = running.enter_context(running_kuma(ensure_installed()))
        yield StandIns(
            supabase=supabase,
            railway=railway,
            infisical=infisical,
            resend=resend,
            kuma=kuma,
            served=served,
            config={
                "supabase.projectRef": PROJECT_REF,
                "supabase.managementApiUrl": served["supabase"].url,
                "railway.apiUrl": served["railway"].url + "/graphql/v2",
                "railway.workspaceId": WORKSPACE_ID,
                "resend.apiUrl": served["resend"].url,
                "infisical.apiUrl": served["infisical"].url,
                "uptimeKuma.url": kuma.url,
            },
            secrets={
                "resend.apiKey": RESEND_KEY,
                "uptimeKuma.adminPassword": KUMA_PASSWORD,
                # Kuma's keep-alive monitor checks the DSN's shape; nothing listens there.
                "supabase.databaseUrl": f"postgresql://postgres.{PROJECT_REF}:{DB_PASSWORD}"
                "@127.0.0.1:9/postgres",
            },
            env={INFISICAL_TOKEN_ENV: infisical.admin_token},
        )


@dataclass
class LocalStack:
    stack: auto.Stack
    dirs: runner.Throwaway
    stand_ins: StandIns
    secrets: dict[str, str]  # every secret the stack config holds, to look for in the state

    def contract_errors(self) -> dict[str, list[str]]:
        return self.stand_ins.contract_errors()

    def secret_values(self) -> dict[str, str]:
        """Every secret this run knows: the config's, and those the stand-ins issued (the
        Infisical client secrets Pulumi created for the API and the worker)."""
        issued = {
            f"infisical client secret {cs_id}": str(cs["secret"])
            for cs_id, cs in self.stand_ins.infisical.client_secrets.items()
        }
        return {**self.secrets, **issued}

    def stored_text(self) -> dict[Path, str]:
        """What the backend keeps on disk (state, its backups and update history) and the
        stack's config file, by path: where a plaintext secret must never be."""
        files = [p for p in self.dirs.state.rglob("*") if p.is_file()]
        files.append(self.dirs.project / f"Pulumi.{STACK}.yaml")
        return {p: p.read_text(encoding="utf-8", errors="replace") for p in files}


@contextmanager
def local_stack(base: Path) -> Iterator[LocalStack]:
    """Start the stand-ins, open the `local` stack under `base`, stop everything after."""
    with stand_ins() as running:
        secrets = {**runner.fake_secrets(), **running.secrets}
        opened = runner.open_throwaway(
            STACK,
            source="prod",
            base=base,
            secrets=secrets,
            config=running.config,
            env=running.env,
        )
        yield LocalStack(opened, runner.Throwaway(base), running, secrets)

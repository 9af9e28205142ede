"""The `local` round trip under the real engine: `up` creates the whole program, a second `up`
changes nothing, `refresh` finds what was changed behind Pulumi's back (and the next `up` puts
it back), `destroy` stops at the protected resources, and nothing the backend stores holds a
secret in plain text. Every dynamic provider talks HTTP to a contract-held stand-in, Uptime
Kuma is real (tests/engine/local_stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi import automation as auto

from infra.uptime_kuma.client import kuma_session
from stacks.engine import toolchain
from tests.engine.local_stack import KUMA_PASSWORD, LocalStack, local_stack

PROTECTED = {"storage-uploads", "storage-backups", "platform-repo", "infisical-project"}
# Someone turns off email confirmation and points sign-in links elsewhere, in the dashboard.
BEHIND_OUR_BACK = {"site_url": "https://attacker.example", "mailer_autoconfirm": True}


@dataclass
class Operations:
    """Resource operations the engine reported, as (op, resource name) pairs."""

    seen: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata is not None:
            self.seen.append((str(pre.metadata.op.value), pre.metadata.urn.split("::")[-1]))

    def changed(self) -> set[tuple[str, str]]:
        return {(op, name) for op, name in self.seen if op not in ("same", "read")}


@dataclass
class RoundTrip:
    local: LocalStack
    first: auto.UpResult
    second: auto.UpResult
    second_ops: Operations
    refresh: auto.RefreshResult
    refresh_ops: Operations
    repair: auto.UpResult
    repair_ops: Operations
    auth_after_repair: dict[str, Any]
    monitors: dict[str, dict[str, Any]]
    made: dict[str, int]  # what the first `up` made in each stand-in
    destroy_error: str
    after_destroy: dict[str, int]
    remaining: list[dict[str, Any]]


def counts(local: LocalStack, monitors: int) -> dict[str, int]:
    return {
        "railway services": len(local.stand_ins.railway.services),
        "infisical projects": len(local.stand_ins.infisical.projects),
        "infisical secrets": len(local.stand_ins.infisical.secrets),
        "resend domains": len(local.stand_ins.resend.domains),
        "kuma monitors": monitors,
    }


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoundTrip]:
    if not toolchain.engine().pulumi.exists():
        toolchain.build()
    with local_stack(tmp_path_factory.mktemp("local-stack")) as local:
        stack = local.stack
        first = stack.up()
        with kuma_session(local.stand_ins.kuma.url, "admin", KUMA_PASSWORD) as kuma:
            monitors = kuma.owned()
        made = counts(local, len(monitors))
        second_ops = Operations()
        second = stack.up(on_event=second_ops)
        local.stand_ins.supabase.auth.update(BEHIND_OUR_BACK)
        refresh_ops = Operations()
        refresh = stack.refresh(on_event=refresh_ops)
        repair_ops = Operations()
        repair = stack.up(on_event=repair_ops)
        auth_after_repair = dict(local.stand_ins.supabase.auth)
        with pytest.raises(auto.errors.CommandError) as destroyed:
            stack.destroy()
        remaining = stack.export_stack().deployment.get("resources", [])
        with kuma_session(local.stand_ins.kuma.url, "admin", KUMA_PASSWORD) as kuma:
            after_destroy = counts(local, len(kuma.owned()))
        yield RoundTrip(
            local=local,
            first=first,
            second=second,
            second_ops=second_ops,
            refresh=refresh,
            refresh_ops=refresh_ops,
            repair=repair,
            repair_ops=repair_ops,
            auth_after_repair=auth_after_repair,
            monitors=monitors,
            made=made,
            destroy_error=str(destroyed.value),
            after_destroy=after_destroy,
            remaining=remaining,
        )


def test_first_up_creates_the_whole_program(trip: RoundTrip) -> None:
    changes = trip.first.summary.resource_changes or {}
    assert set(changes) == {"create"}
    assert changes["create"] > 150  # every component, dynamic and bridged
    # Each stand-in was really called, through its official contract, with no refusal.
    assert all(trip.made.values()), trip.made
    assert any(
        path.endswith("/config/auth") for _, path, _ in trip.local.stand_ins.supabase.requests
    )
    assert trip.local.contract_errors() == {}


def test_monitors_exist_in_the_real_uptime_kuma(trip: RoundTrip) -> None:
    assert {"https-api.careers.example.edu", "api-readyz", "backup-heartbeat"} <= set(trip.monitors)
    assert trip.first.outputs["uptimeKumaUrl"].value == trip.local.stand_ins.kuma.url


def test_second_up_changes_nothing(trip: RoundTrip) -> None:
    changes = trip.second.summary.resource_changes or {}
    assert set(changes) == {"same"}, changes
    assert changes["same"] == trip.first.summary.resource_changes["create"]  # type: ignore[index]
    assert trip.second_ops.changed() == set()


def test_refresh_shows_the_change_made_behind_our_back(trip: RoundTrip) -> None:
    changes = trip.refresh.summary.resource_changes or {}
    assert changes.get("update") == 1, changes
    # The next `up` diffs exactly that resource and writes our settings back.
    assert trip.repair_ops.changed() == {("update", "supabase-auth")}
    assert trip.auth_after_repair["site_url"] == "https://app.careers.example.edu"
    assert trip.auth_after_repair["mailer_autoconfirm"] is False


def test_destroy_stops_at_the_protected_resources(trip: RoundTrip) -> None:
    assert "because it is protected" in trip.destroy_error
    left = {r["urn"].split("::")[-1] for r in trip.remaining if r.get("protect")}
    assert left == PROTECTED
    # Everything else is gone from the stand-ins; the protected Infisical project stays.
    assert trip.after_destroy == {
        "railway services": 0,
        "infisical projects": 1,
        "infisical secrets": 0,  # Pulumi's own entries go; the folder tree is the project's
        "resend domains": 0,
        "kuma monitors": 0,
    }


def test_the_backend_stores_no_secret_in_plain_text(trip: RoundTrip) -> None:
    stored = trip.local.stored_text()
    assert any(p.name == "local.json" for p in stored)  # the state itself was read
    secrets = trip.local.secret_values()
    assert len(secrets) > 20
    leaks = {
        f"{key} in {path.relative_to(trip.local.dirs.base)}"
        for key, value in secrets.items()
        for path, text in stored.items()
        if value in text
    }
    assert leaks == set()

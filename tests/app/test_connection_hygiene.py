"""A pooled connection goes back clean: no role and no claims survive a request, whether the
request succeeded or failed half way."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from tests.app import seed
from tests.app.conftest import app_settings
from tests.app.identity import Identity


async def _probe(pool: Any) -> dict[str, Any]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT current_user AS role, "
            "coalesce(current_setting('request.jwt.claims', true), '') AS claims"
        )
        row = await cur.fetchone()
    assert row is not None
    return dict(row)


def test_role_and_claims_do_not_outlive_the_request(crm_dsn: str, identity: Identity) -> None:
    org = seed.organization(crm_dsn)
    who = seed.member(crm_dsn, org)
    sid = seed.student(crm_dsn, org)
    h = {"Authorization": f"Bearer {identity.token(who.user_id)}"}
    settings = app_settings(crm_dsn, identity, pool_min_size=1, pool_max_size=1)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        pool = c.app.state.crm.pool  # type: ignore[attr-defined]
        assert c.get(f"/students/{sid}", headers=h).status_code == 200
        assert c.portal.call(_probe, pool) == {"role": "postgres", "claims": ""}  # type: ignore[union-attr]
        app_id = c.post(
            f"/students/{sid}/applications", json={"company": "A", "role": "B"}, headers=h
        ).json()["id"]
        r = c.patch(f"/applications/{app_id}", json={"status": "accepted"}, headers=h)
        assert r.status_code == 409  # failed inside the transaction
        assert c.portal.call(_probe, pool) == {"role": "postgres", "claims": ""}  # type: ignore[union-attr]
        r = c.post(
            "/students",
            json={"first_name": "X", "last_name": "Y", "email": "dup@x.test"},
            headers=h,
        )
        r = c.post(
            "/students",
            json={"first_name": "X", "last_name": "Y", "email": "dup@x.test"},
            headers=h,
        )
        assert r.status_code == 409  # a database error inside the pipeline
        assert c.portal.call(_probe, pool) == {"role": "postgres", "claims": ""}  # type: ignore[union-attr]

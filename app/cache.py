"""Read-through cache for single-student reads, on Redis (the seed's Upstash) when configured.

Cache keys carry the organization, and a reader's organization comes from a short-lived cache
of their staff membership: a hit never shows a student across organizations. Every write to a
student deletes its key; staff changes delete the member's key. Redis trouble is never the
user's problem: errors count as misses and the database answers.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.metrics import ApiMetrics

log = logging.getLogger("app.cache")
STAFF_TTL_SECONDS = 60


class StudentCache:
    def __init__(self, client: aioredis.Redis, ttl: int, metrics: ApiMetrics) -> None:
        self._r = client
        self._ttl = ttl
        self._metrics = metrics

    @staticmethod
    def _student_key(org: uuid.UUID, student: uuid.UUID) -> str:
        return f"crm:student:{org}:{student}"

    @staticmethod
    def _staff_key(user: uuid.UUID) -> str:
        return f"crm:staff:{user}"

    async def staff_org(self, user: uuid.UUID) -> uuid.UUID | None:
        try:
            self._metrics.redis_commands.inc()
            raw = await self._r.get(self._staff_key(user))
        except RedisError as exc:
            self._error(exc)
            return None
        return uuid.UUID(raw.decode() if isinstance(raw, bytes) else raw) if raw else None

    async def remember_staff(self, user: uuid.UUID, org: uuid.UUID) -> None:
        try:
            self._metrics.redis_commands.inc()
            await self._r.set(self._staff_key(user), str(org), ex=STAFF_TTL_SECONDS)
        except RedisError as exc:
            self._error(exc)

    async def forget_staff(self, user: uuid.UUID) -> None:
        try:
            self._metrics.redis_commands.inc()
            await self._r.delete(self._staff_key(user))
        except RedisError as exc:
            self._error(exc)

    async def get_student(self, org: uuid.UUID, student: uuid.UUID) -> dict[str, Any] | None:
        try:
            self._metrics.redis_commands.inc()
            raw = await self._r.get(self._student_key(org, student))
        except RedisError as exc:
            self._error(exc)
            return None
        self._metrics.cache_requests.labels(result="hit" if raw else "miss").inc()
        return json.loads(raw) if raw else None

    async def put_student(self, org: uuid.UUID, student: uuid.UUID, body: dict[str, Any]) -> None:
        try:
            self._metrics.redis_commands.inc()
            await self._r.set(self._student_key(org, student), json.dumps(body), ex=self._ttl)
        except RedisError as exc:
            self._error(exc)

    async def forget_student(self, org: uuid.UUID, student: uuid.UUID) -> None:
        try:
            self._metrics.redis_commands.inc()
            await self._r.delete(self._student_key(org, student))
        except RedisError as exc:
            self._error(exc)

    def _error(self, exc: RedisError) -> None:
        self._metrics.cache_requests.labels(result="error").inc()
        log.warning("redis unavailable, using the database: %s", type(exc).__name__)

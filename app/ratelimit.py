"""Per-user rate limit on write endpoints: a fixed one-minute window per user.

In Redis when configured (shared by every API replica), otherwise in process memory (one
replica's view, still a brake). Redis errors let the request through: the limit protects the
database from one noisy client, it must not take the API down with the cache.
"""

from __future__ import annotations

import logging
import time
import uuid

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.metrics import ApiMetrics

log = logging.getLogger("app.ratelimit")
WINDOW_SECONDS = 60


class RateLimiter:
    def __init__(
        self, limit: int, client: aioredis.Redis | None, metrics: ApiMetrics | None = None
    ) -> None:
        self.limit = limit
        self._r = client
        self._metrics = metrics
        self._local: dict[tuple[str, int], int] = {}

    async def hit(self, user: uuid.UUID) -> int | None:
        """Count one write; return seconds to wait if over the limit, else None."""
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
        if self._r is not None:
            key = f"crm:rl:{user}:{window}"
            try:
                pipe = self._r.pipeline(transaction=True)
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS + 5)
                if self._metrics is not None:
                    self._metrics.redis_commands.inc(4)  # MULTI, INCR, EXPIRE, EXEC
                count, _ = await pipe.execute()
            except RedisError as exc:
                log.warning("rate limit skipped, redis unavailable: %s", type(exc).__name__)
                return None
        else:
            if len(self._local) > 100_000:
                self._local = {k: v for k, v in self._local.items() if k[1] == window}
            count = self._local.get((str(user), window), 0) + 1
            self._local[(str(user), window)] = count
        return retry_after if int(count) > self.limit else None

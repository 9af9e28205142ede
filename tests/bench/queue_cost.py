"""`make bench`: the queue question in Redis commands. A BullMQ worker (the `bullmq` Python
package, what the seed proposed) against a real redis-server: commands an idle worker spends
(extrapolated to an hour from QUEUE_IDLE_SECONDS, default 40) and commands per job processed,
next to our PostgreSQL queue (app/worker.py), which spends no Redis command at all.
Writes build/bench/queue-cost.json.

Counts come from INFO commandstats, which also counts the commands BullMQ's Lua scripts run
inside Redis; `script_calls` is the EVALSHA/EVAL share a client sends.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import redis

from app.worker import WorkerSettings
from tests.app.redis_server import running_redis

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench" / "queue-cost.json"
UPSTASH_FREE_COMMANDS_MONTH = 500_000  # common/quotas.yaml, upstash.commands


def _counts(r: redis.Redis) -> tuple[int, int]:
    stats = r.info("commandstats")
    own = ("cmdstat_info", "cmdstat_config", "cmdstat_client", "cmdstat_hello")
    total = sum(int(v["calls"]) for k, v in stats.items() if not k.startswith(own))
    scripts = sum(int(v["calls"]) for k, v in stats.items() if k.startswith("cmdstat_eval"))
    return total, scripts


async def _measure(url: str, idle_seconds: float, jobs: int) -> dict[str, Any]:
    from bullmq import Queue, Worker

    r = redis.Redis.from_url(url)
    done = asyncio.Event()
    processed = 0

    async def process(job: Any, token: str) -> int:
        nonlocal processed
        processed += 1
        if processed >= jobs:
            done.set()
        return 1

    worker = Worker("reminders", process, {"connection": url})
    await asyncio.sleep(2)  # connected, scripts loaded, blocking on the empty queue
    r.config_resetstat()
    started = time.monotonic()
    await asyncio.sleep(idle_seconds)
    idle_total, idle_scripts = _counts(r)
    idle_elapsed = time.monotonic() - started

    queue = Queue("reminders", {"connection": url})
    r.config_resetstat()
    for i in range(jobs):
        await queue.add("send", {"reminder": i}, {"removeOnComplete": True})
    await asyncio.wait_for(done.wait(), timeout=120)
    await asyncio.sleep(0.5)
    busy_total, busy_scripts = _counts(r)
    await worker.close()
    await queue.close()
    idle_per_hour = idle_total * 3600 / idle_elapsed
    return {
        "idle_seconds": round(idle_elapsed, 1),
        "idle_commands": idle_total,
        "idle_commands_per_hour": round(idle_per_hour),
        "idle_script_calls_per_hour": round(idle_scripts * 3600 / idle_elapsed),
        "jobs": jobs,
        "commands_per_job": round(busy_total / jobs, 2),
        "script_calls_per_job": round(busy_scripts / jobs, 2),
        "idle_month_share_of_upstash_free": round(
            idle_per_hour * 24 * 30.44 / UPSTASH_FREE_COMMANDS_MONTH, 2
        ),
    }


def main() -> int:
    idle = float(os.environ.get("QUEUE_IDLE_SECONDS", "40"))
    jobs = int(os.environ.get("QUEUE_JOBS", "200"))
    with running_redis() as url:
        bullmq = asyncio.run(_measure(url, idle, jobs))
    poll = WorkerSettings.__dataclass_fields__["poll_seconds"].default
    result = {
        "bullmq": bullmq,
        "postgres_queue": {
            "redis_commands": 0,
            "poll_seconds": poll,
            "idle_polls_per_hour": round(3600 / float(poll)),  # one claim query each
            "note": "claims with FOR UPDATE SKIP LOCKED in the database we already run",
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"[queue-cost] BullMQ idle {bullmq['idle_commands_per_hour']:,} commands/h, "
        f"{bullmq['commands_per_job']} per job; PostgreSQL queue 0 -> {OUT}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

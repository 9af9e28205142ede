"""Open-loop capacity model: N staff users who read, think and click.

Each simulated user acts at the instants of its own Poisson process (exponential think time,
mean `think_mean_s`); the whole schedule is drawn before the step starts, so arrivals never
wait for responses (a slow server does not slow the users down, unlike wrk's closed loop).
Latency is measured from the *scheduled* instant, so generator lag counts against us, not
for us (no coordinated omission). Which student a user opens depends on its last search
result when that has arrived; only the content, never the timing, follows responses.

Actions are what the web front sends (app/web/app.js): search = GET /students?q&limit=25;
open a student = GET /students/{id} + GET /students/{id}/notes?limit=50 in parallel; add a
note = POST note then GET notes; plus the API's pipeline: add an application (POST) and move
one (PATCH status applied -> interviewing).
"""

from __future__ import annotations

import asyncio
import heapq
import json
import math
import os
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.app.bench.rawhttp import Pool, ProtocolError

MIX: tuple[tuple[str, float], ...] = (
    ("search", 0.35),
    ("open_student", 0.35),
    ("add_note", 0.15),
    ("add_application", 0.07),
    ("move_application", 0.08),
)


@dataclass(frozen=True)
class Model:
    """The workload's parameters, written next to every result."""

    think_mean_s: float = 10.0
    step_seconds: float = 30.0
    warmup_seconds: float = 5.0
    mix: tuple[tuple[str, float], ...] = MIX
    request_timeout_s: float = 30.0
    client_connections: int = 256
    requests_per_action: dict[str, int] = field(
        default_factory=lambda: {
            "search": 1,
            "open_student": 2,
            "add_note": 2,
            "add_application": 1,
            "move_application": 1,
        }
    )

    def describe(self) -> dict[str, Any]:
        out = asdict(self)
        out["mix"] = dict(self.mix)
        out["arrivals"] = "per user Poisson (exponential think time), drawn before the step"
        out["latency_from"] = "scheduled instant (includes generator lag)"
        mean_requests = sum(p * self.requests_per_action[a] for a, p in self.mix)
        out["requests_per_user_per_second"] = round(mean_requests / self.think_mean_s, 4)
        return out


@dataclass
class User:
    token: str
    org: str
    students: list[str]
    surnames: list[str]
    applications: list[str]  # 'applied' applications this user may move
    current: str | None = None
    found: list[str] = field(default_factory=list)


def proc_cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (with its waited-for children if asked), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU of a process, its reaped children and its live children (PostgreSQL backends)."""
    total = proc_cpu_seconds(root, children=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == root:
            total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[k]


def schedule(n_users: int, model: Model, rng: random.Random) -> list[tuple[float, int, str]]:
    """(offset_s, user, action) for every action of the step, in time order."""
    names = [a for a, _ in model.mix]
    weights = [p for _, p in model.mix]
    events: list[tuple[float, int, str]] = []
    horizon = model.warmup_seconds + model.step_seconds
    for u in range(n_users):
        t = rng.expovariate(1 / model.think_mean_s)
        while t < horizon:
            events.append((t, u, rng.choices(names, weights)[0]))
            t += rng.expovariate(1 / model.think_mean_s)
    heapq.heapify(events)
    return [heapq.heappop(events) for _ in range(len(events))]


class Step:
    """One load level: fire the schedule, record (action, request, latency, outcome)."""

    def __init__(self, client: Pool, users: list[User], model: Model) -> None:
        self.client = client
        self.users = users
        self.model = model
        self.rng = random.Random(11)
        self.samples: list[tuple[str, str, float, float, str | None]] = []
        self.lag: list[float] = []
        self.measure_from = 0.0
        self.substituted = 0

    async def request(
        self, user: User, action: str, method: str, path: str, scheduled: float, body: Any = None
    ) -> Any:
        error: str | None = None
        data: Any = None
        try:
            r = await self.client.request(
                method, path, body, headers={"Authorization": f"Bearer {user.token}"}
            )
            if r.status_code >= 400:
                error = f"HTTP {r.status_code}"
            else:
                data = r.json()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ProtocolError) as exc:
            error = type(exc).__name__
        done = time.perf_counter()
        if scheduled >= self.measure_from:
            label = f"{method} {path.split('?')[0].count('/')}"
            self.samples.append((action, label, done - scheduled, done, error))
        return data

    async def act(self, user: User, action: str, scheduled: float) -> None:
        rng = self.rng
        if action == "move_application" and not user.applications:
            action, self.substituted = "open_student", self.substituted + 1
        sid = user.current or rng.choice(user.students)
        if action == "search":
            q = rng.choice(user.surnames)
            page = await self.request(user, action, "GET", f"/students?limit=25&q={q}", scheduled)
            if page and page.get("items"):
                user.found = [s["id"] for s in page["items"]]
                user.current = None
        elif action == "open_student":
            sid = rng.choice(user.found) if user.found else rng.choice(user.students)
            user.current = sid
            await asyncio.gather(
                self.request(user, action, "GET", f"/students/{sid}", scheduled),
                self.request(user, action, "GET", f"/students/{sid}/notes?limit=50", scheduled),
            )
        elif action == "add_note":
            await self.request(
                user,
                action,
                "POST",
                f"/students/{sid}/notes",
                scheduled,
                {"body": "Discussed internship applications and next steps (capacity bench)."},
            )
            await self.request(user, action, "GET", f"/students/{sid}/notes?limit=50", scheduled)
        elif action == "add_application":
            created = await self.request(
                user,
                action,
                "POST",
                f"/students/{sid}/applications",
                scheduled,
                {"company": "Capacity Corp", "role": "Analyst"},
            )
            if created:
                user.applications.append(created["id"])
        else:
            app_id = user.applications.pop()
            await self.request(
                user,
                action,
                "PATCH",
                f"/applications/{app_id}",
                scheduled,
                {"status": "interviewing"},
            )

    async def run(self, events: list[tuple[float, int, str]]) -> None:
        start = time.perf_counter() + 0.2
        self.measure_from = start + self.model.warmup_seconds
        tasks: set[asyncio.Task[None]] = set()
        for offset, u, action in events:
            at = start + offset
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if at >= self.measure_from:
                self.lag.append(time.perf_counter() - at)
            task = asyncio.create_task(self.act(self.users[u], action, at))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=self.model.request_timeout_s + 5)


def summarize(step: Step, n_users: int, seconds: float) -> dict[str, Any]:
    lat = [s[2] * 1000 for s in step.samples]
    errors: dict[str, int] = {}
    for s in step.samples:
        if s[4]:
            errors[s[4]] = errors.get(s[4], 0) + 1
    by_action: dict[str, dict[str, float]] = {}
    for action, _ in step.model.mix:
        xs = [s[2] * 1000 for s in step.samples if s[0] == action]
        if xs:
            by_action[action] = {
                "requests": len(xs),
                "p50_ms": round(percentile(xs, 50), 2),
                "p95_ms": round(percentile(xs, 95), 2),
            }
    return {
        "users": n_users,
        "requests": len(lat),
        "rps": round(len(lat) / seconds, 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": round(percentile(lat, 50), 2),
        "p95_ms": round(percentile(lat, 95), 2),
        "p99_ms": round(percentile(lat, 99), 2),
        "mean_ms": round(statistics.fmean(lat), 2) if lat else 0.0,
        "by_action": by_action,
        "actions_substituted": step.substituted,
        "generator_lag_p99_ms": round(percentile([x * 1000 for x in step.lag], 99), 2),
    }


async def run_step(
    base: str, users: list[User], n_users: int, model: Model, seed: int
) -> tuple[dict[str, Any], float]:
    """Run one level; return its summary and the generator's own CPU seconds."""
    events = schedule(n_users, model, random.Random(seed))
    client = Pool(base, model.client_connections, model.request_timeout_s)
    step = Step(client, users[:n_users], model)
    cpu0 = time.process_time()
    await step.run(events)
    cpu = time.process_time() - cpu0
    client.close()
    return summarize(step, n_users, model.step_seconds), cpu


def make_users(
    n: int,
    tokens_by_org: dict[str, list[str]],
    students_by_org: dict[str, list[str]],
    applied_by_org: dict[str, list[str]],
    surnames: list[str],
    per_user: int = 2,
) -> list[User]:
    """N users spread over the organizations, each with a staff token of its organization and
    up to `per_user` 'applied' applications taken (consumed) from the pool, so every move it
    makes is a legal transition and no two users move the same application."""
    orgs = sorted(students_by_org)
    users = []
    for i in range(n):
        org = orgs[i % len(orgs)]
        tokens = tokens_by_org[org]
        pool = applied_by_org.get(org, [])
        mine = [pool.pop() for _ in range(min(per_user, len(pool)))]
        token = tokens[(i // len(orgs)) % len(tokens)]
        users.append(User(token, org, students_by_org[org], surnames, mine))
    return users


def to_json(obj: Any) -> str:
    return json.dumps(obj, indent=2) + "\n"

"""The capacity model is open loop: a slow server does not slow the simulated users down, and
latency counts from the scheduled instant (no coordinated omission). No timing targets here:
only what the model sends and how it counts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid

from tests.app.bench.openloop import Model, Step, User, percentile, schedule, summarize
from tests.app.bench.rawhttp import Pool

DELAY_S = 0.3


def _users(n: int) -> list[User]:
    return [
        User(
            "token", "org", [str(uuid.uuid4()) for _ in range(5)], ["Lovelace"], [str(uuid.uuid4())]
        )
        for _ in range(n)
    ]


async def _slow_api(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sent: list[str]
) -> None:
    """A keep-alive HTTP/1.1 server far slower than the users' pace, over a real socket."""
    while head := await reader.readuntil(b"\r\n\r\n"):
        method, path = head.split(b" ", 2)[:2]
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        await reader.readexactly(length)
        sent.append(method.decode())
        await asyncio.sleep(DELAY_S)
        if method == b"GET" and path.startswith(b"/students?"):
            body = {"items": [{"id": str(uuid.uuid4())}], "next_cursor": None}
        else:
            body = {"id": str(uuid.uuid4())}
        data = json.dumps(body).encode()
        status = b"201 Created" if method == b"POST" else b"200 OK"
        writer.write(b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(data), data))


def test_schedule_rate_matches_the_model() -> None:
    model = Model(think_mean_s=2.0, step_seconds=50.0, warmup_seconds=0.0)
    events = schedule(40, model, random.Random(3))
    assert [e[0] for e in events] == sorted(e[0] for e in events)
    expected = 40 * 50 / 2  # users x seconds / mean think time
    assert 0.85 * expected < len(events) < 1.15 * expected
    kinds = {e[2] for e in events}
    assert kinds == {a for a, _ in model.mix}


def test_slow_responses_do_not_delay_arrivals() -> None:
    model = Model(think_mean_s=0.5, step_seconds=1.5, warmup_seconds=0.0)
    events = schedule(10, model, random.Random(5))
    sent: list[str] = []

    async def run() -> Step:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                await _slow_api(reader, writer, sent)

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            client = Pool(f"http://127.0.0.1:{port}", 64, 30)
            step = Step(client, _users(10), model)
            await step.run(events)
            client.close()
            return step

    step = asyncio.run(run())
    requests_per_action = {
        "search": 1,
        "open_student": 2,
        "add_note": 2,
        "add_application": 1,
        "move_application": 1,
    }
    # Every scheduled action was sent though each answer took longer than the mean think time.
    # (a move with no application left to move opens a student instead: one request more)
    assert len(sent) == sum(requests_per_action[e[2]] for e in events) + step.substituted
    assert step.samples and min(s[2] for s in step.samples) >= DELAY_S
    # add_note's GET follows its POST: counted from the action's scheduled instant.
    notes = [s for s in step.samples if s[0] == "add_note" and s[1].startswith("GET")]
    assert all(s[2] >= 2 * DELAY_S for s in notes)
    row = summarize(step, 10, model.step_seconds)
    assert row["errors"] == 0 and row["p50_ms"] >= DELAY_S * 1000
    json.dumps(row)


def test_percentile_is_nearest_rank() -> None:
    xs = [float(i) for i in range(1, 101)]
    assert percentile(xs, 50) == 50.0
    assert percentile(xs, 95) == 95.0
    assert percentile(xs, 99) == 99.0
    assert percentile([], 95) == 0.0

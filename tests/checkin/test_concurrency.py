"""Two doors, one badge: however many scans arrive at once, exactly one is `ok` and one check-in is written.

In-process scans go through the app with real concurrent transactions (a connection pool on PostgreSQL,
serialised transactions on SQLite); on PostgreSQL the same is also checked across two app processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from events.checkin.models import Checkin, ListTicketState, ScanNonce
from tests.checkin.conftest import Door

ROOT = Path(__file__).resolve().parents[2]


async def _burst(
    client: httpx.AsyncClient, door: Door, count: int, **body: object
) -> list[dict[str, object]]:
    answers = await asyncio.gather(
        *(client.post(door.url, json=body, headers=door.headers) for _ in range(count))
    )
    assert [a.status_code for a in answers] == [200] * count, [
        a.text for a in answers if a.status_code != 200
    ]
    return [a.json() for a in answers]


@pytest.mark.parametrize("count", [2, 10, 50])
async def test_simultaneous_scans_of_one_badge_admit_it_exactly_once(
    client: httpx.AsyncClient, door: Door, count: int
) -> None:
    ticket = await door.ticket()
    results = await _burst(client, door, count, secret=ticket.secret)
    assert Counter(r["status"] for r in results) == {"ok": 1, "already_redeemed": count - 1}
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1
    state = await ListTicketState.get(ticket_id=ticket.id)
    assert (state.inside, state.entries) == (True, 1)


async def test_same_nonce_sent_at_once_is_one_checkin_and_one_answer(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    results = await _burst(client, door, 10, secret=ticket.secret, nonce="retry-storm")
    assert all(r == results[0] for r in results)
    assert results[0]["status"] == "ok"
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1
    assert await ScanNonce.filter(nonce="retry-storm").count() == 1


async def test_many_badges_at_once_are_all_admitted(client: httpx.AsyncClient, door: Door) -> None:
    tickets = [await door.ticket() for _ in range(20)]
    answers = await asyncio.gather(
        *(client.post(door.url, json={"secret": t.secret}, headers=door.headers) for t in tickets)
    )
    assert [a.json()["status"] for a in answers] == ["ok"] * 20
    assert await Checkin.all().count() == 20


# ---- two app processes on PostgreSQL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def two_processes(database_url: str) -> AsyncIterator[str]:
    """`uvicorn --workers 2` on this test's PostgreSQL database."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "RUN_WORKER_IN_PROCESS": "false"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "2", "--log-level", "warning", "--no-access-log",
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(200):
                try:
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the two app processes did not start")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=20)


@pytest.mark.postgres_only
async def test_two_app_processes_admit_a_badge_exactly_once(door: Door, two_processes: str) -> None:
    ticket = await door.ticket()
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=two_processes, limits=limits, timeout=30) as http:
        results = await _burst(http, door, 50, secret=ticket.secret)
    assert Counter(r["status"] for r in results) == {"ok": 1, "already_redeemed": 49}
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1

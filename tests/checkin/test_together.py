"""Scans queued at one list behind a scan in flight are decided together, each as if alone."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from events.checkin import redeem
from events.checkin.models import Checkin, ScanNonce
from events.checkin.together import Together
from events.ticketing.models import Order, OrderStatus
from tests.checkin.conftest import Door


async def test_calls_made_while_one_is_in_flight_go_together_and_those_that_do_not_fit_wait() -> None:
    batches: list[list[int]] = []
    gate = asyncio.Event()

    async def run(items: list[int]) -> list[int | BaseException]:
        batches.append(items)
        if len(batches) == 1:
            await gate.wait()
        return [ValueError(item) if item == 4 else item * 10 for item in items]

    together: Together[int, int] = Together(run, fits=lambda batch, item: item % 2 == batch[0] % 2)
    first = asyncio.ensure_future(together.call("door", 1))
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(together.call("door", n)) for n in (2, 3, 4, 5)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == 10
    outcomes = await asyncio.gather(*rest, return_exceptions=True)
    assert [o for o in outcomes if not isinstance(o, BaseException)] == [20, 30, 50]
    assert [type(o) for o in outcomes if isinstance(o, BaseException)] == [ValueError]
    assert batches == [[1], [2, 4], [3, 5]]


@pytest.mark.postgres_only
async def test_badges_scanned_at_once_are_decided_in_one_statement_each_as_if_alone(
    client: httpx.AsyncClient, door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched: list[int] = []
    real = redeem._read_and_enter_many

    async def counted(*args: object) -> object:
        batched.append(len(args[1]))  # type: ignore[arg-type]
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(redeem, "_read_and_enter_many", counted)
    tickets = [await door.ticket() for _ in range(12)]
    unpaid = tickets[-1]
    await Order.filter(id=unpaid.order_id).update(status=OrderStatus.PENDING)
    scans = [{"secret": t.secret, "nonce": f"n-{t.id}"} for t in tickets]
    scans += [{"secret": tickets[0].secret, "nonce": "again"}]  # the same badge: never in the same batch
    answers = await asyncio.gather(*(client.post(door.url, json=s, headers=door.headers) for s in scans))
    statuses = Counter(a.json()["status"] for a in answers)
    assert statuses == {"ok": 11, "unpaid": 1, "already_redeemed": 1}
    assert sum(batched) >= 2, "some scans were decided together"
    assert await Checkin.all().count() == 11
    retries = await asyncio.gather(*(client.post(door.url, json=s, headers=door.headers) for s in scans))
    assert [r.json() for r in retries] == [a.json() for a in answers]
    assert await ScanNonce.all().count() == 13

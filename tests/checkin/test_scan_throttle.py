"""Invalid scans are counted in the process and written to the database once a second, not once each."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from events import clock
from events.accounts import throttle
from events.accounts.models import ThrottleHit
from events.checkin import redeem as scans
from events.errors import Throttled
from tests.checkin.conftest import Door


async def _invalid(client: httpx.AsyncClient, door: Door, secret: str) -> int:
    answer = await client.post(door.url, json={"secret": secret}, headers=door.headers)
    return answer.status_code


async def test_invalid_scans_within_a_second_are_written_once(client: httpx.AsyncClient, door: Door) -> None:
    with clock.frozen(clock.now()):
        for n in range(10):
            assert await _invalid(client, door, f"guess-{n}") == 200
        assert await ThrottleHit.filter(scope=scans.INVALID_SCOPE).count() == 1


async def test_counted_scans_reach_the_database_at_the_next_second(
    client: httpx.AsyncClient, door: Door
) -> None:
    with clock.frozen(clock.now()) as advance:
        for n in range(10):
            await _invalid(client, door, f"guess-{n}")
        advance(timedelta(seconds=1))
        await _invalid(client, door, "guess-next")
        assert await ThrottleHit.filter(scope=scans.INVALID_SCOPE).count() == 11


async def test_hits_written_by_another_process_count_here_after_a_sync(app: Starlette) -> None:
    """The database is the authority: another process's hits throttle this one at its next sync."""
    here, there = throttle.Bucket("test"), throttle.Bucket("test")
    window = timedelta(minutes=1)
    with clock.frozen(clock.now()) as advance:
        await here.hit("door", limit=4, window=window)
        for _ in range(2):
            await there.hit("door", limit=4, window=window)
        advance(timedelta(seconds=1))
        await there.hit("door", limit=4, window=window)  # writes the hit it had only counted, then its own
        with pytest.raises(Throttled) as refused:
            await here.hit("door", limit=4, window=window)
    assert refused.value.code == "throttled"

"""The public page cache builds a page once however many visitors ask at once, and never makes one wait
for a refresh while it still holds a current copy (the event page's long tail came from both)."""

from __future__ import annotations

import asyncio

from events.web.pagecache import PageCache


class Builder:
    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> str:
        self.calls += 1
        await self.release.wait()
        return f"page {self.calls}"


async def test_visitors_arriving_together_share_one_build() -> None:
    cache, build = PageCache(ttl=60), Builder()
    waiting = [asyncio.ensure_future(cache.get("event", build)) for _ in range(30)]
    await asyncio.sleep(0)
    build.release.set()
    assert set(await asyncio.gather(*waiting)) == {"page 1"}
    assert build.calls == 1


async def test_an_entry_due_for_refresh_is_served_while_it_is_rebuilt() -> None:
    now = [1000.0]
    cache, build = PageCache(ttl=10, monotonic=lambda: now[0]), Builder()
    build.release.set()
    assert await cache.get("event", build) == "page 1"
    now[0] += 9  # past the refresh point, before expiry
    build.release.clear()
    assert await cache.get("event", build) == "page 1"  # answered at once, rebuild in the background
    await asyncio.sleep(0)
    assert build.calls == 2
    assert await cache.get("event", build) == "page 1"  # still served, and no second rebuild
    assert build.calls == 2
    build.release.set()
    await asyncio.sleep(0.01)
    assert await cache.get("event", build) == "page 2"


async def test_a_change_in_this_process_is_seen_at_once() -> None:
    cache, build = PageCache(ttl=60), Builder()
    build.release.set()
    assert await cache.get("event", build) == "page 1"
    cache.clear()
    assert await cache.get("event", build) == "page 2"


async def test_a_failed_build_reaches_every_visitor_waiting_for_it() -> None:
    cache = PageCache(ttl=60)

    async def broken() -> str:
        await asyncio.sleep(0)
        raise LookupError("unpublished")

    results = await asyncio.gather(*(cache.get("event", broken) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(result, LookupError) for result in results)

"""The one small in-process cache type: a few seconds of memory in front of the database.

Every such cache is a hint that may lag by at most its `ttl` in another process (DESIGN rule 12: nothing
another process needs lives here), and is forgotten wholesale when it grows past `max_entries`, which
bounds memory without bookkeeping. `clear_all()` empties every cache of the process at once: tests call
it between tests; other caches with a `clear()` (the public page cache, the calendar feeds) join with
`track`. Caches made with a `topic` are also emptied together by `forget(topic)`, which the services
that change that topic call, so that this process never serves what it has just changed.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
C = TypeVar("C", bound="Clearable")


class Clearable(Protocol):
    def clear(self) -> None: ...


_caches: weakref.WeakSet[Clearable] = weakref.WeakSet()
_topics: dict[str, weakref.WeakSet[Clearable]] = {}


def track(cache: C) -> C:
    """Have `clear_all` empty this cache too."""
    _caches.add(cache)
    return cache


def clear_all() -> None:
    for cache in list(_caches):
        cache.clear()


def forget(topic: str) -> None:
    """Empty every cache made with this `topic`."""
    for cache in list(_topics.get(topic, ())):
        cache.clear()


class TtlCache(Generic[K, V]):
    """Values kept `ttl` seconds (monotonic clock: a cache needs no injectable time)."""

    def __init__(self, ttl: float, max_entries: int = 10_000, topic: str = "") -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        track(self)
        if topic:
            _topics.setdefault(topic, weakref.WeakSet()).add(self)

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None or found[0] <= time.monotonic():
            return None
        return found[1]

    def put(self, key: K, value: V) -> V:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, value)
        return value

    async def fetch(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The value kept for `key`, or else `load()`'s, kept unless None (nothing found is asked again)."""
        known = self.get(key)
        if known is None:
            found = await load()
            known = self.put(key, found) if found is not None else None
        return known

    def clear(self) -> None:
        self._entries.clear()

"""A short-lived cache of public pages, rendered once per language and reused for a few seconds.

Public pages are the same for every visitor but for the CSRF token of their forms, which is put in at
serving time. A page may lag behind a change by at most `ttl` seconds (availability on a page is a
hint: the order path always recomputes under lock); a change made in this process is seen at once.
Nothing here is needed by another process, so several app processes stay independent.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable

from events.cache import track

CSRF_PLACEHOLDER = "\x00csrf\x00"


class PageCache:
    def __init__(self, ttl: float = 5.0, max_entries: int = 2000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, str]] = {}

    async def get(self, key: Hashable, build: Callable[[], Awaitable[str]]) -> str:
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        html = await build()
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now + self.ttl, html)
        return html

    def clear(self) -> None:
        self._entries.clear()


public_pages = track(PageCache())

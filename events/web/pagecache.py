"""A short-lived cache of public pages, rendered once per language and reused for a few seconds.

Public pages are the same for every visitor but for the CSRF token of their forms, which is put in at
serving time. A page may lag behind a change by at most `ttl` seconds (availability on a page is a
hint: the order path always recomputes under lock); a change made in this process is seen at once.
Nothing here is needed by another process, so several app processes stay independent.

Why the rebuild is single-flight and ahead of time: under load, every request that arrived while an
entry had just expired used to render the page itself, so once every `ttl` thirty renders competed for
the event loop and the slowest visitors waited half a second (the event page's p99). Now one build per
key runs at a time and every other request for that key awaits it, and an entry is rebuilt in the
background a little before it expires (`refresh_at`) while visitors are still served the current copy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from events.cache import forget, track

CATALOGUE = "catalogue"
"""The cache topic of what the public pages show of an event (the event, its types and questions):
every change that clears `public_pages` forgets it too."""

CSRF_PLACEHOLDER = "\x00csrf\x00"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    refresh_at: float
    expires_at: float
    html: str


class PageCache:
    def __init__(
        self, ttl: float = 5.0, max_entries: int = 2000, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.monotonic = monotonic
        self.max_entries = max_entries
        self._entries: dict[Hashable, _Entry] = {}
        self._building: dict[Hashable, asyncio.Task[str]] = {}
        self._generation = 0

    async def get(self, key: Hashable, build: Callable[[], Awaitable[str]]) -> str:
        now = self.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > now:
            if entry.refresh_at <= now and key not in self._building:
                self._start(key, build)
            return entry.html
        task = self._building.get(key) or self._start(key, build)
        return await asyncio.shield(task)

    def _start(self, key: Hashable, build: Callable[[], Awaitable[str]]) -> asyncio.Task[str]:
        task = asyncio.ensure_future(self._build(key, build, self._generation))
        self._building[key] = task
        task.add_done_callback(_log_failure)
        return task

    async def _build(self, key: Hashable, build: Callable[[], Awaitable[str]], generation: int) -> str:
        try:
            html = await build()
        finally:
            if self._building.get(key) is asyncio.current_task():
                del self._building[key]
        if generation == self._generation:  # not built from data that a clear() has since outdated
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            now = self.monotonic()
            self._entries[key] = _Entry(now + self.ttl * 0.8, now + self.ttl, html)
        return html

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._building.clear()
        forget(CATALOGUE)


def _log_failure(task: asyncio.Task[str]) -> None:
    """A background rebuild that fails (the event was unpublished meanwhile) leaves the entry to expire;
    the next visitor then builds in the foreground and gets the error (a foreground build's error reaches
    its visitors through the task: this only marks it seen)."""
    if not task.cancelled() and task.exception() is not None:
        logger.debug("background page rebuild failed: %r", task.exception())


public_pages = track(PageCache())

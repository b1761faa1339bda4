"""Counting failures in a sliding window, in the database so that every process shares the count."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from events import clock
from events.accounts.models import ThrottleHit
from events.errors import Throttled


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def check(scope: str, key: str, limit: int, window: timedelta) -> None:
    """Raise `Throttled` when `key` has `limit` hits within `window`."""
    since = clock.now() - window
    hits = ThrottleHit.filter(scope=scope, key=_digest(key), created_at__gt=since)
    if await hits.count() < limit:
        return
    oldest = await hits.order_by("created_at").first()
    retry_after = window if oldest is None else oldest.created_at + window - clock.now()
    raise Throttled(retry_after=max(1, int(retry_after.total_seconds())))


async def hit(scope: str, key: str) -> None:
    await ThrottleHit.create(scope=scope, key=_digest(key), created_at=clock.now())


async def clear(scope: str, key: str) -> None:
    await ThrottleHit.filter(scope=scope, key=_digest(key)).delete()


async def purge(older_than: timedelta) -> int:
    return await ThrottleHit.filter(created_at__lt=clock.now() - older_than).delete()

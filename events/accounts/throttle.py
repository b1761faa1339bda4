"""Counting failures in a sliding window, in the database so that every process shares the count."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.functions import Count, Min

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


@dataclass
class _Tally:
    due: datetime
    """When this process next asks the database."""
    shared: int
    """Hits in the window at the last sync, every process's (this one's included)."""
    oldest: datetime | None
    pending: list[datetime] = field(default_factory=list)
    """Hits counted here since the last sync, not yet written."""


class Bucket:
    """The same throttle, counted in this process first and written at most once per `sync_every`.

    Why: an invalid scan used to cost a count and an insert, so a forged-badge flood was a write flood.
    Here the first hit of each `sync_every` writes what this process has counted meanwhile and reads the
    window's total back from the database, which stays the authority across processes (DESIGN rule 12):
    between syncs a process adds its own hits to the last total it read. Another process's hits are
    therefore seen at most `sync_every` late, so several processes may together let a few hits more
    than `limit` through in that second; one process alone never does.
    """

    def __init__(self, scope: str, sync_every: timedelta = timedelta(seconds=1), max_keys: int = 10_000):
        self.scope = scope
        self.sync_every = sync_every
        self.max_keys = max_keys
        self._tallies: dict[str, _Tally] = {}

    async def hit(self, key: str, limit: int, window: timedelta) -> None:
        """Count one hit for `key`, or raise `Throttled` when it already has `limit` in `window`."""
        now = clock.now()
        tally = self._tallies.get(key)
        synced = tally is None or not (now < tally.due <= now + self.sync_every)
        if synced:
            tally = await self._sync(key, tally, now, window)
        assert tally is not None
        recent = [moment for moment in tally.pending if moment > now - window]
        if tally.shared + len(recent) >= limit:
            first = min([*recent, *([tally.oldest] if tally.oldest else [])], default=now)
            raise Throttled(retry_after=max(1, int((first + window - now).total_seconds())))
        if synced:  # the first hit of a period is written at once: other processes see it next second
            await ThrottleHit.create(scope=self.scope, key=_digest(key), created_at=now)
            tally.shared += 1
            tally.oldest = tally.oldest or now
        else:
            tally.pending.append(now)

    async def _sync(self, key: str, tally: _Tally | None, now: datetime, window: timedelta) -> _Tally:
        digest = _digest(key)
        if tally is not None and tally.pending:
            await ThrottleHit.bulk_create(
                [ThrottleHit(scope=self.scope, key=digest, created_at=moment) for moment in tally.pending]
            )
        rows = (
            await ThrottleHit.filter(scope=self.scope, key=digest, created_at__gt=now - window)
            .annotate(hits=Count("id"), oldest=Min("created_at"))
            .values("hits", "oldest")
        )
        hits, oldest = (int(rows[0]["hits"] or 0), rows[0]["oldest"]) if rows else (0, None)
        if len(self._tallies) >= self.max_keys:
            self._tallies.clear()
        fresh = _Tally(due=now + self.sync_every, shared=hits, oldest=_aware(oldest))
        self._tallies[key] = fresh
        return fresh


def _aware(value: object) -> datetime | None:
    """MIN() read back as the field would read it (SQLite gives text)."""
    parsed = ThrottleHit._meta.fields_map["created_at"].to_python_value(value)
    return parsed if isinstance(parsed, datetime) else None

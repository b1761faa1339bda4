"""Calls that arrive while another call of the same key is in flight wait, then go together.

The door's hottest statement is the same for every badge of one list: deciding the badges that queued
behind one round trip in the next round trip (one statement for all of them) spares the database a
statement, a commit and a round trip per badge, and adds no wait when the door is quiet (a call alone
goes at once). Which calls may share a batch is the caller's rule (`fits`): two scans of one badge, for
example, never go together, so that each is decided after the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False)
class _Slot(Generic[T, R]):
    item: T
    done: bool = False
    result: R | None = None
    error: BaseException | None = None


class Together(Generic[T, R]):
    """`await together.call(key, item)`: `run(items)` answers a batch, one result (or exception) per item."""

    def __init__(
        self,
        run: Callable[[list[T]], Awaitable[list[R | BaseException]]],
        fits: Callable[[list[T], T], bool],
        most: int = 64,
    ) -> None:
        self.run = run
        self.fits = fits
        self.most = most
        self._waiting: dict[tuple[int, Hashable], list[_Slot[T, R]]] = {}
        self._locks: dict[tuple[int, Hashable], asyncio.Lock] = {}

    async def call(self, key: Hashable, item: T) -> R:
        where = (id(asyncio.get_running_loop()), key)
        slot: _Slot[T, R] = _Slot(item)
        self._waiting.setdefault(where, []).append(slot)
        lock = self._locks.setdefault(where, asyncio.Lock())
        async with lock:
            if not slot.done:
                batch = self._take(where, slot)
                # Shielded: a caller who hangs up must not leave the others of its batch undecided.
                await asyncio.shield(self._answer(batch))
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _take(self, where: tuple[int, Hashable], first: _Slot[T, R]) -> list[_Slot[T, R]]:
        """This caller's item first, then those waiting that fit, in arrival order; the rest wait on."""
        batch, rest = [first], []
        for slot in self._waiting[where]:
            if slot is first:
                continue
            if len(batch) < self.most and self.fits([s.item for s in batch], slot.item):
                batch.append(slot)
            else:
                rest.append(slot)
        self._waiting[where] = rest
        return batch

    async def _answer(self, batch: list[_Slot[T, R]]) -> None:
        try:
            results = await self.run([slot.item for slot in batch])
        except Exception as error:  # the batch failed as a whole: each of its callers gets the error
            results = [error] * len(batch)
        for slot, result in zip(batch, results, strict=True):
            slot.done = True
            if isinstance(result, BaseException):
                slot.error = result
            else:
                slot.result = result

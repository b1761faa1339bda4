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
    answer: asyncio.Future[R]


class Together(Generic[T, R]):
    """`await together.call(key, item)`: `run(items)` answers a batch, one result (or exception) per item.

    One task per key (and event loop) runs the batches one after the other while calls wait; a caller
    only awaits its own answer, so a batch's callers are all woken as soon as it is decided.
    """

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
        self._running: dict[tuple[int, Hashable], asyncio.Task[None]] = {}

    async def call(self, key: Hashable, item: T) -> R:
        loop = asyncio.get_running_loop()
        where = (id(loop), key)
        slot: _Slot[T, R] = _Slot(item, loop.create_future())
        self._waiting.setdefault(where, []).append(slot)
        if where not in self._running:
            self._running[where] = loop.create_task(self._drain(where))
        # Shielded: a caller who hangs up leaves its scan to be decided with the others.
        return await asyncio.shield(slot.answer)

    async def _drain(self, where: tuple[int, Hashable]) -> None:
        try:
            while self._waiting.get(where):
                await self._answer(self._take(where))
        finally:
            del self._running[where]
            self._waiting.pop(where, None)

    def _take(self, where: tuple[int, Hashable]) -> list[_Slot[T, R]]:
        """The first waiting item, then those that fit with it, in arrival order; the rest wait on."""
        first, *others = self._waiting[where]
        batch, rest = [first], []
        for slot in others:
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
            if slot.answer.done():
                continue
            if isinstance(result, BaseException):
                slot.answer.set_exception(result)
            else:
                slot.answer.set_result(result)

"""The background worker: the periodic jobs of every area, run in a loop.

Side effects that must not be lost go through tables (the outbox, Stripe events), and time-based changes
(expired holds, waiting-list offers) need someone to look at the clock; both are jobs here. With SQLite
the loop runs inside `serve` (one process); with PostgreSQL and several app processes it runs as
`python main.py worker`, as many as wanted: each job is written to be safe when run concurrently
(`SKIP LOCKED`, conditional updates), so the worker itself holds no lock and no state another process needs.

Every job is listed in `events.jobs.JOBS` (one visible list), read when the worker starts:

    ScheduledJob("expire holds", expire_holds)       # async () -> int | None (how much it did)

A failing job is logged and the others still run.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from events.accounts import throttle

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[int | None]]

INTERVAL = 5.0
"""Seconds between two cycles of the in-process worker (and the default of `python main.py worker`)."""

THROTTLE_RETENTION = timedelta(days=1)
HOURLY = 3600.0


@dataclass(frozen=True)
class _Entry:
    job: Job
    every: float


@dataclass(frozen=True)
class ScheduledJob:
    """A job of `events.jobs.JOBS`: run on every cycle, or at most once per `every` seconds."""

    name: str
    job: Job
    every: float = 0.0


_jobs: dict[str, _Entry] = {}


def register_job(name: str, job: Job, *, every: float = 0.0) -> None:
    """Run `job` on every cycle, or at most once per `every` seconds. Registering a name again replaces it."""
    _jobs[name] = _Entry(job, every)


def load_jobs() -> None:
    """Take in the jobs of `events.jobs.JOBS` (imported here: that list imports every area)."""
    from events.jobs import JOBS

    for scheduled in JOBS:
        _jobs.setdefault(scheduled.name, _Entry(scheduled.job, scheduled.every))


async def _run(names: list[str]) -> dict[str, int]:
    done: dict[str, int] = {}
    for name in names:
        entry = _jobs[name]
        try:
            done[name] = int(await entry.job() or 0)
        except Exception:  # one broken job must not stop the outbox or the others
            logger.exception("worker: job %r failed", name)
    return done


async def run_once() -> dict[str, int]:
    """Run every registered job once; what each did (jobs that failed are logged and left out)."""
    load_jobs()
    return await _run(list(_jobs))


async def run_forever(stop: asyncio.Event, interval: float = INTERVAL) -> None:
    """Cycle through the due jobs every `interval` seconds until `stop` is set."""
    load_jobs()
    last_run: dict[str, float] = {}
    logger.info("worker: started, jobs: %s", ", ".join(_jobs))
    while not stop.is_set():
        started = time.monotonic()
        due = [
            name
            for name, entry in _jobs.items()
            if name not in last_run or started - last_run[name] >= entry.every
        ]
        last_run.update(dict.fromkeys(due, started))
        done = await _run(due)
        busy = {name: count for name, count in done.items() if count}
        if busy:
            logger.info("worker: %s", ", ".join(f"{name}: {count}" for name, count in busy.items()))
        else:
            logger.debug("worker: nothing to do")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue
    logger.info("worker: stopped")


@asynccontextmanager
async def in_background(grace: float = 15.0) -> AsyncIterator[None]:
    """The worker as a task of this process (SQLite, one process), stopped cleanly on exit.

    A job in the middle of its work gets `grace` seconds to finish; after that it is cancelled, which
    loses nothing (an interrupted message is still pending and is sent when its lease runs out).
    """
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(stop, INTERVAL), name="colloque-worker")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=grace)
        except TimeoutError:
            logger.warning("worker: still busy after %s s, cancelled", grace)


async def purge_throttle_hits() -> int:
    """Throttle windows are minutes long; a day-old hit counts for nothing and only slows the counts."""
    return await throttle.purge(THROTTLE_RETENTION)


async def run_command(*, once: bool, interval: float = INTERVAL) -> None:
    """`python main.py worker`: cycle until SIGINT or SIGTERM (a deploy stops it between two jobs)."""
    if once:
        logger.info("worker: %s", await run_once())
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_forever(stop, interval)

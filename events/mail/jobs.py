"""The mail area's periodic job for the worker (listed in `events.jobs.JOBS`): drain the outbox."""

from __future__ import annotations

from events.mail import services

BATCH = 50
MAX_BATCHES = 20


async def send_outbox() -> int:
    """Full batches in a row while they stay full, so a burst does not wait one cycle per 50 messages."""
    total = 0
    for _batch in range(MAX_BATCHES):
        sent = await services.send_pending(BATCH)
        total += sent
        if sent < BATCH:
            break
    return total

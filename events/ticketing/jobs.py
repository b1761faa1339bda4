"""Background work of registration (listed in `events.worker.JOB_MODULES`): lapsed holds give their
places back; the waiting list's offers are made and lapse (registered by `waitlist` itself).
"""

from __future__ import annotations

from events.ticketing import waitlist  # noqa: F401 — registers "offer waiting-list places"
from events.ticketing.manage import expire_holds
from events.worker import register_job

register_job("expire holds", expire_holds)

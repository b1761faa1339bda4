"""Background work of the check-in area (listed in `events.worker.JOB_MODULES`)."""

from __future__ import annotations

from events.checkin.services import purge_nonces
from events.worker import register_job

register_job("purge scan nonces", purge_nonces, every=3600.0)

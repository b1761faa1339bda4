"""Background work of invoicing (listed in `events.worker.JOB_MODULES`): each day's Factur-X documents
are handed over to the organisation's e-invoicing channel the day after (checked hourly, sent once);
buyers paying on invoice are reminded before and after the due date (once each).
"""

from __future__ import annotations

from events.invoicing.transfers import send_reminders
from events.invoicing.transmit import export_yesterday
from events.worker import register_job

register_job("hand over yesterday's e-invoices", export_yesterday, every=3600.0)
register_job("remind buyers of invoices falling due", send_reminders, every=3600.0)

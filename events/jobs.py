"""Everything that runs in the background, in one list: the worker's jobs and the mail attachment builders.

A new job or a new kind of attachment is added here, where a reader sees them all, rather than
registered by the area when one of its modules happens to be imported. The worker (`events.worker`)
runs `JOBS`; the outbox sender (`events.mail.attachments`) builds its files with `ATTACHMENT_BUILDERS`.
Both read these lists when they start, so importing this module (which imports every area) is never
needed to import them.
"""

from __future__ import annotations

from events.badges.attachments import order_tickets
from events.certificates.attachments import certificate
from events.checkin.services import purge_nonces
from events.ical.attachments import order_agenda
from events.invoicing.attachments import invoice
from events.invoicing.transfers import send_reminders as remind_invoices_due
from events.invoicing.transmit import export_yesterday
from events.mail.attachments import AttachmentBuilder
from events.mail.jobs import send_outbox
from events.partnering.jobs import send_follow_ups, send_reminders
from events.partnering.meetings import mark_no_shows
from events.partnering.services import close_dead_spaces
from events.payments.jobs import RECONCILE_EVERY, expire_checkout_sessions, push_refunds, reconcile
from events.privacy.jobs import apply_retention
from events.ticketing.lifecycle import expire_holds
from events.ticketing.waitlist import offer_places
from events.worker import HOURLY, ScheduledJob, purge_throttle_hits

JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("send outbox", send_outbox),
    ScheduledJob("expire holds", expire_holds),
    ScheduledJob("offer waiting-list places", offer_places, every=15.0),
    ScheduledJob("expire lapsed Stripe sessions", expire_checkout_sessions),
    ScheduledJob("push pending refunds", push_refunds),
    ScheduledJob("reconcile pending payments", reconcile, every=RECONCILE_EVERY),
    ScheduledJob("purge scan nonces", purge_nonces, every=HOURLY),
    ScheduledJob("purge old throttle hits", purge_throttle_hits, every=HOURLY),
    ScheduledJob("apply retention", apply_retention, every=HOURLY),
    ScheduledJob("close partnering spaces of cancelled tickets", close_dead_spaces, every=30.0),
    ScheduledJob("mark partnering no-shows", mark_no_shows, every=60.0),
    ScheduledJob("partnering reminders", send_reminders, every=300.0),
    ScheduledJob("partnering follow-ups", send_follow_ups, every=HOURLY),
    ScheduledJob("hand over yesterday's e-invoices", export_yesterday, every=HOURLY),
    ScheduledJob("remind buyers of invoices falling due", remind_invoices_due, every=HOURLY),
)

ATTACHMENT_BUILDERS: dict[str, AttachmentBuilder] = {
    "order_tickets": order_tickets,
    "invoice": invoice,
    "order_agenda": order_agenda,
    "certificate": certificate,
}

"""Retention, applied by the worker: attendee data is not kept longer than each event's policy says.

- `sensitive_retention_days` after an event ends, the answers to its `sensitive` questions (diet,
  accessibility) are removed from its tickets, and so are those shown at the door (`show_at_door`);
- `retention_months` after it ends, its attendees and buyers are anonymised as an erasure would
  (ticketing's `anonymise_ticket` / `anonymise_order`, consents without their address); the
  orders' amounts and organisations, the counts and the invoices stay.

Run by the worker hourly (`events.jobs.JOBS`). Each step marks the event when done
(`sensitive_purged_at`, `anonymised_at`), so it runs once per event
and an event whose dates move later is simply looked at again. Time comes from the injectable clock.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from events import clock
from events.catalogue.models import Event, Question
from events.privacy.models import ConsentRecord
from events.ticketing.models import Order, Ticket, WaitingListEntry
from events.ticketing.privacy import ERASED_NAME, anonymise_order, anonymise_ticket

logger = logging.getLogger(__name__)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


async def _purge_sensitive(event: Event) -> None:
    found = await Question.filter(Q(sensitive=True) | Q(show_at_door=True), event_id=event.id)
    keys = {str(q.id) for q in found}
    async with in_transaction():
        if keys:
            for ticket in await Ticket.filter(event_id=event.id):
                if keys & set(ticket.answers):
                    ticket.answers = {k: v for k, v in ticket.answers.items() if k not in keys}
                    await ticket.save(update_fields=["answers"])
        await Event.filter(id=event.id).update(sensitive_purged_at=clock.now())


async def _anonymise(event: Event) -> None:
    async with in_transaction():
        for ticket in await Ticket.filter(event_id=event.id):
            await ticket.save(update_fields=anonymise_ticket(ticket))
        for order in await Order.filter(event_id=event.id):
            await order.save(update_fields=anonymise_order(order))
        await WaitingListEntry.filter(event_id=event.id).update(name=ERASED_NAME, email="", offer_token=None)
        await ConsentRecord.filter(event_id=event.id).update(email="")
        await Event.filter(id=event.id).update(anonymised_at=clock.now(), sensitive_purged_at=clock.now())


async def apply_retention() -> int:
    """Events whose retention has run out, treated; how many steps were taken."""
    now = clock.now()
    done = 0
    for event in await Event.filter(sensitive_purged_at=None, ends_at__lt=now):
        if event.ends_at + timedelta(days=event.sensitive_retention_days) <= now:
            await _purge_sensitive(event)
            done += 1
    for event in await Event.filter(anonymised_at=None, ends_at__lt=now):
        if add_months(event.ends_at, event.retention_months) <= now:
            await _anonymise(event)
            logger.info("retention: event %s anonymised", event.id)
            done += 1
    return done

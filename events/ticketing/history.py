"""An order's story for the organiser: what the order row records, then the audit trail of the order
and of its tickets (who cancelled, who changed an attendee), oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.errors import N_
from events.i18n import gettext
from events.ticketing.models import Order, OrderStatus, Ticket

ACTIONS = {
    "order.cancelled": N_("Cancelled by the organisers"),
    "order.refund_requested": N_("Refund requested by the organisers"),
    "ticket.attendee_updated": N_("Attendee details changed"),
    "order.created_by_organiser": N_("Made by the organisers"),
    "order.transfer_recorded": N_("Payment received, recorded by the organisers"),
    "order.reminder_sent": N_("Payment reminder sent by the organisers"),
}


@dataclass(frozen=True)
class Step:
    at: datetime
    what: str  # already in the reader's language
    who: str | None = None
    action: str = ""


def _entry_step(entry: AuditEntry, users: dict[int, str]) -> Step:
    who = users.get(entry.user_id) if entry.user_id else None
    what = gettext(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action
    return Step(entry.created_at, what, who, entry.action)


async def order_history(order: Order, organisation_id: int) -> list[Step]:
    """Placing comes first whatever the clocks say (the row's creation time and the payment time
    are taken a moment apart); the rest follows in time order.
    """
    steps = [Step(order.created_at, gettext(N_("Order placed")), order.buyer_email, "order.placed")]
    if order.paid_at:
        paid = gettext(N_("Confirmed (free)")) if order.total_cents == 0 else gettext(N_("Paid"))
        steps.append(Step(order.paid_at, paid, None, "order.paid"))
    ticket_ids = [str(t.id) for t in await Ticket.filter(order_id=order.id).only("id")]
    entries = await AuditEntry.filter(
        Q(object_type="order", object_id=order.code) | Q(object_type="ticket", object_id__in=ticket_ids),
        organisation_id=organisation_id,
    ).order_by("created_at", "id")
    user_ids = {e.user_id for e in entries if e.user_id}
    users = {u.id: u.email for u in await User.filter(id__in=user_ids)} if user_ids else {}
    steps += [_entry_step(entry, users) for entry in entries]
    recorded = {step.action for step in steps}
    if order.cancelled_at and order.status == OrderStatus.EXPIRED:
        steps.append(
            Step(order.cancelled_at, gettext(N_("Hold expired without payment")), None, "order.expired")
        )
    elif order.cancelled_at and order.status == OrderStatus.CANCELLED and "order.cancelled" not in recorded:
        steps.append(Step(order.cancelled_at, gettext(N_("Cancelled by the buyer")), None, "order.cancelled"))
    placed, *later = steps
    return [placed, *sorted(later, key=lambda step: step.at)]

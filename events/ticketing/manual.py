"""Orders the organiser makes: complimentary places, and group orders paid on invoice or already paid.

Three kinds, one placing path (`orders.place_for_organiser`: the event's lock, the count, the insert):

- `complimentary`: speakers, invited guests. Nothing to pay, paid at once, a reason kept on the order
  and in the audit trail. No invoice, not even one for zero: under French rules an invoice records a
  supply made for a price (CGI art. 289, Code de commerce L441-9); a place given for the event's own
  purposes has no price and no VAT is due on it, and a zero invoice would take a number in the
  gapless series for a document that the accountant would then have to explain. The order, its
  reason and its audit row are the record.
- `invoice`: a lab's group paid by one invoice, against its purchase order (BT-13), its Chorus Pro
  service code (BT-10) and its SIRET, exactly as a buyer paying on invoice: pending with a due date,
  valid tickets, the invoice at once, reminders and transfers as usual (`invoicing/transfers.py`).
- `paid`: the same, for money already received (a transfer or a cheque): the payment is recorded at
  once in the same transaction (`record_transfer`), so the order is paid and its invoice says so.

Tickets and the buyer's confirmation go out through the outbox as for any order. A complimentary place
may go past a full ticket type only when the organiser ticks `over_capacity`; no other order can.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event
from events.errors import N_, Invalid
from events.i18n import gettext
from events.invoicing import transfers
from events.invoicing.transfers import TransferIn
from events.ticketing.models import Order
from events.ticketing.order_schemas import AttendeeIn, BuyerIn, OrderIn, PaymentIn, TicketIn
from events.ticketing.orders import place_for_organiser
from events.validation import RowRef, validate

Kind = Literal["complimentary", "invoice", "paid"]
KINDS: tuple[Kind, ...] = ("complimentary", "invoice", "paid")


class ManualTicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type: RowRef
    attendee: AttendeeIn


class ManualOrderIn(BaseModel):
    """An order made by the organiser. `reason` is required for a complimentary order; `paid_at` (and
    `payment_reference`, the transfer's or the cheque's) for one already paid; `payment_days` replaces
    the event's days to pay (30 when the event has none)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Kind
    reason: str = Field(default="", max_length=500)
    buyer: BuyerIn
    tickets: list[ManualTicketIn] = Field(min_length=1, max_length=50)
    purchase_order: str = Field(default="", max_length=100)
    buyer_reference: str = Field(default="", max_length=100)
    payment_days: int | None = Field(default=None, ge=1, le=60)
    paid_at: date | None = None
    payment_reference: str = Field(default="", max_length=140)
    over_capacity: bool = False
    locale: Literal["fr", "en"] = "fr"


DEFAULT_PAYMENT_DAYS = 30
"""Days to pay an organiser's order on invoice when neither the order nor the event says."""


def _check(wanted: ManualOrderIn) -> None:
    errors: dict[str, str] = {}
    if wanted.kind == "complimentary" and not wanted.reason:
        errors["reason"] = gettext(N_("Say why this order is complimentary (speaker, invited guest…)."))
    if wanted.over_capacity and wanted.kind != "complimentary":
        errors["over_capacity"] = gettext(N_("Only a complimentary place may go past the capacity."))
    if wanted.kind == "paid" and wanted.paid_at is None:
        errors["paid_at"] = gettext(N_("Enter the day the payment was received."))
    if errors:
        raise Invalid(errors)


def _request(wanted: ManualOrderIn) -> OrderIn:
    payment = None
    if wanted.kind != "complimentary":
        payment = PaymentIn(
            method="invoice", purchase_order=wanted.purchase_order, buyer_reference=wanted.buyer_reference
        )
    tickets = [TicketIn(ticket_type=t.ticket_type, attendee=t.attendee) for t in wanted.tickets]
    return OrderIn(buyer=wanted.buyer, tickets=tickets, locale=wanted.locale, payment=payment)


async def place_manual_order(user: User, event: Event, data: object) -> Order:
    """The organiser's order on `event` (already found within their organisation), audited."""
    wanted = data if isinstance(data, ManualOrderIn) else validate(ManualOrderIn, data)
    _check(wanted)
    if wanted.paid_at is not None and wanted.kind == "paid":
        # The transfer's own rule (not in the future), checked now so that it shows beside its field.
        validate(TransferIn, {"amount": "1.00", "paid_at": wanted.paid_at})

    async def then(order: Order) -> None:
        """Inside the placing transaction: the payment already received, and the audit row."""
        after: dict[str, object] = {
            "kind": wanted.kind,
            "tickets": len(wanted.tickets),
            "total_cents": order.total_cents,
        }
        if wanted.kind == "complimentary":
            after |= {"reason": wanted.reason, "over_capacity": wanted.over_capacity}
        await audit.record(
            user, user.organisation_id, "order.created_by_organiser", "order", order.code, after=after
        )
        if wanted.kind == "paid" and wanted.paid_at is not None:
            received = TransferIn(
                amount=Decimal(order.total_cents) / 100,
                paid_at=wanted.paid_at,
                reference=wanted.payment_reference,
            )
            await transfers.record_transfer(user, order, received)

    complimentary = wanted.kind == "complimentary"
    placed = await place_for_organiser(
        event,
        _request(wanted),
        complimentary=complimentary,
        over_capacity=wanted.over_capacity,
        invoice_days=wanted.payment_days or event.invoice_payment_days or DEFAULT_PAYMENT_DAYS,
        created_by_id=user.id,
        reason=wanted.reason if complimentary else "",
        then=then,
    )
    return await Order.get(id=placed.id).select_related("event")

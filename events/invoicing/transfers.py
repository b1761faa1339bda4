"""Paying on invoice: public labs and companies that pay by bank transfer against a purchase order.

The buyer chooses "my organisation pays on invoice" where the event allows it (`invoice_payment_days`).
The order is then `pending` with a due date and no hold expiry: its tickets are valid at once and it
keeps its places until it is paid or cancelled (availability counts it, DESIGN rule 4). Its invoice is
issued at once, in the placing transaction, with the due date, the bank details and the order code as
payment reference, and goes with the confirmation.

The organiser records the transfers received (several partial ones allowed, never more than is due);
the order becomes `paid` when they add up to the total, and one "payment received" e-mail goes out.
Reminders go out by themselves, once each: `REMIND_BEFORE_DAYS` before the due date and the day after
it. An unpaid order is cancelled by the organiser (or by the buyer where the event allows it): its
places go back and a credit note cancels the whole invoice (an issued invoice is never deleted).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event
from events.errors import N_, Invalid, InvoicePaymentOff, OrderNotChangeable, ReminderAlreadySent
from events.i18n import format_money, gettext
from events.invoicing.models import BankTransfer, Invoice, InvoiceKind
from events.invoicing.seller import require_complete
from events.invoicing.services import issue_credit_note, issue_invoice
from events.mail import services as mail
from events.mail.models import OutboxMessage
from events.ticketing.models import Order, OrderStatus, PaymentMethod
from events.ticketing.order_schemas import OrderIn, order_url
from events.validation import validate

logger = logging.getLogger(__name__)

REMIND_BEFORE_DAYS = 5
REMIND_AFTER_DAYS = 1


def today(event: Event) -> date:
    return clock.now().astimezone(ZoneInfo(event.timezone or "Europe/Paris")).date()


async def choose_payment(order: Order, event: Event, request: OrderIn, *, days: int | None = None) -> None:
    """Before the placing transaction: an order with something to pay, on invoice when asked for.

    `days` to pay is the event's, unless the organiser making the order gives their own.
    """
    buyer = request.buyer
    order.buyer_siret = buyer.siret
    payment = request.payment
    if payment is None or payment.method != "invoice" or order.total_cents <= 0:
        return
    days = days or event.invoice_payment_days
    if days is None:
        raise InvoicePaymentOff()
    errors: dict[str, str] = {}
    if not buyer.organisation:
        errors["buyer.organisation"] = gettext(N_("Enter the name of the organisation that pays."))
    if not buyer.address:
        errors["buyer.address"] = gettext(N_("Enter the billing address."))
    if (buyer.country or "FR").upper() == "FR" and not buyer.siret:
        errors["buyer.siret"] = gettext(N_("Enter the SIRET of the organisation that pays (14 digits)."))
    if errors:
        raise Invalid(errors)
    await require_complete(event.organisation_id, transfer=True)
    order.payment_method = PaymentMethod.INVOICE
    order.purchase_order = payment.purchase_order
    order.buyer_reference = payment.buyer_reference
    order.expires_at = None
    order.due_date = today(event) + timedelta(days=days)


async def invoice_at_once(order: Order, confirmation: OutboxMessage | None) -> None:
    """Inside the placing transaction: the invoice, numbered there, goes with the confirmation."""
    if order.payment_method != PaymentMethod.INVOICE:
        return
    invoice = await issue_invoice(order)
    if invoice is not None and confirmation is not None:
        confirmation.attachments = [*confirmation.attachments, {"kind": "invoice", "invoice_id": invoice.id}]
        await confirmation.save(update_fields=["attachments"])


class TransferIn(BaseModel):
    """A bank transfer received: its amount, the day it reached the account, the bank's reference."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    paid_at: date
    reference: str = Field(default="", max_length=140)

    @field_validator("paid_at")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > clock.now().date() + timedelta(days=1):
            raise ValueError(N_("A transfer cannot be received in the future."))
        return value


async def record_transfer(user: User, order: Order, data: object) -> Order:
    """A transfer received for an order on invoice; paid once the transfers reach the total."""
    values = data if isinstance(data, TransferIn) else _validate(data)
    amount = int(values.amount * 100)
    async with in_transaction():
        await Order.filter(id=order.id).update(updated_at=clock.now())  # lock the order's row first
        current = await Order.get(id=order.id)
        if current.payment_method != PaymentMethod.INVOICE or current.status != OrderStatus.PENDING:
            raise OrderNotChangeable()
        due = current.total_cents - current.amount_paid_cents
        if amount > due:
            raise Invalid(
                {
                    "amount": gettext(
                        N_("At most {amount} is still due."), amount=format_money(due, current.currency)
                    )
                }
            )
        before = {"amount_paid_cents": current.amount_paid_cents, "status": str(current.status)}
        await BankTransfer.create(
            order_id=current.id, amount_cents=amount, paid_on=values.paid_at, reference=values.reference
        )
        current.amount_paid_cents += amount
        if current.amount_paid_cents == current.total_cents:
            current.status = OrderStatus.PAID
            current.paid_at = clock.now()
            await _payment_received(current)
        await current.save(update_fields=["amount_paid_cents", "status", "paid_at", "updated_at"])
        after = {"amount_paid_cents": current.amount_paid_cents, "status": str(current.status),
                 "amount_cents": amount, "reference": values.reference}  # fmt: skip
        await audit.record(
            user,
            user.organisation_id,
            "order.transfer_recorded",
            "order",
            current.code,
            before=before,
            after=after,
        )
    return await Order.get(id=order.id).select_related("event")


def _validate(data: object) -> TransferIn:
    return validate(TransferIn, data)


async def _payment_received(order: Order) -> None:
    event = await Event.get(id=order.event_id)
    invoice = await Invoice.filter(order_id=order.id, kind=InvoiceKind.INVOICE).first()
    await mail.prepare_template(
        "mail/payment_received",
        to=order.buyer_email,
        locale=order.locale,
        context=await mail.with_sender(_mail_context(order, event, invoice)),
        kind="payment_received",
        dedupe_key=f"payment-received:{order.code}",
    ).save()


def _mail_context(order: Order, event: Event, invoice: Invoice | None) -> dict[str, object]:
    return {
        "order": order,
        "event": event,
        "invoice_number": invoice.number if invoice else "",
        "due_cents": order.total_cents - order.amount_paid_cents,
        "order_url": order_url(order),
    }


async def cancel_unpaid(order: Order) -> None:
    """Inside the cancelling transaction: the credit note that cancels what is left of the invoice."""
    if order.payment_method != PaymentMethod.INVOICE:
        return
    invoice = await Invoice.filter(order_id=order.id, kind=InvoiceKind.INVOICE).first()
    if invoice is None:
        return
    credited = sum(n.total_incl_cents for n in await Invoice.filter(credited_invoice_id=invoice.id))
    left = invoice.total_incl_cents + credited  # credit notes are negative
    if left > 0:
        await issue_credit_note(order, left)


# ---------------------------------------------------------------- reminders


async def send_reminders() -> int:
    """The automatic reminders: once before the due date, once after it (the worker's job)."""
    sent = 0
    candidates = Order.filter(
        Q(reminded_before_at__isnull=True) | Q(reminded_after_at__isnull=True),
        status=OrderStatus.PENDING,
        payment_method=PaymentMethod.INVOICE,
        due_date__isnull=False,
    ).select_related("event")
    for order in await candidates:
        stage = _stage(order)
        if stage is not None:
            sent += await _remind(order, stage)
    return sent


def _stage(order: Order) -> str | None:
    assert order.due_date is not None
    day = today(order.event)
    if order.reminded_after_at is None and day >= order.due_date + timedelta(days=REMIND_AFTER_DAYS):
        return "after"
    if (
        order.reminded_before_at is None
        and order.due_date - timedelta(days=REMIND_BEFORE_DAYS) <= day < order.due_date
    ):
        return "before"
    return None


async def _remind(order: Order, stage: str) -> int:
    column = "reminded_before_at" if stage == "before" else "reminded_after_at"
    async with in_transaction():
        taken = await Order.filter(
            id=order.id, status=OrderStatus.PENDING, **{f"{column}__isnull": True}
        ).update(**{column: clock.now()})
        if not taken:
            return 0
        await _reminder(order, overdue=stage == "after", dedupe_key=f"payment-reminder:{order.code}:{stage}")
    return 1


async def _reminder(order: Order, *, overdue: bool, dedupe_key: str) -> None:
    """The payment reminder (the worker's and the organiser's), with the invoice attached again."""
    invoice = await Invoice.filter(order_id=order.id, kind=InvoiceKind.INVOICE).first()
    context = {**_mail_context(order, order.event, invoice), "overdue": overdue}
    await mail.prepare_template(
        "mail/payment_reminder",
        to=order.buyer_email,
        locale=order.locale,
        context=await mail.with_sender(context),
        kind="payment_reminder",
        dedupe_key=dedupe_key,
        attachments=[{"kind": "invoice", "invoice_id": invoice.id}] if invoice else [],
    ).save()


async def remind_now(user: User, order: Order) -> Order:
    """The organiser's "send a reminder now", at most once a day (the event's calendar day) per order.

    The day's dedupe key in the outbox is the rule, checked under the order's row lock, so two clicks
    (or two organisers) at once send one reminder; the automatic ones are not moved by it.
    """
    async with in_transaction():
        await Order.filter(id=order.id).update(updated_at=clock.now())  # lock the order's row first
        current = await Order.get(id=order.id).select_related("event")
        if current.payment_method != PaymentMethod.INVOICE or current.status != OrderStatus.PENDING:
            raise OrderNotChangeable()
        day = today(current.event)
        key = f"payment-reminder:{current.code}:manual:{day.isoformat()}"
        if await OutboxMessage.filter(dedupe_key=key).exists():
            raise ReminderAlreadySent()
        overdue = current.due_date is not None and day > current.due_date
        await _reminder(current, overdue=overdue, dedupe_key=key)
        await audit.record(
            user,
            user.organisation_id,
            "order.reminder_sent",
            "order",
            current.code,
            after={"day": day.isoformat(), "overdue": overdue},
        )
    return current


async def owed(organisation_id: int) -> list[Order]:
    """What is owed to the organisation: its unpaid orders on invoice, the oldest due first."""
    return (
        await Order.filter(
            event__organisation_id=organisation_id,
            status=OrderStatus.PENDING,
            payment_method=PaymentMethod.INVOICE,
        )
        .order_by("due_date", "id")
        .select_related("event")
    )

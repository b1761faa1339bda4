"""What the buyer and the organiser are told when money moves in an unusual way.

Each notice goes to the outbox in the transaction that made the decision, with a dedupe key naming
the decision, so a second delivery of the same Stripe event never mails anyone twice.
"""

from __future__ import annotations

from events.accounts.models import Role, User
from events.catalogue.models import Event
from events.invoicing.models import Invoice
from events.mail import services as mail
from events.payments.models import Refund
from events.ticketing.models import Order
from events.ticketing.order_schemas import order_url
from events.web import links
from settings import settings

ALERT_MISMATCH = "amount_mismatch"
ALERT_LATE_REFUND = "late_payment_refunded"
ALERT_DOUBLE_PAYMENT = "double_payment"


def _context(order: Order, event: Event, **extra: object) -> dict[str, object]:
    return {"order": order, "event": event, "order_url": order_url(order), **extra}


async def payment_failed(order: Order, event: Event) -> None:
    await mail.enqueue_template(
        "payments/mail/payment_failed",
        to=order.buyer_email,
        locale=order.locale,
        context=_context(order, event),
        kind="payment_failed",
        dedupe_key=f"payment-failed:{order.code}",
    )


async def late_payment_refunded(order: Order, event: Event, amount: int) -> None:
    await mail.enqueue_template(
        "payments/mail/late_payment_refunded",
        to=order.buyer_email,
        locale=order.locale,
        context=_context(order, event, amount=amount),
        kind="late_payment_refunded",
        dedupe_key=f"late-payment-refunded:{order.code}",
    )


async def refund_issued(order: Order, event: Event, refund: Refund, credit_note: Invoice | None) -> None:
    attachments = [{"kind": "invoice", "invoice_id": credit_note.id}] if credit_note else []
    await mail.enqueue_template(
        "payments/mail/refund_issued",
        to=order.buyer_email,
        locale=order.locale,
        context=_context(order, event, amount=refund.amount_cents, credit_note=credit_note),
        kind="refund_issued",
        dedupe_key=f"refund-issued:{refund.id}",
        attachments=attachments,
    )


async def _organisers(event: Event) -> list[User]:
    people = await User.filter(organisation_id=event.organisation_id, is_active=True, role=Role.OWNER)
    if not people:
        people = await User.filter(organisation_id=event.organisation_id, is_active=True, role=Role.MANAGER)
    return list(people)


async def alert_organisers(order: Order, event: Event, reason: str, key: str, **details: object) -> None:
    """An e-mail to the organisation's owners about an order that needs a person to look at it."""
    dashboard_url = links.absolute("dashboard_event", slug=event.slug)
    for person in await _organisers(event):
        await mail.enqueue_template(
            "payments/mail/organiser_alert",
            to=person.email,
            locale=settings.default_locale,
            context=_context(order, event, reason=reason, dashboard_url=dashboard_url, **details),
            kind="payment_alert",
            dedupe_key=f"payment-alert:{reason}:{key}:{person.id}"[:120],
        )

"""The e-mails sent (or waiting) to a person, as the mail log shows them. A contributor of
`events.privacy.registry`.

The outbox has no organisation column: a message is this organisation's when its dedupe key names one
of the person's orders, tickets or waiting-list entries in it (`order-confirmation:CODE`,
`waitlist-offer:ID`, `session-cancelled:…:TICKET`…). Erasing blanks the address and the bodies (which
hold the name and the order's links) and keeps the row, so the log still counts what was sent; a
message not sent yet is marked failed, never sent to nobody.
"""

from __future__ import annotations

from events.mail.models import MailStatus, OutboxMessage
from events.privacy.registry import register
from events.ticketing.models import Order, WaitingListEntry
from events.ticketing.privacy import persons_tickets

ERASED = "erased on request"


async def _references(email: str, organisation_id: int) -> set[str]:
    """The parts of a dedupe key that tie a message to this organisation and person."""
    orders = await Order.filter(buyer_email=email, event__organisation_id=organisation_id).values_list(
        "code", flat=True
    )
    tickets = await persons_tickets(email, organisation_id)
    waiting = await WaitingListEntry.filter(email=email, event__organisation_id=organisation_id).values_list(
        "id", flat=True
    )
    return {*map(str, orders), *(t.order.code for t in tickets), *(str(t.id) for t in tickets),
            *map(str, waiting)}  # fmt: skip


async def persons_messages(email: str, organisation_id: int) -> list[OutboxMessage]:
    references = await _references(email, organisation_id)
    messages = await OutboxMessage.filter(to_address=email).order_by("id")
    return [m for m in messages if m.dedupe_key and references & set(m.dedupe_key.split(":")[1:])]


class MailData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        return {
            "mailings": [
                {
                    "kind": m.kind,
                    "subject": m.subject,
                    "status": str(m.status),
                    "created_at": m.created_at.isoformat(),
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                }
                for m in await persons_messages(email, organisation_id)
            ]
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        messages = await persons_messages(email, organisation_id)
        for message in messages:
            message.to_address = ""
            message.subject = ERASED
            message.text_body = message.html_body = ""
            message.attachments = []
            message.last_error = ""
            if message.status == MailStatus.PENDING:
                message.status, message.last_error = MailStatus.FAILED, ERASED
        for message in messages:
            await message.save(
                update_fields=[
                    "to_address",
                    "subject",
                    "text_body",
                    "html_body",
                    "attachments",
                    "last_error",
                    "status",
                ]
            )
        return {"mailings": len(messages)}


register(MailData())

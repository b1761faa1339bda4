"""What ticketing holds about a person (orders, tickets, answers, waiting list), and how it is erased.

Anonymising keeps every row, so capacity, counts, amounts and the dashboard stay true; the buyer's
organisation, VAT number and country stay on the order (accounting keeps them, as the invoice does),
and issued invoices and credit notes are not touched. Links stop working: an erased buyer's order gets
a new secret, an erased attendee's agenda a new token; a group order bought by someone else keeps its
link for that buyer. A contributor of `events.privacy.registry`.
"""

from __future__ import annotations

import secrets

from tortoise.expressions import Q

from events import texts
from events.catalogue.models import Question, QuestionKind
from events.privacy.registry import register
from events.ticketing.models import Order, Ticket, WaitingListEntry

ERASED_NAME = "—"
"""What a blanked name reads as on the organiser's lists and the order page."""


def anonymise_order(order: Order) -> list[str]:
    """Blank the buyer's person on `order` (not saved); the fields changed."""
    order.buyer_name = ERASED_NAME
    order.buyer_first_name = order.buyer_last_name = ""
    order.buyer_email = ""
    order.buyer_address = ""
    order.secret = secrets.token_urlsafe(24)
    return ["buyer_name", "buyer_first_name", "buyer_last_name", "buyer_email", "buyer_address", "secret"]


def anonymise_ticket(ticket: Ticket) -> list[str]:
    """Blank the attendee on `ticket` (not saved); the fields changed."""
    ticket.attendee_name = ERASED_NAME
    ticket.attendee_first_name = ticket.attendee_last_name = ""
    ticket.attendee_email = ""
    ticket.attendee_organisation = ""
    ticket.attendee_job_title = ""
    ticket.answers = {}
    ticket.agenda_token = secrets.token_urlsafe(24)
    return ["attendee_name", "attendee_first_name", "attendee_last_name", "attendee_email",
            "attendee_organisation", "attendee_job_title", "answers", "agenda_token"]  # fmt: skip


def _mine(email: str, organisation_id: int) -> Q:
    """Tickets naming the person, or left without an attendee address in an order the person placed."""
    return Q(event__organisation_id=organisation_id) & (
        Q(attendee_email=email) | Q(attendee_email="", order__buyer_email=email)
    )


async def persons_tickets(email: str, organisation_id: int) -> list[Ticket]:
    return (
        await Ticket.filter(_mine(email, organisation_id)).order_by("id").prefetch_related("event", "order")
    )


def _order_row(order: Order) -> dict[str, object]:
    return {
        "code": order.code, "event": order.event.slug, "status": str(order.status),
        "buyer_name": order.buyer_name, "buyer_email": order.buyer_email,
        "buyer_organisation": order.buyer_organisation, "buyer_vat_id": order.buyer_vat_id,
        "buyer_address": order.buyer_address, "buyer_country": order.buyer_country,
        "total_cents": order.total_cents, "currency": order.currency, "consents": order.consents,
        "created_at": order.created_at.isoformat(),
    }  # fmt: skip


def _ticket_row(ticket: Ticket) -> dict[str, object]:
    return {
        "id": ticket.id, "order": ticket.order.code, "event": ticket.event.slug, "status": str(ticket.status),
        "attendee_name": ticket.attendee_name, "attendee_email": ticket.attendee_email,
        "attendee_organisation": ticket.attendee_organisation,
        "attendee_job_title": ticket.attendee_job_title, "created_at": ticket.created_at.isoformat(),
    }  # fmt: skip


def _readable(question: Question | None, value: object) -> object:
    """A chosen option as its text in the reader's language; any other answer as stored."""
    if question is not None and question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE):
        return question.answer_text(value)
    return value


async def _answer_rows(tickets: list[Ticket]) -> list[dict[str, object]]:
    ids = {int(key) for ticket in tickets for key in ticket.answers if key.isdigit()}
    asked = {q.id: q for q in await Question.filter(id__in=ids)}
    return [
        {
            "ticket": ticket.id,
            "question": texts.localized(asked[int(key)], "label") if int(key) in asked else key,
            "answer": _readable(asked.get(int(key)), value),
        }
        for ticket in tickets
        for key, value in ticket.answers.items()
        if key.isdigit()
    ]


class TicketingData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        orders = (
            await Order.filter(buyer_email=email, event__organisation_id=organisation_id)
            .order_by("id")
            .prefetch_related("event")
        )
        tickets = await persons_tickets(email, organisation_id)
        waiting = (
            await WaitingListEntry.filter(email=email, event__organisation_id=organisation_id)
            .order_by("id")
            .prefetch_related("event")
        )
        return {
            "orders": [_order_row(order) for order in orders],
            "tickets": [_ticket_row(ticket) for ticket in tickets],
            "answers": await _answer_rows(tickets),
            "waiting_list": [
                {
                    "event": w.event.slug,
                    "name": w.name,
                    "email": w.email,
                    "status": str(w.status),
                    "created_at": w.created_at.isoformat(),
                }
                for w in waiting
            ],
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        tickets = await persons_tickets(email, organisation_id)
        for ticket in tickets:
            await ticket.save(update_fields=anonymise_ticket(ticket))
        orders = await Order.filter(buyer_email=email, event__organisation_id=organisation_id)
        for order in orders:
            await order.save(update_fields=anonymise_order(order))
        waiting = await WaitingListEntry.filter(
            email=email, event__organisation_id=organisation_id
        ).values_list("id", flat=True)
        await WaitingListEntry.filter(id__in=list(waiting)).update(
            name=ERASED_NAME, email="", offer_token=None
        )
        return {"orders": len(orders), "tickets": len(tickets), "waiting_list": len(waiting)}


register(TicketingData(), stage=90)

"""Attendee self-service: the buyer corrects attendees' details from the order page.

Names go on badges and e-mails reach the attendee, so mistakes are common and must be fixable without
writing to the organisers; but badges are printed and lists exported before the day, so changes stop at
the event's `attendee_edit_until` (or, when unset, at its start). The ticket secret does not depend on
these details, so a changed name needs no new ticket.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel, Field
from starlette.datastructures import FormData
from tortoise.transactions import in_transaction

from events import clock
from events.audit import services as audit
from events.catalogue.models import Event, Question, QuestionKind
from events.errors import Invalid, NotFound, OrderNotChangeable
from events.ticketing.answers import clean_answers
from events.ticketing.lifecycle import ATTENDEE_EDIT_CLOSED
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from events.ticketing.order_schemas import AttendeeIn
from events.validation import validate

ATTENDEE_FIELDS = ("first_name", "last_name", "name", "email", "organisation", "job_title")
EDITABLE_ORDERS = (OrderStatus.PAID, OrderStatus.PENDING)
FORM_PREFIX = "ticket-0-"


class AttendeeForm(BaseModel):
    """One attendee's form as `read_form` reads it; `update_attendee` holds it to the event's questions."""

    attendee: dict[str, str]
    answers: dict[str, str | bool | list[str]] = Field(default_factory=dict)


def edit_deadline(event: Event) -> datetime:
    return event.attendee_edit_until or event.starts_at


def can_edit(order: Order, event: Event) -> bool:
    return order.status in EDITABLE_ORDERS and clock.now() < edit_deadline(event)


def can_edit_ticket(order: Order, event: Event, ticket: Ticket) -> bool:
    """A cancelled ticket keeps the details it was cancelled with."""
    return can_edit(order, event) and ticket.status == TicketStatus.VALID


def page_context(order: Order, event: Event) -> dict[str, object]:
    """What the order page's attendee section needs."""
    return {"attendees_editable": can_edit(order, event), "attendees_deadline": edit_deadline(event)}


async def questions(event: Event) -> list[Question]:
    return await Question.filter(event_id=event.id).order_by("position", "id")


def read_form(form: FormData, questions: list[Question]) -> dict[str, object]:
    """An attendee form's flat fields (`ticket-0-name`, `ticket-0-q-<id>`, as on the registration form)."""
    answers: dict[str, object] = {}
    for question in questions:
        key = f"{FORM_PREFIX}q-{question.id}"
        if question.kind == QuestionKind.MULTIPLE:
            value: str | bool | list[str] = [str(v) for v in form.getlist(key)]
        elif question.kind == QuestionKind.CHECKBOX:
            value = form.get(key) == "on"
        else:
            value = str(form.get(key, "")).strip()
        if value not in ("", [], False):
            answers[str(question.id)] = value
    return {
        "attendee": {name: str(form.get(FORM_PREFIX + name, "")).strip() for name in ATTENDEE_FIELDS},
        "answers": answers,
    }


def _snapshot(ticket: Ticket, sensitive: set[str]) -> dict[str, object]:
    """What the audit trail keeps: the details, and answers unless they are sensitive (health, diet)."""
    values: dict[str, object] = {name: getattr(ticket, f"attendee_{name}") for name in ATTENDEE_FIELDS}
    for key, answer in ticket.answers.items():
        values[f"answer_{key}"] = "…" if key in sensitive else answer
    return values


def _checked(asked: list[Question], data: Mapping[str, object]) -> tuple[AttendeeIn, dict[str, object]]:
    """The new details and answers, or every field error at once (`attendee.name`, `answers.7`)."""
    errors: dict[str, str] = {}
    attendee: AttendeeIn | None = None
    try:
        attendee = validate(AttendeeIn, data.get("attendee"))
    except Invalid as error:
        errors.update({f"attendee.{key}": message for key, message in error.details.items()})
    raw = data.get("answers") or {}
    answers: dict[str, object] = {}
    try:
        answers = clean_answers(asked, raw if isinstance(raw, dict) else {}, 0)
    except Invalid as error:
        errors.update({key.removeprefix("tickets.0."): message for key, message in error.details.items()})
    if errors or attendee is None:
        raise Invalid(errors)
    return attendee, answers


async def update_attendee(order: Order, ticket_id: int, data: Mapping[str, object]) -> Ticket:
    """Change one attendee's details and answers, until the event's edit deadline."""
    event = await Event.get(id=order.event_id)
    ticket = await Ticket.get_or_none(id=ticket_id, order_id=order.id)
    if ticket is None:
        raise NotFound()
    if not can_edit_ticket(order, event, ticket):
        raise OrderNotChangeable(ATTENDEE_EDIT_CLOSED)
    asked = await questions(event)
    attendee, answers = _checked(asked, data)
    sensitive = {str(q.id) for q in asked if q.sensitive}
    async with in_transaction():
        before = _snapshot(ticket, sensitive)
        for name in ATTENDEE_FIELDS:
            setattr(ticket, f"attendee_{name}", getattr(attendee, name))
        ticket.answers = answers
        await ticket.save(
            update_fields=[*(f"attendee_{name}" for name in ATTENDEE_FIELDS), "answers", "updated_at"]
        )
        await audit.record(
            None, event.organisation_id, "ticket.attendee_updated", "ticket", ticket.id,
            before=before, after=_snapshot(ticket, sensitive),
        )  # fmt: skip
    return ticket

"""Ticket types, promo codes and registration questions: what an organiser puts on sale.

Every change writes an audit row in its transaction and refreshes the cached public pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.transactions import in_transaction

from events import texts
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue import options
from events.catalogue.models import Event, PromoCode, Question, TicketType
from events.catalogue.offer_schemas import (
    QUESTION_TEXTS,
    TYPE_TEXTS,
    PromoCodeInput,
    QuestionInput,
    QuestionPatch,
    TicketTypeInput,
    TicketTypePatch,
    money,
    question_values,
    ticket_type_values,
    to_cents,
)
from events.errors import N_, Conflict, Invalid, NotFound
from events.i18n import gettext
from events.ticketing.models import Order, Ticket
from events.validation import validate
from events.web.pagecache import public_pages


def _type_fields(values: TicketTypeInput) -> dict[str, Any]:
    fields = values.model_dump(exclude={"price", "vat_rate", "member_price"})
    fields["price_cents"] = to_cents(values.price)
    fields["member_price_cents"] = None if values.member_price is None else to_cents(values.member_price)
    fields["vat_rate_bp"] = to_cents(values.vat_rate)
    return fields


def _type_snapshot(ticket_type: TicketType) -> dict[str, object]:
    values = ticket_type_values(ticket_type)
    return {key: str(value) if value is not None else None for key, value in values.items()}


async def ticket_types(event: Event, *, include_hidden: bool = True) -> list[TicketType]:
    query = TicketType.filter(event_id=event.id)
    if not include_hidden:
        query = query.filter(hidden=False)
    return await query.order_by("position", "id")


async def ticket_type(event: Event, type_id: int) -> TicketType:
    found = await TicketType.get_or_none(id=type_id, event_id=event.id)
    if found is None:
        raise NotFound()
    return found


async def create_ticket_type(user: User, event: Event, data: object) -> TicketType:
    values = validate(TicketTypeInput, data)
    async with in_transaction():
        position = await TicketType.filter(event_id=event.id).count()
        created = await TicketType.create(event=event, position=position, **_type_fields(values))
        await audit.record(
            user, event.organisation_id, "ticket_type.created", "ticket_type", created.id,
            after=_type_snapshot(created),
        )  # fmt: skip
    public_pages.clear()
    return created


async def update_ticket_type(user: User, found: TicketType, patch: TicketTypePatch) -> TicketType:
    changes = texts.expand(patch.model_dump(exclude_unset=True), TYPE_TEXTS)
    values = validate(TicketTypeInput, {**ticket_type_values(found), **changes})
    async with in_transaction():
        before = _type_snapshot(found)
        for name, value in _type_fields(values).items():
            setattr(found, name, value)
        await found.save()
        await audit.record(
            user, user.organisation_id, "ticket_type.updated", "ticket_type", found.id,
            before=before, after=_type_snapshot(found),
        )  # fmt: skip
    public_pages.clear()
    return found


async def delete_ticket_type(user: User, found: TicketType) -> None:
    """Delete a ticket type nobody has ordered; once one has a ticket (even of a lapsed order), it stays."""
    async with in_transaction():
        if await Ticket.filter(ticket_type_id=found.id).exists():
            raise Conflict(
                N_("This ticket type has orders: hide it or end its sales instead of deleting it.")
            )
        before = _type_snapshot(found)
        await found.delete()
        await audit.record(
            user, user.organisation_id, "ticket_type.deleted", "ticket_type", found.id,
            before=before, event_id=found.event_id,
        )  # fmt: skip
    public_pages.clear()


async def set_badge_colours(user: User, event: Event, colours: Mapping[int, str]) -> list[TicketType]:
    """Each ticket type's colour band; only the changed ones are saved (and audited)."""
    changed = []
    for ticket_type in await ticket_types(event):
        wanted = colours.get(ticket_type.id, ticket_type.badge_colour).lower()
        if wanted != ticket_type.badge_colour.lower():
            patch = validate(TicketTypePatch, {"badge_colour": wanted})
            changed.append(await update_ticket_type(user, ticket_type, patch))
    return changed


async def create_promo_code(user: User, event: Event, data: object) -> PromoCode:
    values = validate(PromoCodeInput, data)
    types = await TicketType.filter(event_id=event.id, id__in=values.ticket_types)
    if len(types) != len(set(values.ticket_types)):
        raise Invalid({"ticket_types": gettext(N_("Choose ticket types of this event."))})
    if await PromoCode.filter(event_id=event.id, code__iexact=values.code).exists():
        raise Invalid({"code": gettext(N_("This code already exists for this event."))})
    async with in_transaction():
        promo = await PromoCode.create(
            event=event,
            code=values.code.upper(),
            percent_off=values.percent_off,
            amount_off_cents=to_cents(values.amount_off) if values.amount_off else None,
            max_uses=values.max_uses,
            valid_from=values.valid_from,
            valid_until=values.valid_until,
        )
        if types:
            await promo.ticket_types.add(*types)
        await audit.record(
            user, event.organisation_id, "promo_code.created", "promo_code", promo.id,
            after={"code": promo.code, "ticket_types": sorted(values.ticket_types)},
        )  # fmt: skip
    return promo


async def promo_code(event: Event, promo_id: int) -> PromoCode:
    found = await PromoCode.get_or_none(id=promo_id, event_id=event.id)
    if found is None:
        raise NotFound()
    return found


def _promo_snapshot(promo: PromoCode, type_ids: list[int]) -> dict[str, object]:
    return {
        "code": promo.code,
        "percent_off": promo.percent_off,
        "amount_off_cents": promo.amount_off_cents,
        "max_uses": promo.max_uses,
        "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
        "ticket_types": sorted(type_ids),
    }


async def promo_values(promo: PromoCode) -> dict[str, object]:
    """The stored code as its form shows it."""
    return {
        "code": promo.code,
        "percent_off": promo.percent_off,
        "amount_off": money(promo.amount_off_cents) if promo.amount_off_cents else None,
        "max_uses": promo.max_uses,
        "valid_until": promo.valid_until,
        "ticket_types": [t.id for t in await promo.ticket_types.all()],
    }


async def update_promo_code(user: User, promo: PromoCode, data: object) -> PromoCode:
    """Change a code; orders that used it keep the discount they were given."""
    values = validate(PromoCodeInput, data)
    types = await TicketType.filter(event_id=promo.event_id, id__in=values.ticket_types)
    if len(types) != len(set(values.ticket_types)):
        raise Invalid({"ticket_types": gettext(N_("Choose ticket types of this event."))})
    taken = PromoCode.filter(event_id=promo.event_id, code__iexact=values.code).exclude(id=promo.id)
    if await taken.exists():
        raise Invalid({"code": gettext(N_("This code already exists for this event."))})
    async with in_transaction():
        before = _promo_snapshot(promo, [t.id for t in await promo.ticket_types.all()])
        promo.code = values.code.upper()
        promo.percent_off = values.percent_off
        promo.amount_off_cents = to_cents(values.amount_off) if values.amount_off else None
        promo.max_uses = values.max_uses
        promo.valid_until = values.valid_until
        await promo.save()
        await promo.ticket_types.clear()
        if types:
            await promo.ticket_types.add(*types)
        await audit.record(
            user, user.organisation_id, "promo_code.updated", "promo_code", promo.id,
            before=before, after=_promo_snapshot(promo, values.ticket_types), event_id=promo.event_id,
        )  # fmt: skip
    return promo


async def delete_promo_code(user: User, promo: PromoCode) -> None:
    """Delete a code no order used; a used one stays (its orders show it): end its validity instead."""
    async with in_transaction():
        if await Order.filter(promo_code_id=promo.id).exists():
            raise Conflict(
                N_("Orders have used this code: set its end date to stop it instead of deleting it.")
            )
        before = _promo_snapshot(promo, [t.id for t in await promo.ticket_types.all()])
        await promo.delete()
        await audit.record(
            user, user.organisation_id, "promo_code.deleted", "promo_code", promo.id,
            before=before, event_id=promo.event_id,
        )  # fmt: skip


async def questions(event: Event) -> list[Question]:
    return await Question.filter(event_id=event.id).order_by("position", "id")


async def question(event: Event, question_id: int) -> Question:
    """A question of this event; any other id is simply not found."""
    found = await Question.get_or_none(id=question_id, event_id=event.id)
    if found is None:
        raise NotFound()
    return found


def _question_snapshot(question: Question) -> dict[str, object]:
    return {
        "label": question.label, "label_en": question.label_en, "kind": str(question.kind),
        "options": question.options, "required": question.required, "sensitive": question.sensitive,
        "show_at_door": question.show_at_door,
    }  # fmt: skip


async def create_question(user: User, event: Event, data: object) -> Question:
    values = validate(QuestionInput, data)
    async with in_transaction():
        question = await Question.create(
            event=event, **values.model_dump(exclude={"options"}), options=values.option_values()
        )
        await audit.record(
            user, event.organisation_id, "question.created", "question", question.id,
            after=_question_snapshot(question),
        )  # fmt: skip
    public_pages.clear()
    return question


async def update_question(user: User, found: Question, data: object) -> Question:
    """Change a question: the API's partial patch or the dashboard's whole form. An option keeps its key
    (and so its answers) when its text is corrected; answers already given stay as they were written."""
    if isinstance(data, QuestionPatch):
        data = data.model_dump(exclude_unset=True)
    elif isinstance(data, QuestionInput):
        data = data.model_dump()
    changes = texts.expand(data, QUESTION_TEXTS) if isinstance(data, dict) else data
    values = validate(
        QuestionInput, {**question_values(found), **changes} if isinstance(changes, dict) else changes
    )
    async with in_transaction():
        before = _question_snapshot(found)
        for name, value in values.model_dump(exclude={"options"}).items():
            setattr(found, name, value)
        found.options = values.option_values(options.stored(found.options))
        await found.save()
        await audit.record(
            user, user.organisation_id, "question.updated", "question", found.id,
            before=before, after=_question_snapshot(found), event_id=found.event_id,
        )  # fmt: skip
    public_pages.clear()
    return found


async def question_answered(question: Question) -> bool:
    """Whether any ticket of the event holds an answer to it (answers are keyed by question id)."""
    key = str(question.id)
    answers = Ticket.filter(event_id=question.event_id).values_list("answers", flat=True)
    return any(isinstance(given, dict) and key in given for given in await answers)


async def delete_question(user: User, question: Question) -> None:
    """Delete a question nobody has answered. An answered one is refused, so that every answer keeps the
    question it answers: make it optional, or change its text, instead."""
    if await question_answered(question):
        raise Conflict(
            N_("Attendees have answered this question, so it cannot be deleted: make it optional instead.")
        )
    async with in_transaction():
        before = _question_snapshot(question)
        await question.delete()
        await audit.record(
            user, user.organisation_id, "question.deleted", "question", question.id,
            before=before, event_id=question.event_id,
        )  # fmt: skip
    public_pages.clear()

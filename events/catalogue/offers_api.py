"""The organiser's API for ticket types, promo codes and registration questions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events import texts
from events.accounts.auth import api_organiser
from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event, PromoCode, TicketType
from events.catalogue.offer_schemas import (
    TYPE_TEXTS,
    PromoCodeInput,
    PromoCodeOut,
    QuestionInput,
    QuestionOut,
    QuestionPatch,
    TicketTypeInput,
    TicketTypeList,
    TicketTypeOut,
    TicketTypePatch,
    promo_code_out,
    question_out,
    ticket_type_out,
)
from events.catalogue.services import organiser_event
from events.ticketing.availability import availability, on_sale
from events.validation import validate
from events.web.api import answer, documented, json_body


async def _event(request: Request) -> tuple[User, Event]:
    user = await api_organiser(request)
    return user, await organiser_event(user, request.path_params["slug"])


async def types_json(
    event: Event, types: list[TicketType], organiser: bool = False
) -> list[dict[str, object]]:
    """Ticket types as the API answers them; the organiser also gets both languages of each text."""
    left = await availability(event, types)
    out = [ticket_type_out(t, event.currency, left[t.id], on_sale(t)) for t in types]
    if organiser:
        for row, ticket_type in zip(out, types, strict=True):
            row["translations"] = texts.translations(ticket_type, TYPE_TEXTS)
    return out


@documented("List an event's ticket types, with the places still available", response=TicketTypeList)
async def list_ticket_types(request: Request) -> Response:
    _user, event = await _event(request)
    return answer({"ticket_types": await types_json(event, await offers.ticket_types(event), organiser=True)})


@documented("Add a ticket type", body=TicketTypeInput, response=TicketTypeOut, status=201)
async def create_ticket_type(request: Request) -> Response:
    user, event = await _event(request)
    created = await offers.create_ticket_type(user, event, await json_body(request))
    return answer((await types_json(event, [created], organiser=True))[0], status_code=201)


@documented("Change a ticket type", body=TicketTypePatch, response=TicketTypeOut)
async def patch_ticket_type(request: Request) -> Response:
    user, event = await _event(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    changed = await offers.update_ticket_type(
        user, found, validate(TicketTypePatch, await json_body(request))
    )
    return answer((await types_json(event, [changed], organiser=True))[0])


@documented("Create a promo code", body=PromoCodeInput, response=PromoCodeOut, status=201)
async def create_promo_code(request: Request) -> Response:
    user, event = await _event(request)
    promo: PromoCode = await offers.create_promo_code(user, event, await json_body(request))
    type_ids = [t.id for t in await promo.ticket_types.all()]
    return answer(promo_code_out(promo, sorted(type_ids), 0), status_code=201)


@documented("List the registration questions", response=QuestionOut, many="questions")
async def list_questions(request: Request) -> Response:
    _user, event = await _event(request)
    return answer({"questions": [question_out(q, organiser=True) for q in await offers.questions(event)]})


@documented("Add a registration question", body=QuestionInput, response=QuestionOut, status=201)
async def create_question(request: Request) -> Response:
    user, event = await _event(request)
    question = await offers.create_question(user, event, await json_body(request))
    return answer(question_out(question, organiser=True), status_code=201)


@documented("Change a registration question", body=QuestionPatch, response=QuestionOut)
async def patch_question(request: Request) -> Response:
    user, event = await _event(request)
    found = await offers.question(event, request.path_params["id"])
    changed = await offers.update_question(user, found, validate(QuestionPatch, await json_body(request)))
    return answer(question_out(changed, organiser=True))


routes = [
    Route("/events/{slug:slug}/ticket-types", list_ticket_types, methods=["GET"], name="api_ticket_types"),
    Route(
        "/events/{slug:slug}/ticket-types",
        create_ticket_type,
        methods=["POST"],
        name="api_ticket_type_create",
    ),
    Route(
        "/events/{slug:slug}/ticket-types/{id:id}",
        patch_ticket_type,
        methods=["PATCH"],
        name="api_ticket_type_patch",
    ),
    Route("/events/{slug:slug}/promo-codes", create_promo_code, methods=["POST"], name="api_promo_create"),
    Route("/events/{slug:slug}/questions", list_questions, methods=["GET"], name="api_questions"),
    Route("/events/{slug:slug}/questions", create_question, methods=["POST"], name="api_question_create"),
    Route(
        "/events/{slug:slug}/questions/{id:id}",
        patch_question,
        methods=["PATCH"],
        name="api_question_patch",
    ),
]

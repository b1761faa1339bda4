"""The mailings part of the JSON API (organiser): compose, preview, send, follow."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.catalogue.models import Event
from events.catalogue.services import organiser_event
from events.mail import mailings
from events.mail.mailings import MailingIn
from events.mail.models import Mailing
from events.web.api import answer, documented, json_body


async def _mailing(request: Request) -> tuple[Event, Mailing]:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return event, await mailings.organiser_mailing(event, request.path_params["mailing_id"])


@documented("Write a mailing (a draft)", body=MailingIn, status=201)
async def create(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    mailing = await mailings.create_mailing(user, event, await json_body(request))
    return answer((await mailings.mailings_out([mailing]))[0], status_code=201)


@documented("An event's mailings")
async def index(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer({"mailings": await mailings.mailings_out(await mailings.event_mailings(event))})


@documented("One mailing, with its sent and failed counts")
async def show(request: Request) -> Response:
    _event, mailing = await _mailing(request)
    return answer((await mailings.mailings_out([mailing]))[0])


@documented("How many would receive it, and the first recipient's message")
async def preview(request: Request) -> Response:
    event, mailing = await _mailing(request)
    return answer(await mailings.preview(event, mailing))


@documented("Send: one message per recipient through the outbox (once)")
async def send(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    mailing = await mailings.organiser_mailing(event, request.path_params["mailing_id"])
    mailing = await mailings.send(user, event, mailing)
    return answer((await mailings.mailings_out([mailing]))[0])


routes = [
    Route("/events/{slug:slug}/mailings", create, methods=["POST"], name="api_mailing_create"),
    Route("/events/{slug:slug}/mailings", index, methods=["GET"], name="api_mailings"),
    Route("/events/{slug:slug}/mailings/{mailing_id:id}", show, methods=["GET"], name="api_mailing"),
    Route(
        "/events/{slug:slug}/mailings/{mailing_id:id}/preview",
        preview,
        methods=["POST"],
        name="api_mailing_preview",
    ),
    Route(
        "/events/{slug:slug}/mailings/{mailing_id:id}/send", send, methods=["POST"], name="api_mailing_send"
    ),
]

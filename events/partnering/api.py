"""The partnering part of the JSON API: the organiser's set-up and schedule, the participant's space.

A participant calls with their space token as `Authorization: Bearer <token>`; an organiser with their
API token; a table host with an organiser's or a door token.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import auth
from events.catalogue.models import Event
from events.catalogue.services import organiser_event
from events.checkin import tokens as door
from events.errors import NotFound, Unauthenticated
from events.i18n import get_locale
from events.partnering import meetings, services
from events.partnering.models import Participant, PartneringSetup
from events.partnering.schemas import (
    FeedbackIn,
    MeetingOut,
    MeetingPatch,
    MeetingsOut,
    ProfileIn,
    ProfilesOut,
    ProfilesQuery,
    RequestIn,
    ScheduleIn,
    ScheduleOut,
    SetupIn,
    SetupOut,
    StatsOut,
    TableScanIn,
    TableScanOut,
)
from events.web.api import answer, documented, json_body, query_model


async def _participant(request: Request) -> Participant:
    token = auth.bearer_token(request)
    if token is None:
        raise Unauthenticated()
    return await services.participant_for_key(token)


async def _organiser_event(request: Request) -> Event:
    user = await auth.api_organiser(request)
    return await organiser_event(user, request.path_params["slug"])


async def _setup_answer(event: Event, setup: PartneringSetup) -> Response:
    slots = await services.event_slots(event)
    return answer(services.setup_out(event, setup, slots, get_locale()))


@documented("Switch partnering on or off and set its rules (slots are cut from the windows)", body=SetupIn,
            response=SetupOut)  # fmt: skip
async def put_setup(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    setup = await services.configure(user, event, await json_body(request))
    return await _setup_answer(event, setup)


@documented("The event's partnering rules and slots", response=SetupOut)
async def get_setup(request: Request) -> Response:
    event = await _organiser_event(request)
    setup = await services.setup_of(event)
    if setup is None:
        raise NotFound()
    return await _setup_answer(event, setup)


@documented("Visible profiles of the event (?q=&kind=&topic=), for its participants and organisers",
            response=ProfilesOut, query=ProfilesQuery)  # fmt: skip
async def profiles(request: Request) -> Response:
    slug = request.path_params["slug"]
    token = auth.bearer_token(request)
    if token is None:
        raise Unauthenticated()
    participant = await services.participant_or_none(token)
    if participant is not None:
        event = participant.ticket.event
        if event.slug != slug:
            raise NotFound()
    else:
        event = await _organiser_event(request)
    wanted = query_model(request, ProfilesQuery)
    setup = await services.enabled_setup(event)
    found = await services.visible_profiles(event, wanted.q, wanted.kind or "", wanted.topic)
    locale = get_locale()
    return answer({"profiles": [services.profile_out(p, setup, locale) for p in found]})


@documented("My partnering space: profile, requests sent and received, meetings")
async def me(request: Request) -> Response:
    participant = await _participant(request)
    setup = await services.enabled_setup(participant.ticket.event)
    sent, received = await services.requests_of(participant)
    return answer(
        {
            "profile": services.own_profile_out(participant, setup, get_locale()),
            "requests_sent": [services.request_out(r) for r in sent],
            "requests_received": [services.request_out(r) for r in received],
            "meetings": await meetings.agenda(participant),
        }
    )


@documented("Write my profile; `visible` is my own consent to be listed", body=ProfileIn)
async def put_profile(request: Request) -> Response:
    participant = await _participant(request)
    updated = await services.update_profile(participant, await json_body(request))
    setup = await services.enabled_setup(participant.ticket.event)
    return answer(services.own_profile_out(updated, setup, get_locale()))


@documented("Ask a visible participant for a meeting", body=RequestIn, status=201)
async def send_request(request: Request) -> Response:
    participant = await _participant(request)
    created = await services.send_request(participant, await json_body(request))
    return answer(services.request_out(created), status_code=201)


async def _answer_request(request: Request, accept: bool) -> Response:
    participant = await _participant(request)
    found = await services.answer_request(participant, request.path_params["request_id"], accept)
    return answer(services.request_out(found))


@documented("Accept a meeting request (its receiver only)")
async def accept_request(request: Request) -> Response:
    return await _answer_request(request, True)


@documented("Decline a meeting request (its receiver only)")
async def decline_request(request: Request) -> Response:
    return await _answer_request(request, False)


@documented("Withdraw a meeting request (its sender only)")
async def cancel_request(request: Request) -> Response:
    participant = await _participant(request)
    found = await services.cancel_request(participant, request.path_params["request_id"])
    return answer(services.request_out(found))


@documented("My meetings, each with the other participant's profile")
async def my_agenda(request: Request) -> Response:
    participant = await _participant(request)
    return answer({"meetings": await meetings.agenda(participant)})


@documented("Rate a meeting and say what came of it (once, after the meeting)", body=FeedbackIn, status=201)
async def feedback(request: Request) -> Response:
    participant = await _participant(request)
    given = await meetings.give_feedback(
        participant, request.path_params["meeting_id"], await json_body(request)
    )
    return answer(
        {"meeting_id": given.meeting_id, "rating": given.rating, "outcome": str(given.outcome)},
        status_code=201,
    )


@documented("Place every accepted request in a slot and at a table (solver in a thread, time-limited)",
            body=ScheduleIn, response=ScheduleOut)  # fmt: skip
async def schedule(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer(await meetings.run_schedule(user, event, await json_body(request)))


@documented("The event's meetings", response=MeetingsOut)
async def list_meetings(request: Request) -> Response:
    event = await _organiser_event(request)
    await services.enabled_setup(event)
    return answer({"meetings": [meetings.meeting_out(m) for m in await meetings.event_meetings(event)]})


@documented(
    "Move a meeting to another slot or table (409 on a clash)", body=MeetingPatch, response=MeetingOut
)
async def move_meeting(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    moved = await meetings.move_meeting(
        user, event, request.path_params["meeting_id"], await json_body(request)
    )
    return answer(meetings.meeting_out(moved))


@documented("Publish the schedule: participants are e-mailed their agenda")
async def publish(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer({"participants": await meetings.publish(user, event)})


@documented("Scan a participant's badge at the meeting's table (organiser or door token)", body=TableScanIn,
            response=TableScanOut)  # fmt: skip
async def table_checkin(request: Request) -> Response:
    token = auth.bearer_token(request)
    if token is None:
        raise Unauthenticated()
    scanner = await door.token_scanner(token, request.path_params["slug"])
    body = await json_body(request)
    return answer(await meetings.table_scan(scanner.event, request.path_params["meeting_id"], body))


@documented("Partnering figures: participants, requests, meetings and outcomes", response=StatsOut)
async def stats(request: Request) -> Response:
    event = await _organiser_event(request)
    await services.enabled_setup(event)
    return answer(await meetings.stats(event))


_EVENT = "/events/{slug:slug}/partnering"
routes = [
    Route(_EVENT, put_setup, methods=["PUT"], name="api_partnering_setup_put"),
    Route(_EVENT, get_setup, methods=["GET"], name="api_partnering_setup"),
    Route(f"{_EVENT}/profiles", profiles, methods=["GET"], name="api_partnering_profiles"),
    Route(f"{_EVENT}/schedule", schedule, methods=["POST"], name="api_partnering_schedule"),
    Route(f"{_EVENT}/meetings", list_meetings, methods=["GET"], name="api_partnering_meetings"),
    Route(
        f"{_EVENT}/meetings/{{meeting_id:id}}", move_meeting, methods=["PATCH"], name="api_partnering_move"
    ),
    Route(
        f"{_EVENT}/meetings/{{meeting_id:id}}/checkin",
        table_checkin,
        methods=["POST"],
        name="api_partnering_table_checkin",
    ),
    Route(f"{_EVENT}/publish", publish, methods=["POST"], name="api_partnering_publish"),
    Route(f"{_EVENT}/stats", stats, methods=["GET"], name="api_partnering_stats"),
    Route("/partnering/me", me, methods=["GET"], name="api_partnering_me"),
    Route("/partnering/me/profile", put_profile, methods=["PUT"], name="api_partnering_profile"),
    Route("/partnering/me/requests", send_request, methods=["POST"], name="api_partnering_request"),
    Route(
        "/partnering/me/requests/{request_id:id}/accept",
        accept_request,
        methods=["POST"],
        name="api_partnering_accept",
    ),
    Route(
        "/partnering/me/requests/{request_id:id}/decline",
        decline_request,
        methods=["POST"],
        name="api_partnering_decline",
    ),
    Route(
        "/partnering/me/requests/{request_id:id}/cancel",
        cancel_request,
        methods=["POST"],
        name="api_partnering_cancel",
    ),
    Route("/partnering/me/agenda", my_agenda, methods=["GET"], name="api_partnering_agenda"),
    Route(
        "/partnering/me/meetings/{meeting_id:id}/feedback",
        feedback,
        methods=["POST"],
        name="api_partnering_feedback",
    ),
]

"""The check-in part of the JSON API: redeem, figures, search, lists and door tokens.

A scan may come with an organiser's or a door user's API token, a door token (`door_…`), or the session
of the scanner page; a session call that changes something must carry the page's CSRF token in the
`X-CSRF-Token` header, which another site cannot set.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import auth
from events.catalogue.services import organiser_event
from events.checkin import batch, door_answers, offline, services, short_codes, tokens
from events.checkin import redeem as scans
from events.checkin.schemas import (
    BatchIn,
    BatchOut,
    CheckinListIn,
    CheckinListOut,
    CheckinListsOut,
    ConflictsOut,
    DoorTokenIn,
    DoorTokenOut,
    OfflinePackOut,
    ScanIn,
    ScanOut,
    SearchOut,
    SearchQuery,
    StatsOut,
    list_out,
)
from events.checkin.tokens import Scanner
from events.errors import Unauthenticated
from events.web import links
from events.web.api import answer, documented, json_body, query_model

CSRF_HEADER = "x-csrf-token"


async def scanner(request: Request) -> Scanner:
    """Who scans at this event's door: a bearer token, else the signed-in user of the scanner page."""
    slug = request.path_params["slug"]
    token = auth.bearer_token(request)
    if token is not None:
        return await tokens.token_scanner(token, slug)
    user = await auth.login_session_user(request)
    if user is None:
        raise Unauthenticated()
    if request.method != "GET":
        auth.check_csrf(request, request.headers.get(CSRF_HEADER))
    return await tokens.user_scanner(user, slug)


def scanner_url(slug: str, token: str) -> str:
    return links.absolute("scanner", query={"token": token}, slug=slug)


@documented("Scan a badge: ok, already_redeemed, invalid, unpaid, cancelled, product or invalid_time",
            body=ScanIn, response=ScanOut)  # fmt: skip
async def redeem(request: Request) -> Response:
    door = await scanner(request)
    body = await short_codes.resolved(door.event, await json_body(request))
    decided = (await scans.redeem(door, body)).wire()
    return answer((await door_answers.attach(door.event, [decided]))[0])


@documented("The offline pack: public key, lists, every ticket by the hash of its secret (names only when "
            "the event allows it, never an e-mail)", response=OfflinePackOut)  # fmt: skip
async def offline_pack(request: Request) -> Response:
    door = await scanner(request)
    response = answer(await offline.pack(door.event))
    response.headers["Cache-Control"] = "no-store"
    return response


@documented("Scans made offline, sent in one batch (at most 5,000): each decided at its own time, in "
            "scanned_at order", body=BatchIn, response=BatchOut)  # fmt: skip
async def sync_batch(request: Request) -> Response:
    door = await scanner(request)
    results = await batch.sync(door, await json_body(request))
    return answer({"results": await door_answers.attach(door.event, results)})


@documented("Entries admitted offline by a door when another had already let the badge in",
            response=ConflictsOut)  # fmt: skip
async def conflicts(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer({"conflicts": await batch.conflicts(event)})


@documented("Live figures per check-in list: checked in, inside now, expected", response=StatsOut)
async def stats(request: Request) -> Response:
    door = await scanner(request)
    return answer({"lists": await services.stats(door.event)})


@documented(
    "Find attendees by name, organisation or order code (?q=, ?list=)", response=SearchOut, query=SearchQuery
)
async def search(request: Request) -> Response:
    door = await scanner(request)
    wanted = query_model(request, SearchQuery)
    found = await services.search(door.event, wanted.q, wanted.checkin_list)
    return answer({"tickets": found})


@documented("The event's check-in lists (the main list first)", response=CheckinListsOut)
async def lists(request: Request) -> Response:
    door = await scanner(request)
    return answer({"lists": await services.lists_json(door.event)})


@documented("Add a check-in list limited to some ticket types", body=CheckinListIn, response=CheckinListOut,
            status=201)  # fmt: skip
async def create_list(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    created = await services.create_list(user, event, await json_body(request))
    return answer(list_out(created, await services.list_type_ids(created)), status_code=201)


@documented("Make a door token: a link that opens only this event's scanner", body=DoorTokenIn,
            response=DoorTokenOut, status=201)  # fmt: skip
async def create_door_token(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    created, token = await tokens.create_door_token(user, event, await json_body(request))
    body = {
        "id": created.id,
        "name": created.name,
        "token": token,
        "scanner_url": scanner_url(event.slug, token),
    }
    return answer(body, status_code=201)


@documented("The event's door tokens (names and states; the tokens themselves are never shown again)")
async def door_tokens(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    found = await tokens.door_tokens(event)
    return answer(
        {
            "door_tokens": [
                {
                    "id": t.id,
                    "name": t.name,
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in found
            ]
        }
    )


@documented("Revoke a door token: its link stops working at once")
async def revoke_door_token(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    revoked = await tokens.revoke_door_token(user, event, request.path_params["token_id"])
    return answer(
        {
            "id": revoked.id,
            "name": revoked.name,
            "revoked_at": revoked.revoked_at and revoked.revoked_at.isoformat(),
        }
    )


routes = [
    Route("/events/{slug:slug}/checkin", redeem, methods=["POST"], name="api_checkin"),
    Route("/events/{slug:slug}/checkin/offline", offline_pack, methods=["GET"], name="api_checkin_offline"),
    Route("/events/{slug:slug}/checkin/batch", sync_batch, methods=["POST"], name="api_checkin_batch"),
    Route("/events/{slug:slug}/checkin/conflicts", conflicts, methods=["GET"], name="api_checkin_conflicts"),
    Route("/events/{slug:slug}/checkin/stats", stats, methods=["GET"], name="api_checkin_stats"),
    Route("/events/{slug:slug}/checkin/search", search, methods=["GET"], name="api_checkin_search"),
    Route("/events/{slug:slug}/checkin-lists", lists, methods=["GET"], name="api_checkin_lists"),
    Route("/events/{slug:slug}/checkin-lists", create_list, methods=["POST"], name="api_checkin_list_create"),
    Route("/events/{slug:slug}/door-tokens", door_tokens, methods=["GET"], name="api_door_tokens"),
    Route(
        "/events/{slug:slug}/door-tokens", create_door_token, methods=["POST"], name="api_door_token_create"
    ),
    Route(
        "/events/{slug:slug}/door-tokens/{token_id:id}/revoke",
        revoke_door_token,
        methods=["POST"],
        name="api_door_token_revoke",
    ),
]

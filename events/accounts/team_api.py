"""The team part of the JSON API: members, invitations, roles and deactivation (organiser)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.auth import api_organiser
from events.i18n import get_locale
from events.web.api import answer, documented, json_body


@documented("The organisation's members")
async def list_members(request: Request) -> Response:
    user = await api_organiser(request)
    return answer({"members": [team.member_out(m) for m in await team.members(user)]})


@documented("Invite someone by e-mail with a role (owners)", body=team.InvitationIn, status=201)
async def invite(request: Request) -> Response:
    user = await api_organiser(request)
    invitation = await team.invite(user, await json_body(request), get_locale())
    return answer(team.invitation_out(invitation), status_code=201)


@documented("Change a member's role or deactivate them (owners)", body=team.MemberIn)
async def update_member(request: Request) -> Response:
    user = await api_organiser(request)
    member = await team.organisation_member(user, request.path_params["member_id"])
    return answer(team.member_out(await team.update_member(user, member, await json_body(request))))


routes = [
    Route("/organisation/members", list_members, methods=["GET"], name="api_members"),
    Route("/organisation/invitations", invite, methods=["POST"], name="api_invitation_create"),
    Route("/organisation/members/{member_id:id}", update_member, methods=["PATCH"], name="api_member_update"),
]

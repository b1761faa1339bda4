"""The organiser's team page: who is in the organisation with which role, invitations, role changes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.auth import checked_form, organiser
from events.accounts.models import Role, User
from events.errors import Invalid
from events.i18n import get_locale
from events.web.templating import render


async def _page(
    request: Request, user: User, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Response:
    context = {
        "user": user,
        "members": await team.members(user),
        "invitations": await team.pending_invitations(user),
        "roles": list(Role),
        "values": values or {},
        "errors": errors or {},
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/team.html", context, status_code=422 if errors else 200)


async def team_page(request: Request) -> Response:
    return await _page(request, await organiser(request))


async def invite(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    values = {"email": str(form.get("email", "")), "role": str(form.get("role", ""))}
    try:
        await team.invite(user, values, get_locale())
    except Invalid as error:
        return await _page(request, user, values, error.details)
    return RedirectResponse(
        str(request.url_for("dashboard_team").include_query_params(notice="invited")), 303
    )


async def update_member(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    member = await team.organisation_member(user, request.path_params["member_id"])
    await team.update_member(
        user, member, {"role": str(form.get("role", "")), "active": form.get("active") == "on"}
    )
    return RedirectResponse(str(request.url_for("dashboard_team").include_query_params(notice="saved")), 303)


routes = [
    Route("/dashboard/team", team_page, methods=["GET"], name="dashboard_team"),
    Route("/dashboard/team/invitations", invite, methods=["POST"], name="dashboard_team_invite"),
    Route(
        "/dashboard/team/members/{member_id:id}",
        update_member,
        methods=["POST"],
        name="dashboard_team_member",
    ),
]

"""The organiser's team page: who is in the organisation with which role, invitations, role changes."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.auth import organiser
from events.accounts.models import Role, User
from events.i18n import get_locale
from events.web import forms
from events.web.forms import FormState


async def _page(request: Request, user: User, state: FormState) -> Response:
    context = {
        "user": user,
        "members": await team.members(user),
        "invitations": await team.pending_invitations(user),
        "roles": list(Role),
    }
    return forms.show(request, "dashboard/team.html", context, state)


async def team_page(request: Request) -> Response:
    return await _page(request, await organiser(request), FormState())


def _invitation_form(form: FormData) -> dict[str, object]:
    return {"email": forms.text(form, "email"), "role": forms.text(form, "role")}


def _member_form(form: FormData) -> dict[str, object]:
    return {"role": forms.text(form, "role"), "active": forms.checked(form, "active")}


async def invite(request: Request) -> Response:
    user = await organiser(request)
    return await forms.form_cycle(
        request,
        schema=team.InvitationIn,
        read=_invitation_form,
        save=lambda values: team.invite(user, values.model_dump(mode="json"), get_locale()),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_team"),
        notice="invited",
    )


async def update_member(request: Request) -> Response:
    user = await organiser(request)
    member = await team.organisation_member(user, request.path_params["member_id"])
    return await forms.form_cycle(
        request,
        schema=team.MemberIn,
        read=_member_form,
        save=lambda values: team.update_member(
            user, member, values.model_dump(mode="json", exclude_none=True)
        ),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_team"),
        notice="saved",
    )


routes = [
    Route("/dashboard/team", team_page, methods=["GET"], name="dashboard_team"),
    forms.form_route("/dashboard/team/invitations", invite, name="dashboard_team_invite"),
    forms.form_route("/dashboard/team/members/{member_id:id}", update_member, name="dashboard_team_member"),
]

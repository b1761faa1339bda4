"""The public page of an invitation link: the invited person chooses a name and a password."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.models import Invitation
from events.web import forms
from events.web.forms import FormState

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


async def _page(request: Request, invitation: Invitation, state: FormState) -> Response:
    response = forms.show(request, "accounts/invitation.html", {"invitation": invitation}, state)
    response.headers.update(PRIVATE)
    return response


async def invitation_page(request: Request) -> Response:
    invitation = await team.open_invitation(request.path_params["token"])
    return await _page(request, invitation, FormState())


def _accept_form(form: FormData) -> dict[str, object]:
    return {"name": forms.text(form, "name"), "password": str(form.get("password", ""))}


async def accept(request: Request) -> Response:
    token = request.path_params["token"]

    async def page(state: FormState) -> Response:
        return await _page(request, await team.open_invitation(token), state)

    # The link is looked up after the cycle's CSRF check: in `accept`, or to show the form again.
    return await forms.form_cycle(
        request,
        schema=team.AcceptIn,
        read=_accept_form,
        shown=lambda form: {"name": forms.text(form, "name")},
        save=lambda values: team.accept(token, values.name, values.password),
        page=page,
        done=lambda _: request.url_for("login"),
        notice="joined",
    )


routes = [
    Route("/invitations/{token:token}", invitation_page, methods=["GET"], name="invitation"),
    forms.form_route("/invitations/{token:token}", accept, name="invitation_accept"),
]

"""The public page of an invitation link: the invited person chooses a name and a password."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.auth import checked_form
from events.errors import Invalid
from events.web.templating import render

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


async def invitation_page(request: Request) -> Response:
    invitation = await team.open_invitation(request.path_params["token"])
    response = render(
        request, "accounts/invitation.html", {"invitation": invitation, "values": {}, "errors": {}}
    )
    response.headers.update(PRIVATE)
    return response


async def accept(request: Request) -> Response:
    token = request.path_params["token"]
    form = await checked_form(request)
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    try:
        await team.accept(token, name, password)
    except Invalid as error:
        invitation = await team.open_invitation(token)
        context = {"invitation": invitation, "values": {"name": name}, "errors": error.details}
        return render(request, "accounts/invitation.html", context, status_code=422)
    target = request.url_for("login").include_query_params(notice="joined")
    return RedirectResponse(str(target), status_code=303)


routes = [
    Route("/invitations/{token}", invitation_page, methods=["GET"], name="invitation"),
    Route("/invitations/{token}", accept, methods=["POST"], name="invitation_accept"),
]

"""The owner's privacy page: look a person up by e-mail (in the POST body), read what is held, erase it.

The same services as `POST /api/v1/privacy/people` and `/erase`; the page only shows their answer.
The lookup changes nothing, so it goes through `lookup_cycle` (shown at once); the erasure goes through
`form_cycle` and lands back on the page with a notice.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import organiser
from events.accounts.models import User
from events.privacy import services
from events.privacy.schemas import PersonIn
from events.web import forms
from events.web.forms import FormState


def _person(form: FormData) -> dict[str, object]:
    return {"email": forms.text(form, "email")}


async def _page(
    request: Request, user: User, state: FormState, found: Mapping[str, object] | None = None
) -> Response:
    return forms.show(request, "dashboard/privacy.html", {"user": user, "found": found}, state)


async def privacy_page(request: Request) -> Response:
    user = await organiser(request)
    return await _page(request, user, FormState())


async def privacy_lookup(request: Request) -> Response:
    user = await organiser(request)
    return await forms.lookup_cycle(
        request,
        schema=PersonIn,
        read=_person,
        find=lambda person: services.person_data(user, person),
        page=lambda state: _page(request, user, state),
        answer=lambda found, state: _page(request, user, state, found),
    )


async def privacy_erase(request: Request) -> Response:
    user = await organiser(request)
    return await forms.form_cycle(
        request,
        schema=PersonIn,
        read=_person,
        save=lambda person: services.erase_person(user, person),
        page=lambda state: _page(request, user, state),
        done=lambda _erased: request.url_for("dashboard_privacy"),
        notice="person_erased",
    )


routes = [
    Route("/dashboard/privacy", privacy_page, methods=["GET"], name="dashboard_privacy"),
    forms.form_route("/dashboard/privacy", privacy_lookup, name="dashboard_privacy_lookup"),
    forms.form_route("/dashboard/privacy/erase", privacy_erase, name="dashboard_privacy_erase"),
]

"""The owner's privacy page: look a person up by e-mail (in the POST body), read what is held, erase it.

The same services as `POST /api/v1/privacy/people` and `/erase`; the page only shows their answer.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.privacy import services
from events.web.templating import render


async def privacy_page(request: Request) -> Response:
    user = await organiser(request)
    return render(request, "dashboard/privacy.html", {"user": user, "values": {}})


async def privacy_lookup(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    found = await services.person_data(user, {"email": str(form.get("email", ""))})
    return render(request, "dashboard/privacy.html", {"user": user, "values": found, "found": found})


async def privacy_erase(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    erased = await services.erase_person(user, {"email": str(form.get("email", ""))})
    return render(request, "dashboard/privacy.html", {"user": user, "values": {}, "erased": erased})


routes = [
    Route("/dashboard/privacy", privacy_page, methods=["GET"], name="dashboard_privacy"),
    Route("/dashboard/privacy", privacy_lookup, methods=["POST"], name="dashboard_privacy_lookup"),
    Route("/dashboard/privacy/erase", privacy_erase, methods=["POST"], name="dashboard_privacy_erase"),
]

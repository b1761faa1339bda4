"""The privacy notice of an organisation, public, linked from every registration form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.privacy import notice
from events.web.templating import render


async def notice_page(request: Request) -> Response:
    context = await notice.notice_context(request.path_params["slug"])
    return render(request, "privacy/notice.html", context)


routes = [Route("/privacy/{slug:slug}", notice_page, methods=["GET"], name="privacy_notice")]

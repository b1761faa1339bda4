"""Public pages of a certificate: the page that confirms it (its QR code leads there) and its PDF."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events import texts
from events.certificates import documents, services
from events.web.templating import render

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


async def certificate_page(request: Request) -> Response:
    found = await services.by_code(request.path_params["code"])
    sessions = [
        {
            **line,
            "title": texts.pick(line.get("title"), line.get("title_en")),
            "starts_at": datetime.fromisoformat(line["starts_at"]),
            "ends_at": datetime.fromisoformat(line["ends_at"]),
        }
        for line in found.sessions
    ]
    context = {"certificate": found, "event": found.event, "sessions": sessions}
    response = render(request, "certificates/public.html", context)
    response.headers.update(PRIVATE)
    return response


async def certificate_pdf(request: Request) -> Response:
    found = await services.by_code(request.path_params["code"])
    headers = {**PRIVATE, "Content-Disposition": f'inline; filename="{documents.file_name(found)}"'}
    return Response(await documents.render(found), media_type="application/pdf", headers=headers)


routes = [
    Route("/certificates/{code:token}.pdf", certificate_pdf, methods=["GET"], name="certificate_pdf"),
    Route("/certificates/{code:token}", certificate_page, methods=["GET"], name="certificate"),
]

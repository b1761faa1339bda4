"""The organisation's logo as a public image (shown on its event pages and in its e-mails)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import branding


async def logo(request: Request) -> Response:
    found = await branding.logo(request.path_params["slug"])
    headers = {"Cache-Control": "public, max-age=300", "Content-Security-Policy": "default-src 'none'"}
    return Response(bytes(found.content), media_type=found.media_type, headers=headers)


async def brand_css(request: Request) -> Response:
    """The organisation's colour as a stylesheet (the pages' CSP allows no inline style)."""
    value = await branding.colour(request.path_params["slug"])
    css = (
        f":root {{ --brand: {value}; }}\n"
        + ".branded { border-top: 6px solid var(--brand); padding-top: .75rem; }\n"
    )
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=300"})


routes = [
    Route("/organisations/{slug:slug}/logo", logo, methods=["GET"], name="organisation_logo"),
    Route("/organisations/{slug:slug}/brand.css", brand_css, methods=["GET"], name="organisation_brand_css"),
]

"""Public pages: the list of upcoming events and each event's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from events.abstracts.models import Call
from events.accounts.auth import csrf_token
from events.accounts.branding import brand
from events.catalogue import offers, services
from events.i18n import format_locale
from events.ticketing.availability import availability, on_sale
from events.web.pagecache import CSRF_PLACEHOLDER, public_pages
from events.web.templating import render


async def home(request: Request) -> Response:
    return render(request, "catalogue/home.html", {"events": await services.public_events()})


async def event_detail(request: Request) -> Response:
    slug = request.path_params["slug"]

    async def build() -> str:
        event = await services.public_event(slug)
        types = await offers.ticket_types(event, include_hidden=False)
        context = {
            "event": event,
            "types": types,
            "left": await availability(event, types),
            "on_sale": {t.id: on_sale(t) for t in types},
            "quantities": {},
            "code": "",
            "csrf_placeholder": CSRF_PLACEHOLDER,
            "has_call": await Call.exists(event_id=event.id),
            "brand": await brand(event.organisation_id),
        }
        return bytes(render(request, "catalogue/event.html", context).body).decode()

    html = await public_pages.get((str(request.base_url), slug, format_locale()), build)
    return HTMLResponse(html.replace(CSRF_PLACEHOLDER, csrf_token(request)))


routes = [
    Route("/", home, name="home"),
    Route("/events/{slug:slug}", event_detail, name="event_detail"),
]

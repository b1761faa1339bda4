from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue.models import Event, Session
from events.mail.models import Mailing
from events.ticketing.models import Ticket
from tests.factories import login, make_event, make_order, make_organiser, make_ticket_type

# Every form post needs a CSRF token; the JSON API authenticates with bearer tokens instead, and
# Stripe's webhook with its signature (tested in tests/payments).
CSRF_EXEMPT_PREFIXES = ("/api/", "/stripe/webhook")
# A mailing's one-click List-Unsubscribe (RFC 8058) is posted by mail clients, which carry no token;
# it can only ever withdraw that ticket's news consent.
CSRF_EXEMPT_PATHS = {"/tickets/{token:token}/unsubscribe"}


def _form_routes(app: Starlette) -> list[str]:
    return [
        route.path
        for route in app.routes
        if isinstance(route, Route)
        and "POST" in (route.methods or set())
        and not route.path.startswith(CSRF_EXEMPT_PREFIXES)
        and route.path not in CSRF_EXEMPT_PATHS
    ]


async def _path_values(event: Event) -> dict[str, str]:
    """A real object for every path parameter, so each form's handler is reached."""
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    ticket = await Ticket.get(order_id=order.id)
    session = await Session.create(
        event=event, title="Atelier", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5
    )
    mailing = await Mailing.create(
        event=event, subject={"fr": "x", "en": "x"}, body={"fr": "x", "en": "x"}, audience={}
    )
    owner = await User.filter(organisation_id=event.organisation_id).first()
    assert owner is not None
    return {
        "mailing_id": str(mailing.id), "member_id": str(owner.id),
        "slug": event.slug, "code": order.code, "secret": order.secret, "ticket_id": str(ticket.id),
        "session_id": str(session.id), "type_id": str(pass_.id), "id": str(pass_.id), "token": "0" * 43,
    }  # fmt: skip


SHAPED = {"space": "1-" + "0" * 43}
"""Values for convertors of a particular shape (a partnering space's token), whatever the parameter's name."""


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(
        r"\{(\w+)(?::(\w+))?\}", lambda m: SHAPED.get(m.group(2) or "") or values.get(m.group(1), "1"), path
    )


async def test_every_form_post_without_a_token_is_refused(app: Starlette, client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    values = await _path_values(event)
    await login(client, user.email)
    paths = _form_routes(app)
    assert "/login" in paths and "/dashboard/events/{slug:slug}/publish" in paths
    for path in paths:
        url = _fill(path, values)
        answer = await client.post(url, data={"title": "changed"})
        assert answer.status_code == 403, url
        wrong = await client.post(url, data={"title": "changed", "csrf_token": "forged"})
        assert wrong.status_code == 403, url
    await event.refresh_from_db()
    assert event.status == "published"
    assert event.title != "changed"


EXPECTED_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/public/events", "/missing", "/api/v1/x"])
async def test_security_headers_on_html_json_and_404(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    for name, value in EXPECTED_HEADERS.items():
        assert answer.headers[name] == value
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert re.search(r"script-src 'self'(;|$)", csp), "no inline script allowed"
    assert "strict-transport-security" not in answer.headers  # plain http here


async def test_pages_carry_no_inline_script(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    for path in ("/", f"/events/{event.slug}", "/login"):
        html = (await client.get(path)).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path


async def test_unknown_page_is_a_friendly_404_without_trace(client: httpx.AsyncClient) -> None:
    answer = await client.get("/no/such/page")
    assert answer.status_code == 404
    assert "Page not found" in answer.text
    assert "Traceback" not in answer.text


async def test_server_error_shows_a_generic_page_with_headers(app: Starlette) -> None:
    async def boom(request: object) -> None:
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/boom")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text
    assert "Traceback" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_pages_whose_url_holds_a_secret_send_no_referrer(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    order = await make_order(event, (await make_ticket_type(event)).id)
    ticket = await Ticket.get(order_id=order.id)
    secret_pages = [
        f"/orders/{order.code}/{order.secret}",
        f"/api/v1/orders/{order.code}/{order.secret}",
        f"/agenda/{ticket.agenda_token}.ics",
        f"/scan/{event.slug}?token=door_x",
        f"/events/{event.slug}/register?offer=abc",
    ]
    for path in secret_pages:
        assert (await client.get(path)).headers["referrer-policy"] == "no-referrer", path
    public = await client.get(f"/events/{event.slug}")
    assert public.headers["referrer-policy"] == "strict-origin-when-cross-origin"

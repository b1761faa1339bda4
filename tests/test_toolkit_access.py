"""Every organiser route of the toolkit refuses another organisation (404), door staff and reviewers
(403), and anonymous callers (401 on the API, the sign-in page for the dashboard)."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import Role
from events.mail.models import Mailing
from events.ticketing.models import Ticket
from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

EVENT_API = [
    ("GET", "/api/v1/events/{slug}/attendees"),
    ("GET", "/api/v1/events/{slug}/exports/attendees.csv"),
    ("GET", "/api/v1/events/{slug}/exports/attendees.xlsx"),
    ("GET", "/api/v1/events/{slug}/exports/orders.csv"),
    ("GET", "/api/v1/events/{slug}/exports/orders.xlsx"),
    ("GET", "/api/v1/events/{slug}/mailings"),
    ("POST", "/api/v1/events/{slug}/mailings"),
    ("GET", "/api/v1/events/{slug}/mailings/{mailing}"),
    ("POST", "/api/v1/events/{slug}/mailings/{mailing}/preview"),
    ("POST", "/api/v1/events/{slug}/mailings/{mailing}/send"),
    ("POST", "/api/v1/events/{slug}/duplicate"),
]
EVENT_PAGES = [
    "/dashboard/events/{slug}/attendees",
    "/dashboard/events/{slug}/attendees/{ticket}",
    "/dashboard/events/{slug}/exports/attendees.csv",
    "/dashboard/events/{slug}/exports/orders.xlsx",
    "/dashboard/events/{slug}/mailings",
    "/dashboard/events/{slug}/mailings/{mailing}",
    "/dashboard/events/{slug}/mail-log",
    "/dashboard/events/{slug}/duplicate",
]
ORGANISATION_API = [("GET", "/api/v1/organisation/members"), ("GET", "/api/v1/audit")]
ORGANISATION_PAGES = ["/dashboard/team", "/dashboard/audit", "/dashboard/branding"]


async def _world() -> dict[str, str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    order = await make_order(event, (await make_ticket_type(event)).id)
    ticket = await Ticket.get(order_id=order.id)
    mailing = await Mailing.create(event=event, subject={"fr": "x", "en": "x"}, body={"fr": "x", "en": "x"},
                                   audience={"order_status": ["paid"]})  # fmt: skip
    return {"slug": event.slug, "ticket": str(ticket.id), "mailing": str(mailing.id),
            "organisation": owner.organisation.name}  # fmt: skip


def _path(template: str, world: dict[str, str]) -> str:
    return template.format(**world)


async def test_another_organisation_gets_404_everywhere(client: httpx.AsyncClient) -> None:
    world = await _world()
    stranger = await make_organiser()
    token = await api_token(client, stranger.email)
    for method, template in EVENT_API:
        answer = await client.request(method, _path(template, world), json={}, headers=bearer(token))
        assert answer.status_code == 404, template
    await login(client, stranger.email)
    for template in EVENT_PAGES:
        assert (await client.get(_path(template, world))).status_code == 404, template


@pytest.mark.parametrize("role", [Role.DOOR, Role.REVIEWER])
async def test_door_staff_and_reviewers_get_403(client: httpx.AsyncClient, role: Role) -> None:
    world = await _world()
    member = await make_organiser(organisation=world["organisation"], role=role)
    token = await api_token(client, member.email)
    for method, template in [*EVENT_API, *ORGANISATION_API]:
        answer = await client.request(method, _path(template, world), json={}, headers=bearer(token))
        assert answer.status_code == 403, template
    await login(client, member.email)
    for template in [*EVENT_PAGES, *ORGANISATION_PAGES]:
        assert (await client.get(_path(template, world))).status_code == 403, template


async def test_anonymous_gets_401_or_the_sign_in_page(client: httpx.AsyncClient) -> None:
    world = await _world()
    for method, template in [*EVENT_API, *ORGANISATION_API]:
        answer = await client.request(method, _path(template, world), json={})
        assert answer.status_code == 401, template
    for template in [*EVENT_PAGES, *ORGANISATION_PAGES]:
        answer = await client.get(_path(template, world))
        assert answer.status_code == 303 and "/login" in answer.headers["location"], template

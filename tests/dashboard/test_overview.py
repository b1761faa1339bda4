"""An event's overview: sections, key figures, charts drawn on the server, and the registration settings."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue import registration
from events.catalogue.models import Event
from events.errors import EventNotEditable
from events.ticketing import waitlist
from tests.factories import csrf_from, login, make_event, make_order, make_organiser, make_ticket_type

PARIS = ZoneInfo("Europe/Paris")
RULES = {
    "hold_minutes": "30",
    "waiting_list_offer_hours": "48",
    "attendee_edit_until": "",
    "allow_self_cancel": "",
    "privacy_notice": "Vos données servent à gérer votre inscription au congrès.",
}


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True, capacity=20)


async def test_sections_link_to_every_page_that_exists(
    app: Starlette, client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}")).text
    nav = page.split('class="subnav"', 1)[1].split("</nav>", 1)[0]
    for section in ("tickets", "questions", "orders"):
        assert f'href="http://testserver/dashboard/events/{event.slug}/{section}"' in nav
    assert 'aria-current="page"' in nav
    paths = {getattr(route, "path_format", "") for route in app.routes}
    for section in ("programme", "checkin", "badges"):
        exists = f"/dashboard/events/{{slug}}/{section}" in paths
        assert (f'/dashboard/events/{event.slug}/{section}"' in nav) is exists, section


async def test_overview_shows_figures_and_charts(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    free = await make_ticket_type(event, name="Pass découverte", capacity=3)
    paid = await make_ticket_type(event, name="Pass expert", price="150.00")
    await make_order(event, free.id, free.id)
    await make_order(event, free.id)
    await make_order(event, paid.id)
    await waitlist.join(event, free, {"name": "W", "email": "w@b.fr"}, locale="fr", client="w")
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}")).text
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page.split('class="figures"', 1)[1]))
    assert figures["Tickets sold"] == "3"
    assert figures["Confirmed orders"] == "2"
    assert figures["Awaiting payment"] == "1"
    assert figures["Places left"] == "16"
    assert figures["Waiting list"] == "1"
    assert page.count('role="img"') == 2
    assert "<polyline" in page and "Tickets sold over time: 3 in total." in page
    bars = page.split("Places sold and held by ticket type", 1)[1]
    assert "Pass découverte" in bars and "3 / 3" in bars and "0 + 1" in bars


async def test_overview_without_sales_says_so(client: httpx.AsyncClient, owner: User, event: Event) -> None:
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}")).text
    assert "No ticket sold yet." in page
    assert "<polyline" not in page


async def test_organiser_changes_the_registration_settings(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await login(client, owner.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}")
    day = event.starts_at.astimezone(PARIS).date()
    data = {**RULES, "attendee_edit_until": f"{day.isoformat()}T08:00", "csrf_token": token}
    answer = await client.post(f"/dashboard/events/{event.slug}/registration", data=data)
    assert answer.status_code == 303
    await event.refresh_from_db()
    assert (event.hold_minutes, event.waiting_list_offer_hours, event.allow_self_cancel) == (30, 48, False)
    assert event.attendee_edit_until == datetime.combine(day, time(8), tzinfo=PARIS)
    entry = await AuditEntry.get(action="event.registration_updated")
    assert entry.before["hold_minutes"] == 15 and entry.after["hold_minutes"] == 30
    assert "The registration settings have been saved." in (await client.get(answer.headers["location"])).text
    pass_ = await make_ticket_type(event)
    form = (await client.get(f"/events/{event.slug}/register?type-{pass_.id}=1")).text
    assert RULES["privacy_notice"] in form


@pytest.mark.parametrize(
    ("field", "value"),
    [("hold_minutes", "0"), ("hold_minutes", ""), ("waiting_list_offer_hours", "deux"),
     ("attendee_edit_until", "2099-01-01T09:00"), ("attendee_edit_until", "bientôt"),
     ("attendee_edit_until", "0001-01-01T00:30")],
)  # fmt: skip
async def test_invalid_registration_settings_are_refused(
    client: httpx.AsyncClient, owner: User, event: Event, field: str, value: str
) -> None:
    await login(client, owner.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}")
    answer = await client.post(
        f"/dashboard/events/{event.slug}/registration", data={**RULES, field: value, "csrf_token": token}
    )
    assert answer.status_code == 422
    assert f'id="e-{field}"' in answer.text
    await event.refresh_from_db()
    assert (event.hold_minutes, event.waiting_list_offer_hours, event.privacy_notice) == (15, 24, "")
    assert not await AuditEntry.filter(action="event.registration_updated").exists()


async def test_cancelled_event_settings_cannot_change(owner: User, event: Event) -> None:
    from events.catalogue.services import cancel_event

    await cancel_event(owner, event)
    with pytest.raises(EventNotEditable) as refused:
        await registration.update_rules(owner, event, {"hold_minutes": 20})
    assert refused.value.code == "event_not_editable"


async def test_another_organisation_settings_are_404(client: httpx.AsyncClient, event: Event) -> None:
    intruder = await make_organiser()
    mine = await make_event(intruder)
    await login(client, intruder.email)
    token = await csrf_from(client, f"/dashboard/events/{mine.slug}")
    answer = await client.post(
        f"/dashboard/events/{event.slug}/registration", data={**RULES, "csrf_token": token}
    )
    assert answer.status_code == 404
    await event.refresh_from_db()
    assert event.hold_minutes == 15

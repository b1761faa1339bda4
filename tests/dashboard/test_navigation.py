"""Every organiser page leads to the organisation's pages, and an event's pages keep its section bar."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from events.accounts.models import Role, User
from events.catalogue.models import Event
from events.catalogue.sessions import create_session
from tests.factories import login, make_event, make_order, make_organiser, make_ticket_type, order_body


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True)


def _section_bar(page: str) -> str:
    found = re.search(r'<nav class="subnav" aria-label="[^"]+">(.*?)</nav>', page, re.S)
    assert found, "the event's section bar is missing"
    return found.group(1)


@pytest.mark.parametrize("section", ["programme", "badges", "checkin"])
async def test_programme_badges_and_checkin_keep_the_event_section_bar(
    client: httpx.AsyncClient, owner: User, event: Event, section: str
) -> None:
    await login(client, owner.email)
    page = await client.get(f"/dashboard/events/{event.slug}/{section}")
    assert page.status_code == 200
    bar = _section_bar(page.text)
    current = re.findall(r'href="([^"]+)" aria-current="page"', bar)
    assert [link.endswith(f"/dashboard/events/{event.slug}/{section}") for link in current] == [True]
    assert f"/dashboard/events/{event.slug}/tickets" in bar


async def test_owner_reaches_settings_and_tokens_from_any_dashboard_page(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await login(client, owner.email)
    for path in ("/dashboard", f"/dashboard/events/{event.slug}/orders", "/dashboard/team"):
        page = (await client.get(path)).text
        assert re.search(r'<a href="[^"]*/dashboard/settings" id="nav-settings">', page), path
        assert re.search(r'<a href="[^"]*/dashboard/tokens" id="nav-tokens">', page), path


async def test_manager_sees_tokens_but_not_the_owner_settings(client: httpx.AsyncClient, owner: User) -> None:
    manager = await make_organiser(owner.organisation.name, role=Role.MANAGER)
    await login(client, manager.email)
    page = (await client.get("/dashboard")).text
    assert 'id="nav-tokens"' in page
    assert 'id="nav-settings"' not in page


async def test_badges_page_shows_no_shell_command(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await make_ticket_type(event)
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/badges")).text
    assert "main.py" not in page
    assert "--event" not in page


async def test_dashboard_order_page_shows_the_workshop_bookings(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    start = event.starts_at + timedelta(hours=2)
    workshop = await create_session(
        owner, event,
        {"title": "Atelier bioprocédés", "starts_at": start.isoformat(),
         "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 10, "room": "Salle Pasteur"},
    )  # fmt: skip
    await create_session(
        owner, event,
        {"title": "Atelier non réservé", "starts_at": start.isoformat(),
         "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 10},
    )  # fmt: skip
    body = order_body(pass_.id)
    body["tickets"][0]["sessions"] = [workshop.id]
    order = await make_order(event, pass_.id, tickets=body["tickets"])
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/orders/{order.code}")).text
    booked = re.search(r'<ul class="booked-sessions">(.*?)</ul>', page, re.S)
    assert booked, "the order page lists no booking"
    assert "Atelier bioprocédés" in booked.group(1) and "Salle Pasteur" in booked.group(1)
    assert "Atelier non réservé" not in page

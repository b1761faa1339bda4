"""A session limited to some ticket types: a "day 2 only" ticket cannot book a day-1 workshop.

The API keeps and answers the restriction; every booking path (order placement, the order page, the
registration form) refuses another type with a 422 and stores nothing; duplication keeps it.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue.models import Event, Session, TicketType
from events.catalogue.sessions import create_session
from events.ticketing.models import Order, SessionBooking, Ticket
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_organiser,
    make_ticket_type,
    order_body,
)

Setting = tuple[User, Event, TicketType, TicketType, Session]


@pytest.fixture
async def setting(app: object) -> Setting:
    user = await make_organiser()
    event = await make_event(user, published=True)
    full = await make_ticket_type(event, name="Pass 2 jours")
    day_two = await make_ticket_type(event, name="Jour 2 seulement")
    start = event.starts_at + timedelta(hours=1)
    workshop = await create_session(
        user, event,
        {"title": "Atelier jour 1", "starts_at": start.isoformat(),
         "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 10,
         "ticket_types": [full.id]},
    )  # fmt: skip
    return user, event, full, day_two, workshop


async def _headers(client: httpx.AsyncClient, user: User) -> dict[str, str]:
    return bearer(await api_token(client, user.email))


async def test_the_api_keeps_and_answers_the_ticket_types(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    user, event, full, day_two, workshop = setting
    headers = await _headers(client, user)
    url = f"/api/v1/events/{event.slug}/sessions/{workshop.id}"
    assert (await client.get(url, headers=headers)).json()["ticket_types"] == [full.id]

    both = await client.patch(url, json={"ticket_types": [day_two.id, full.id]}, headers=headers)
    assert both.status_code == 200, both.text
    assert both.json()["ticket_types"] == sorted([full.id, day_two.id])
    listed = (await client.get(f"/api/v1/events/{event.slug}/sessions", headers=headers)).json()
    assert listed["sessions"][0]["ticket_types"] == sorted([full.id, day_two.id])
    entry = await AuditEntry.filter(action="session.updated", object_id=workshop.id).order_by("-id").first()
    assert entry is not None
    assert (entry.before or {})["ticket_types"] == [full.id]
    assert (entry.after or {})["ticket_types"] == sorted([full.id, day_two.id])

    everyone = await client.patch(url, json={"ticket_types": []}, headers=headers)
    assert everyone.json()["ticket_types"] == []

    start = event.starts_at + timedelta(hours=3)
    created = await client.post(
        f"/api/v1/events/{event.slug}/sessions",
        json={"title": "Atelier jour 2", "starts_at": start.isoformat(),
              "ends_at": (start + timedelta(hours=1)).isoformat(), "ticket_types": [day_two.id]},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["ticket_types"] == [day_two.id]


async def test_another_event_s_ticket_type_is_422_beside_ticket_types(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    user, event, full, _day_two, workshop = setting
    other_type = await make_ticket_type(await make_event(user, published=True))
    headers = await _headers(client, user)
    url = f"/api/v1/events/{event.slug}/sessions/{workshop.id}"

    refused = await client.patch(url, json={"ticket_types": [other_type.id]}, headers=headers)
    assert refused.status_code == 422
    assert "ticket_types" in refused.json()["error"]["details"]
    start = event.starts_at + timedelta(hours=3)
    body = {"title": "X", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    for bad in ([other_type.id], [0], ["abc"]):
        answer = await client.post(
            f"/api/v1/events/{event.slug}/sessions", json={**body, "ticket_types": bad}, headers=headers
        )
        assert answer.status_code == 422, (bad, answer.text)
        assert [key.split(".")[0] for key in answer.json()["error"]["details"]] == ["ticket_types"]
    assert await Session.filter(event_id=event.id).count() == 1
    assert [t.id for t in await (await Session.get(id=workshop.id)).ticket_types.all()] == [full.id]


async def test_an_allowed_type_books_it_and_another_type_is_422_at_placement(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    _user, event, full, day_two, workshop = setting
    url = f"/api/v1/events/{event.slug}/orders"
    refused_body = order_body(full.id, day_two.id)
    refused_body["tickets"][1]["sessions"] = [workshop.id]
    refused = await client.post(url, json=refused_body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid"
    assert "tickets.1.sessions" in error["details"]
    assert await Order.all().count() == 0
    assert await Ticket.all().count() == 0
    assert await SessionBooking.all().count() == 0

    body = order_body(full.id)
    body["tickets"][0]["sessions"] = [workshop.id]
    placed = await client.post(url, json=body)
    assert placed.status_code == 201, placed.text
    assert placed.json()["tickets"][0]["sessions"] == [workshop.id]


async def test_the_order_page_books_it_only_for_an_allowed_type(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    _user, event, full, day_two, workshop = setting
    order = (
        await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(full.id, day_two.id))
    ).json()
    page = f"/orders/{order['code']}/{order['secret']}"
    allowed_id, other_id = (t["id"] for t in order["tickets"])
    shown = (await client.get(page)).text
    assert f'action="{page}/tickets/{allowed_id}/sessions"' in shown.replace("http://testserver", "")
    assert f'/tickets/{other_id}/sessions"' not in shown
    token = await csrf_from(client, page)

    forged = await client.post(
        f"{page}/tickets/{other_id}/sessions", data={"csrf_token": token, "session": str(workshop.id)}
    )
    assert forged.status_code == 422
    assert "is not included with this ticket" in forged.text
    assert 'class="field-error"' in forged.text
    assert await SessionBooking.filter(ticket_id=other_id).count() == 0

    booked = await client.post(
        f"{page}/tickets/{allowed_id}/sessions", data={"csrf_token": token, "session": str(workshop.id)}
    )
    assert booked.status_code == 303
    assert await SessionBooking.filter(ticket_id=allowed_id).count() == 1


async def test_the_registration_form_offers_it_only_to_allowed_types(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    _user, event, full, day_two, workshop = setting
    register = f"/events/{event.slug}/register"
    page = await client.get(register, params={f"type-{full.id}": "1", f"type-{day_two.id}": "1"})
    assert f'name="ticket-0-session" value="{workshop.id}"' in page.text
    assert f'name="ticket-1-session" value="{workshop.id}"' not in page.text

    token = await csrf_from(client, f"{register}?type-{day_two.id}=1")
    forged = await client.post(
        register,
        data={"csrf_token": token, "count": "1", "privacy": "on",
              "ticket-0-type": str(day_two.id), "ticket-0-name": "Camille Durand",
              "ticket-0-session": str(workshop.id),
              "buyer-name": "Camille Durand", "buyer-email": "camille@labo.fr", "buyer-country": "FR"},
    )  # fmt: skip
    assert forged.status_code == 422
    assert "is not included with this ticket" in forged.text
    assert 'class="field-error"' in forged.text
    assert await Order.all().count() == 0
    assert await SessionBooking.all().count() == 0


async def test_the_dashboard_form_limits_a_session_to_the_ticked_types(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    user, event, full, day_two, workshop = setting
    await login(client, user.email)
    page = f"/dashboard/events/{event.slug}/programme/{workshop.id}"
    token = await csrf_from(client, page)
    shown = (await client.get(page)).text
    assert f'name="ticket_types" value="{full.id}" checked' in shown
    assert f'name="ticket_types" value="{day_two.id}">' in shown
    local = workshop.starts_at.astimezone(ZoneInfo(event.timezone))
    form = {
        "csrf_token": token, "title": "Atelier jour 1",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "capacity": "10",
    }  # fmt: skip

    ticked = await client.post(page, data={**form, "ticket_types": str(day_two.id)})
    assert ticked.status_code == 303, ticked.text
    session = await Session.get(id=workshop.id)
    assert [t.id for t in await session.ticket_types.all()] == [day_two.id]
    entry = await AuditEntry.filter(action="session.updated", object_id=workshop.id).order_by("-id").first()
    assert entry is not None and (entry.after or {})["ticket_types"] == [day_two.id]

    none = await client.post(page, data=form)
    assert none.status_code == 303
    assert await session.ticket_types.all().count() == 0


async def test_duplication_limits_the_copied_session_to_the_copied_types(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    user, event, _full, _day_two, _workshop = setting
    headers = await _headers(client, user)
    next_year = (event.starts_at + timedelta(days=364)).isoformat()
    answer = await client.post(
        f"/api/v1/events/{event.slug}/duplicate", json={"starts_at": next_year}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    copy = await Event.get(slug=answer.json()["slug"])
    copied = await Session.get(event_id=copy.id)
    names = [t.name for t in await copied.ticket_types.all()]
    assert names == ["Pass 2 jours"]
    assert all(t.event_id == copy.id for t in await copied.ticket_types.all())


async def test_the_programme_says_which_types_a_restricted_session_is_for(
    client: httpx.AsyncClient, setting: Setting
) -> None:
    _user, event, _full, _day_two, _workshop = setting
    page = await client.get(f"/events/{event.slug}/programme", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Pour\u00a0: Pass 2 jours" in page.text
    assert "Jour 2 seulement" not in page.text

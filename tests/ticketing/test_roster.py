"""The organiser's attendee list: search, filters, sort and cursor pagination return each attendee once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from events import clock
from events.checkin.models import Checkin, CheckinType
from events.checkin.services import main_list
from events.ticketing.models import Ticket
from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

NAMES = ["Zoé Martin", "Ahmed Benali", "Élodie Durand", "李 小龙", "Bob Smith", "Åsa Berg", "anna Lee"]


async def _event_with_attendees(client: httpx.AsyncClient, count: int = 23) -> tuple[Any, Any, Any, str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    first = await make_ticket_type(event, name="Pass")
    second = await make_ticket_type(event, name="Dîner")
    for n in range(count):
        kind = first.id if n % 3 else second.id
        name = f"{NAMES[n % len(NAMES)]} {n}"
        await make_order(
            event,
            kind,
            tickets=[{"ticket_type": kind, "attendee": {"name": name, "email": f"a{n}@example.org"}}],
        )
    return owner, event, (first, second), await api_token(client, owner.email)


async def _all_pages(client: httpx.AsyncClient, url: str, token: str, **params: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await client.get(url, params=query, headers=bearer(token))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        seen += body["attendees"]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort", ["registered", "-registered", "name", "-name", "organisation", "-email"])
async def test_every_attendee_comes_exactly_once_over_the_pages(client: httpx.AsyncClient, sort: str) -> None:
    _owner, event, _types, token = await _event_with_attendees(client)
    url = f"/api/v1/events/{event.slug}/attendees"
    seen = await _all_pages(client, url, token, limit=4, sort=sort)
    ids = [row["ticket_id"] for row in seen]
    expected = await Ticket.filter(event_id=event.id).values_list("id", flat=True)
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))


async def test_pages_follow_the_chosen_order(client: httpx.AsyncClient) -> None:
    _owner, event, _types, token = await _event_with_attendees(client, 10)
    seen = await _all_pages(client, f"/api/v1/events/{event.slug}/attendees", token, limit=3, sort="-name")
    names = [row["name"] for row in seen]
    rows = (
        await Ticket.filter(event_id=event.id)
        .order_by("-attendee_name", "-id")
        .values_list("attendee_name", flat=True)
    )
    assert names == list(rows)


async def test_search_finds_name_email_and_order_code_once_each(client: httpx.AsyncClient) -> None:
    _owner, event, _types, token = await _event_with_attendees(client, 14)
    url = f"/api/v1/events/{event.slug}/attendees"
    by_name = await _all_pages(client, url, token, q="DURAND", limit=1)
    assert sorted(row["name"] for row in by_name) == ["Élodie Durand 2", "Élodie Durand 9"]
    ticket = await Ticket.filter(event_id=event.id).order_by("id").first().prefetch_related("order")
    assert ticket is not None
    by_code = await _all_pages(client, url, token, q=ticket.order.code.lower())
    assert [row["ticket_id"] for row in by_code] == [ticket.id]
    by_email = await _all_pages(client, url, token, q="a13@example.org")
    assert [row["email"] for row in by_email] == ["a13@example.org"]


async def test_filters_by_ticket_type_and_checked_in(client: httpx.AsyncClient) -> None:
    _owner, event, (_first, second), token = await _event_with_attendees(client, 9)
    url = f"/api/v1/events/{event.slug}/attendees"
    dinner = await _all_pages(client, url, token, ticket_type=second.id, limit=2)
    expected = await Ticket.filter(event_id=event.id, ticket_type_id=second.id).values_list("id", flat=True)
    assert sorted(row["ticket_id"] for row in dinner) == sorted(expected)
    door = await main_list(event)
    entered = await Ticket.filter(event_id=event.id).order_by("id").limit(2)
    for ticket in entered:
        await Checkin.create(ticket=ticket, checkin_list=door, type=CheckinType.ENTRY, created_at=clock.now())
        await Checkin.create(ticket=ticket, checkin_list=door, type=CheckinType.EXIT, created_at=clock.now())
    inside = await _all_pages(client, url, token, checked_in="true")
    assert sorted(row["ticket_id"] for row in inside) == sorted(t.id for t in entered)
    assert all(row["checked_in_at"] for row in inside)
    outside = await _all_pages(client, url, token, checked_in="false", limit=3)
    assert len(outside) == 7 and not {row["ticket_id"] for row in outside} & {t.id for t in entered}


async def test_cancelled_tickets_only_on_request(client: httpx.AsyncClient) -> None:
    _owner, event, _types, token = await _event_with_attendees(client, 4)
    gone = await Ticket.filter(event_id=event.id).order_by("id").first()
    assert gone is not None
    await Ticket.filter(id=gone.id).update(status="cancelled")
    url = f"/api/v1/events/{event.slug}/attendees"
    body = (await client.get(url, headers=bearer(token))).json()
    assert body["total"] == 3 and gone.id not in [row["ticket_id"] for row in body["attendees"]]
    cancelled = (await client.get(url, params={"status": "cancelled"}, headers=bearer(token))).json()
    assert [row["ticket_id"] for row in cancelled["attendees"]] == [gone.id]


@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", "0"), ("limit", "501"), ("limit", "ten"), ("status", "gone"), ("checked_in", "maybe"),
     ("ticket_type", "99999"), ("ticket_type", "x"), ("sort", "secret"), ("cursor", "!!!"),
     ("cursor", "x" * 500)],
)  # fmt: skip
async def test_bad_list_parameters_are_invalid(client: httpx.AsyncClient, name: str, value: str) -> None:
    _owner, event, _types, token = await _event_with_attendees(client, 1)
    answer = await client.get(
        f"/api/v1/events/{event.slug}/attendees", params={name: value}, headers=bearer(token)
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_attendee_fields_are_the_contract(client: httpx.AsyncClient) -> None:
    _owner, event, (_first, _second), token = await _event_with_attendees(client, 2)
    body = (await client.get(f"/api/v1/events/{event.slug}/attendees", headers=bearer(token))).json()
    row = body["attendees"][0]
    assert set(row) == {
        "ticket_id", "name", "email", "organisation", "job_title", "ticket_type", "ticket_type_id",
        "order_code", "order_status", "status", "checked_in_at", "answers",
    }  # fmt: skip
    assert row["ticket_type"] == "Dîner" and row["order_status"] == "paid" and row["status"] == "valid"


async def test_another_organisation_sees_no_attendee_list(client: httpx.AsyncClient) -> None:
    _owner, event, _types, _token = await _event_with_attendees(client, 1)
    stranger = await make_organiser()
    token = await api_token(client, stranger.email)
    answer = await client.get(f"/api/v1/events/{event.slug}/attendees", headers=bearer(token))
    assert answer.status_code == 404
    anonymous = await client.get(f"/api/v1/events/{event.slug}/attendees")
    assert anonymous.status_code == 401


async def test_dashboard_lists_and_shows_an_attendee(client: httpx.AsyncClient) -> None:
    owner, event, _types, _token = await _event_with_attendees(client, 3)
    await login(client, owner.email)
    page = await client.get(f"/dashboard/events/{event.slug}/attendees", params={"q": "Ahmed"})
    assert page.status_code == 200
    assert "Ahmed Benali 1" in page.text and "Zoé Martin 0" not in page.text
    ticket = await Ticket.get(event_id=event.id, attendee_name="Ahmed Benali 1")
    person = await client.get(f"/dashboard/events/{event.slug}/attendees/{ticket.id}")
    assert person.status_code == 200 and "a1@example.org" in person.text


async def test_dashboard_attendee_of_another_event_is_not_found(client: httpx.AsyncClient) -> None:
    owner, event, _types, _token = await _event_with_attendees(client, 1)
    _other_owner, other, _t, _k = await _event_with_attendees(client, 1)
    foreign = await Ticket.get(event_id=other.id)
    await login(client, owner.email)
    answer = await client.get(f"/dashboard/events/{event.slug}/attendees/{foreign.id}")
    assert answer.status_code == 404
    answer = await client.get(f"/dashboard/events/{other.slug}/attendees")
    assert answer.status_code == 404

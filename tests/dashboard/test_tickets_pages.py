"""The organiser's ticket pages: ticket types with sold / held / available, and promo codes with uses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from events import clock
from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue.models import Event, PromoCode, TicketType
from tests.factories import (
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)

TYPE_FORM = {
    "name": "Tarif académique",
    "description": "Chercheurs et doctorants.",
    "price": "120,50",
    "vat_rate": "20",
    "capacity": "40",
    "sales_start": "",
    "sales_end": "2027-03-31T23:59",
    "max_per_order": "4",
    "badge_colour": "#1d6b3a",
    "hidden": "on",
}


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True, capacity=100)


async def _token(client: httpx.AsyncClient, owner: User, event: Event) -> str:
    await login(client, owner.email)
    return await csrf_from(client, f"/dashboard/events/{event.slug}/tickets/new")


async def test_organiser_creates_a_ticket_type_through_the_form(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    token = await _token(client, owner, event)
    answer = await client.post(
        f"/dashboard/events/{event.slug}/tickets", data={**TYPE_FORM, "csrf_token": token}
    )
    assert answer.status_code == 303
    created = await TicketType.get(event_id=event.id)
    assert (created.price_cents, created.vat_rate_bp, created.capacity) == (12050, 2000, 40)
    assert (created.hidden, created.max_per_order, created.badge_colour) == (True, 4, "#1d6b3a")
    assert created.sales_start is None
    assert created.sales_end is not None and created.sales_end.isoformat() == "2027-03-31T21:59:00+00:00"
    assert await AuditEntry.filter(action="ticket_type.created", object_id=str(created.id)).exists()
    page = (await client.get(answer.headers["location"])).text
    assert "Tarif académique" in page


async def test_invalid_ticket_type_shows_the_form_again_and_stores_nothing(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    token = await _token(client, owner, event)
    data = {**TYPE_FORM, "name": "", "price": "douze", "sales_end": "demain", "csrf_token": token}
    data["sales_start"] = "0001-01-01T00:30"
    answer = await client.post(f"/dashboard/events/{event.slug}/tickets", data=data)
    assert answer.status_code == 422
    for field in ("name", "price", "sales_start", "sales_end"):
        assert f'id="e-{field}"' in answer.text
    assert 'value="douze"' in answer.text
    assert await TicketType.filter(event_id=event.id).count() == 0


async def test_sales_window_that_ends_before_it_starts_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    token = await _token(client, owner, event)
    data = {**TYPE_FORM, "sales_start": "2027-04-01T09:00", "sales_end": "2027-03-01T09:00"}
    answer = await client.post(f"/dashboard/events/{event.slug}/tickets", data={**data, "csrf_token": token})
    assert answer.status_code == 422
    assert "Sales must end after they start." in answer.text
    assert await TicketType.filter(event_id=event.id).count() == 0


async def test_organiser_edits_price_capacity_and_early_bird_end(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event, name="Early bird", price="90.00", capacity=10)
    token = await _token(client, owner, event)
    page = await client.get(f"/dashboard/events/{event.slug}/tickets/{pass_.id}")
    assert 'value="90.00"' in page.text
    data = {**TYPE_FORM, "name": "Early bird", "price": "95.00", "capacity": "", "hidden": ""}
    answer = await client.post(
        f"/dashboard/events/{event.slug}/tickets/{pass_.id}", data={**data, "csrf_token": token}
    )
    assert answer.status_code == 303
    await pass_.refresh_from_db()
    assert (pass_.price_cents, pass_.capacity, pass_.hidden) == (9500, None, False)
    entry = await AuditEntry.get(action="ticket_type.updated")
    assert Decimal(entry.before["price"]) == 90 and Decimal(entry.after["price"]) == 95


async def test_list_shows_sold_held_available_and_waiting(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    paid = await make_ticket_type(event, name="Pass payant", price="50.00", capacity=5)
    free = await make_ticket_type(event, name="Pass gratuit", capacity=3)
    await make_order(event, free.id, free.id)
    await make_order(event, paid.id)
    await make_order(event, free.id)
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/tickets")).text
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Pass payant", "Pass gratuit")}
    cells = {name: [c.split("<", 1)[0].strip() for c in row.split("<td>")[1:]] for name, row in rows.items()}
    assert cells["Pass gratuit"][1:4] == ["3", "0", "0"]
    assert cells["Pass payant"][1:4] == ["0", "1", "4"]


async def test_organiser_creates_a_promo_code_and_sees_its_uses(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    member = await make_ticket_type(event, name="Adhérent", price="100.00", hidden=True)
    await login(client, owner.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}/promo-codes/new")
    data = {
        "csrf_token": token,
        "code": "member2027",
        "percent_off": "20",
        "amount_off": "",
        "max_uses": "10",
        "valid_until": "",
        "ticket_types": str(member.id),
    }
    answer = await client.post(f"/dashboard/events/{event.slug}/promo-codes", data=data)
    assert answer.status_code == 303
    promo = await PromoCode.get(event_id=event.id)
    assert (promo.code, promo.percent_off, promo.max_uses) == ("MEMBER2027", 20, 10)
    assert [t.id for t in await promo.ticket_types.all()] == [member.id]
    await client.post(
        f"/api/v1/events/{event.slug}/orders", json=order_body(member.id, promo_code="MEMBER2027")
    )
    page = (await client.get(f"/dashboard/events/{event.slug}/tickets")).text
    row = page.split("MEMBER2027", 1)[1].split("</tr>", 1)[0]
    assert "1 / 10" in row and "Adhérent" in row


async def test_promo_code_with_two_discounts_or_a_foreign_type_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    other = await make_event(await make_organiser(), published=True)
    theirs = await make_ticket_type(other)
    await login(client, owner.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}/promo-codes/new")
    both = {"csrf_token": token, "code": "TWICE", "percent_off": "10", "amount_off": "5"}
    answer = await client.post(f"/dashboard/events/{event.slug}/promo-codes", data=both)
    assert answer.status_code == 422
    assert "either a percentage or an amount" in answer.text
    foreign = {"csrf_token": token, "code": "THEIRS", "percent_off": "10", "ticket_types": str(theirs.id)}
    answer = await client.post(f"/dashboard/events/{event.slug}/promo-codes", data=foreign)
    assert answer.status_code == 422
    assert await PromoCode.all().count() == 0


async def test_another_organisation_tickets_are_404(client: httpx.AsyncClient, event: Event) -> None:
    pass_ = await make_ticket_type(event)
    intruder = await make_organiser()
    mine = await make_event(intruder)
    await login(client, intruder.email)
    token = await csrf_from(client, f"/dashboard/events/{mine.slug}/tickets/new")
    base = f"/dashboard/events/{event.slug}"
    for path in (
        f"{base}/tickets",
        f"{base}/tickets/new",
        f"{base}/tickets/{pass_.id}",
        f"{base}/promo-codes/new",
    ):
        assert (await client.get(path)).status_code == 404, path
    for path in (f"{base}/tickets", f"{base}/tickets/{pass_.id}", f"{base}/promo-codes"):
        answer = await client.post(path, data={**TYPE_FORM, "code": "X1", "csrf_token": token})
        assert answer.status_code == 404, path
    mine_type = f"/dashboard/events/{mine.slug}/tickets/{pass_.id}"
    assert (await client.get(mine_type)).status_code == 404
    await pass_.refresh_from_db()
    assert pass_.name != TYPE_FORM["name"]
    assert await TicketType.filter(event_id=event.id).count() == 1


async def test_sold_out_type_shows_its_waiting_list_count(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    from events.ticketing import waitlist

    one = await make_ticket_type(event, name="Visite du labo", capacity=1)
    await make_order(event, one.id)
    await waitlist.join(event, one, {"name": "A", "email": "a@b.fr"}, locale="fr", client="a")
    await waitlist.join(event, one, {"name": "B", "email": "b@b.fr"}, locale="fr", client="b")
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/tickets")).text
    row = page.split("Visite du labo", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("<", 1)[0].strip() for c in row.split("<td>")[1:]]
    assert cells[1:5] == ["1", "0", "0", "2"]


async def test_early_bird_type_is_shown_off_sale_after_its_end(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await make_ticket_type(event, name="Early", sales_end=(clock.now() + timedelta(days=1)).isoformat())
    await login(client, owner.email)
    with clock.frozen(clock.now() + timedelta(days=2)):
        page = (await client.get(f"/dashboard/events/{event.slug}/tickets")).text
    row = page.split("Early", 1)[1].split("</tr>", 1)[0]
    assert ">No<" in row

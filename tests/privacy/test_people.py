"""A person's rights (API.md "Privacy"): their data across the organisation's events, and its erasure."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event
from events.checkin.models import ScanNonce
from events.invoicing.models import Invoice
from events.invoicing.services import issue_invoice
from events.mail.models import OutboxMessage
from events.privacy.models import ConsentRecord
from events.ticketing.models import Order, OrderStatus, Ticket
from events.ticketing.orders import place_order
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_door_token,
    make_event,
    make_organiser,
    make_ticket_type,
    order_body,
)

PERSON = "camille.durand@labo-cancer.fr"
OTHER = "noah.martin@biotech.fr"


def _order(type_id: int, buyer: str, attendees: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    body = order_body(*([type_id] * len(attendees)))
    body["buyer"] = {"name": "Camille Durand" if buyer == PERSON else "Noah Martin", "email": buyer,
                     "country": "FR", "organisation": "Institut du Cancer"}  # fmt: skip
    for ticket, (name, email) in zip(body["tickets"], attendees, strict=True):
        ticket["attendee"] = {"name": name, "email": email}
    body.update(extra)
    return body


class World:
    """Two events of one organisation where the person and another attendee registered, and a second
    organisation where the same address registered too."""

    owner_token: str
    events: list[Event]
    person_orders: list[Order]
    group: Order
    invoice: Invoice


async def _world(client: httpx.AsyncClient) -> World:
    world = World()
    owner = await make_organiser()
    world.events = [await make_event(owner, published=True) for _ in range(2)]
    diet = await offers.create_question(
        owner, world.events[0], {"label": "Régime alimentaire", "kind": "text", "sensitive": True}
    )
    free = await make_ticket_type(world.events[0])
    paid = await make_ticket_type(world.events[1], price="80.00")
    first = await place_order(
        world.events[0].slug,
        _order(free.id, PERSON, [("Camille Durand", PERSON)], consents={"privacy": True, "marketing": True}),
    )
    answered = await Ticket.get(order_id=first.id)
    answered.answers = {str(diet.id): "végétarien"}
    await answered.save()
    second = await place_order(world.events[1].slug, _order(paid.id, PERSON, [("Camille Durand", PERSON)]))
    second.status = OrderStatus.PAID
    await second.save()
    world.invoice = await issue_invoice(second)  # type: ignore[assignment]
    world.person_orders = [first, second]
    # Noah buys for himself and for Camille: the group order stays Noah's.
    world.group = await place_order(
        world.events[0].slug, _order(free.id, OTHER, [("Noah Martin", OTHER), ("Camille Durand", PERSON)])
    )
    door = await make_door_token(world.events[0])
    checkin = f"/api/v1/events/{world.events[0].slug}/checkin"
    scan = await client.post(
        checkin, json={"secret": answered.secret, "nonce": "scan-1"}, headers=bearer(door)
    )
    assert scan.status_code == 200, scan.text
    stranger_org = await make_organiser()
    elsewhere = await make_event(stranger_org, published=True)
    await place_order(
        elsewhere.slug, _order((await make_ticket_type(elsewhere)).id, PERSON, [("C. D.", PERSON)])
    )
    world.owner_token = await api_token(client, owner.email)
    return world


async def test_export_holds_every_row_about_the_person_and_nothing_about_anyone_else(
    client: httpx.AsyncClient,
) -> None:
    world = await _world(client)
    answer = await client.post("/api/v1/privacy/people", json={"email": PERSON.upper()},
                               headers=bearer(world.owner_token))  # fmt: skip
    assert answer.status_code == 200, answer.text
    data = answer.json()
    for kind in (
        "orders",
        "tickets",
        "answers",
        "checkins",
        "consents",
        "mailings",
        "partnering",
        "abstracts",
    ):
        assert kind in data
    assert sorted(o["code"] for o in data["orders"]) == sorted(o.code for o in world.person_orders)
    assert len(data["tickets"]) == 3  # two of her orders, and her place in Noah's group order
    assert [a["answer"] for a in data["answers"]] == ["végétarien"]
    assert len(data["checkins"]) == 1
    first_consents = [c for c in data["consents"] if c["order_id"] == world.person_orders[0].id]
    assert {c["purpose"]: c["granted"] for c in first_consents} == {"marketing": True, "partners": False}
    text = json.dumps(data)
    assert OTHER not in text and "Noah" not in text
    assert "C. D." not in text  # the other organisation's registration
    assert world.group.code not in [o["code"] for o in data["orders"]]


async def test_export_and_erasure_are_for_the_owner_only(client: httpx.AsyncClient) -> None:
    world = await _world(client)
    owner = await Event.get(id=world.events[0].id).prefetch_related("organisation")
    manager = await make_organiser(owner.organisation.name + " (team)", role=Role.MANAGER)
    manager.organisation_id = owner.organisation_id
    await manager.save()
    token = await api_token(client, manager.email)
    for path in ("/api/v1/privacy/people", "/api/v1/privacy/erase"):
        answer = await client.post(path, json={"email": PERSON}, headers=bearer(token))
        assert answer.status_code == 403
    assert await Order.filter(buyer_email=PERSON).count() == 3


async def _counts() -> tuple[int, int, int]:
    return await Order.all().count(), await Ticket.all().count(), await Ticket.filter(status="valid").count()


async def test_erasure_leaves_no_personal_field_outside_the_invoices(client: httpx.AsyncClient) -> None:
    world = await _world(client)
    invoice_before = await Invoice.get(id=world.invoice.id).values()
    counts_before = await _counts()
    mails_before = await OutboxMessage.all().count()
    first = world.person_orders[0]
    agenda = (await Ticket.get(order_id=first.id)).agenda_token
    answer = await client.post(
        "/api/v1/privacy/erase", json={"email": PERSON}, headers=bearer(world.owner_token)
    )
    assert answer.status_code == 200, answer.text
    erased = answer.json()["erased"]
    assert (erased["orders"], erased["tickets"], erased["checkins"]) == (2, 3, 1)
    mine = await Order.filter(id__in=[o.id for o in world.person_orders])
    assert all(o.buyer_email == "" and "Camille" not in o.buyer_name for o in mine)
    pairs = zip(sorted(mine, key=lambda o: o.id), world.person_orders, strict=True)
    assert all(
        o.buyer_organisation == "Institut du Cancer" and o.total_cents == p.total_cents for o, p in pairs
    )
    organisation_id = world.events[0].organisation_id
    tickets = await Ticket.filter(event__organisation_id=organisation_id).values()
    elsewhere = await Order.get(buyer_email=PERSON)  # the other organisation's, untouched
    messages = await OutboxMessage.exclude(dedupe_key__contains=elsewhere.code).values()
    consents = await ConsentRecord.filter(organisation_id=organisation_id).values()
    remaining = json.dumps([tickets, await Order.filter(event__organisation_id=organisation_id).values(),
                            messages, consents], default=str)  # fmt: skip
    invoice_text = json.dumps(invoice_before, default=str)
    assert PERSON not in remaining
    assert "végétarien" not in remaining
    people = json.dumps([tickets, await ScanNonce.all().values()], default=str)
    assert "Camille" not in people  # her name is gone from tickets and the scanner's remembered answers
    assert "Camille" in invoice_text  # the invoice keeps its buyer, as accounting law requires
    assert await Invoice.get(id=world.invoice.id).values() == invoice_before
    assert await _counts() == counts_before
    assert await OutboxMessage.all().count() == mails_before
    # Her own links answer 404; Noah's group order still works for him, without her.
    assert (await client.get(f"/orders/{first.code}/{first.secret}")).status_code == 404
    assert (await client.get(f"/agenda/{agenda}.ics")).status_code == 404
    group_page = await client.get(f"/orders/{world.group.code}/{world.group.secret}")
    assert group_page.status_code == 200
    assert "Noah Martin" in group_page.text and "Camille" not in group_page.text
    # The other organisation's registration is untouched.
    assert await Order.filter(buyer_email=PERSON).count() == 1


async def test_both_calls_are_audited_without_the_address(client: httpx.AsyncClient) -> None:
    world = await _world(client)
    auth = bearer(world.owner_token)
    await client.post("/api/v1/privacy/people", json={"email": PERSON}, headers=auth)
    await client.post("/api/v1/privacy/erase", json={"email": PERSON}, headers=auth)
    entries = await AuditEntry.filter(action__startswith="privacy.").order_by("id")
    assert [e.action for e in entries] == ["privacy.export", "privacy.erase"]
    assert entries[0].object_id == entries[1].object_id
    assert PERSON not in json.dumps([(e.object_id, e.before, e.after) for e in entries], default=str)


@pytest.mark.parametrize("email", ["not-an-address", "a" * 300 + "@x.fr", "two@@at.fr"])
async def test_privacy_lookup_refuses_bad_addresses(client: httpx.AsyncClient, email: str) -> None:
    world = await _world(client)
    answer = await client.post(
        "/api/v1/privacy/people", json={"email": email}, headers=bearer(world.owner_token)
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_owner_reads_and_erases_a_person_on_the_dashboard_page(client: httpx.AsyncClient) -> None:
    world = await _world(client)
    owner = await Event.get(id=world.events[0].id)
    from events.accounts.models import User

    user = await User.get(organisation_id=owner.organisation_id)
    await login(client, user.email)
    token = await csrf_from(client, "/dashboard/privacy")
    page = await client.post("/dashboard/privacy", data={"csrf_token": token, "email": PERSON})
    assert page.status_code == 200
    assert "végétarien" in page.text and world.person_orders[0].code in page.text
    erased = await client.post("/dashboard/privacy/erase", data={"csrf_token": token, "email": PERSON})
    assert erased.status_code == 303
    assert "erased" in (await client.get(erased.headers["location"])).text
    assert await Order.filter(buyer_email=PERSON, event__organisation_id=owner.organisation_id).count() == 0


async def test_dashboard_lookup_shows_the_field_error_for_a_bad_address(client: httpx.AsyncClient) -> None:
    world = await _world(client)
    from events.accounts.models import User

    user = await User.get(organisation_id=world.events[0].organisation_id)
    await login(client, user.email)
    token = await csrf_from(client, "/dashboard/privacy")
    page = await client.post("/dashboard/privacy", data={"csrf_token": token, "email": "nobody"})
    assert page.status_code == 422
    assert 'id="e-email"' in page.text


async def test_privacy_notice_names_the_organisation_recipients_and_retention(
    client: httpx.AsyncClient,
) -> None:
    owner = await make_organiser("Pôle Santé Occitanie")
    event = await make_event(owner, published=True, retention_months=24, sensitive_retention_days=15)
    pass_ = await make_ticket_type(event)
    form = await client.get(f"/events/{event.slug}/register?type-{pass_.id}=1")
    link = f"/privacy/{owner.organisation.slug}"
    assert f'href="http://testserver{link}"' in form.text or f'href="{link}"' in form.text
    notice = await client.get(link)
    assert notice.status_code == 200
    for expected in ("Pôle Santé Occitanie", "Stripe", "24 months", "15 days", owner.email):
        assert expected in notice.text


async def test_event_api_reads_and_sets_the_retention(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    auth = bearer(await api_token(client, owner.email))
    from tests.factories import event_data

    created = await client.post("/api/v1/events", json=event_data(retention_months=12), headers=auth)
    assert created.status_code == 201, created.text
    assert (created.json()["retention_months"], created.json()["sensitive_retention_days"]) == (12, 30)
    slug = created.json()["slug"]
    changed = await client.patch(f"/api/v1/events/{slug}", json={"sensitive_retention_days": 7}, headers=auth)
    assert changed.json()["sensitive_retention_days"] == 7 and changed.json()["retention_months"] == 12
    bad = await client.patch(f"/api/v1/events/{slug}", json={"retention_months": 0}, headers=auth)
    assert bad.status_code == 422

"""The dashboard's own orders (complimentary, on invoice) and, on an order to be paid on invoice, the
transfer form (amounts typed the French way) and the "send a reminder now" button (once a day)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from events import clock
from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue.models import Event, TicketType
from events.invoicing.models import BankTransfer
from events.mail.models import OutboxMessage
from events.mail.services import send_pending
from events.ticketing.models import Order, OrderStatus, Ticket
from events.ticketing.orders import place_order
from tests.factories import csrf_from, login, make_event, make_organiser, make_ticket_type, order_body
from tests.mail.conftest import Sink, sink, smtp_to_sink

__all__ = ["sink", "smtp_to_sink"]

LAB = {
    "name": "Service financier",
    "email": "factures@inserm.example",
    "organisation": "Unité de recherche 1234",
    "address": "101 rue de Tolbiac, 75013 Paris",
    "country": "FR",
    "siret": "18003830900019",
}


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    event = await make_event(owner, published=True)
    await Event.filter(id=event.id).update(invoice_payment_days=30)
    return await Event.get(id=event.id)


@pytest.fixture
async def pass_(event: Event) -> TicketType:
    return await make_ticket_type(event, name="Pass", price="300.00", vat_rate="20.00", capacity=2)


def _form(pass_: TicketType, token: str, **fields: str) -> dict[str, Any]:
    return {
        "csrf_token": token,
        "kind": "complimentary",
        "ticket_type": str(pass_.id),
        "attendees": "",
        "reason": "Conférencière invitée",
        "buyer.name": "Marie Curie",
        "buyer.email": "marie@example.org",
        "locale": "fr",
        **fields,
    }


async def test_complimentary_order_from_the_dashboard_sends_the_tickets_by_mail(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType, smtp_to_sink: Sink
) -> None:
    await login(client, owner.email)
    page = f"/dashboard/events/{event.slug}/manual-order"
    answer = await client.post(page, data=_form(pass_, await csrf_from(client, page)))
    assert answer.status_code == 303, answer.text
    order = await Order.get(buyer_email="marie@example.org")
    assert answer.headers["location"].endswith(f"/orders/{order.code}?notice=created")
    assert (order.status, order.total_cents, order.complimentary_reason) == (
        OrderStatus.PAID,
        0,
        "Conférencière invitée",
    )
    detail = await client.get(answer.headers["location"])
    assert "Conférencière invitée" in detail.text
    assert await send_pending() >= 1
    assert [m["To"] for m in smtp_to_sink.messages] == ["marie@example.org"]


async def test_group_of_attendees_on_invoice_from_the_dashboard(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    await login(client, owner.email)
    page = f"/dashboard/events/{event.slug}/manual-order"
    fields = {f"buyer.{key}": value for key, value in LAB.items()}
    attendees = "Rosalind Franklin, rosalind@inserm.example\nIrène Joliot-Curie; irene@inserm.example"
    data = _form(pass_, await csrf_from(client, page), kind="invoice", reason="", attendees=attendees,
                 purchase_order="EJ-77", **fields)  # fmt: skip
    answer = await client.post(page, data=data)
    assert answer.status_code == 303, answer.text
    order = await Order.get(buyer_email=LAB["email"])
    names = await Ticket.filter(order_id=order.id).order_by("id").values_list("attendee_name", flat=True)
    assert names == ["Rosalind Franklin", "Irène Joliot-Curie"]
    assert (order.status, order.total_cents, order.purchase_order) == (OrderStatus.PENDING, 60000, "EJ-77")


async def test_bad_fields_show_beside_them_and_store_nothing(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    await login(client, owner.email)
    page = f"/dashboard/events/{event.slug}/manual-order"
    data = _form(pass_, await csrf_from(client, page), reason="", attendees="Ada, not-an-address")
    data["buyer.email"] = "nobody"
    answer = await client.post(page, data=data)
    assert answer.status_code == 422
    assert 'id="e-buyer.email"' in answer.text
    assert 'id="e-attendees"' in answer.text
    assert 'value="nobody"' in answer.text
    no_reason = await client.post(page, data=_form(pass_, data["csrf_token"], reason=""))
    assert no_reason.status_code == 422
    assert 'id="e-reason"' in no_reason.text
    assert await Order.all().count() == 0


async def test_a_full_type_is_explained_on_the_form_unless_over_capacity_is_ticked(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    await login(client, owner.email)
    page = f"/dashboard/events/{event.slug}/manual-order"
    token = await csrf_from(client, page)
    two = "Ada Lovelace\nGrace Hopper"
    assert (await client.post(page, data=_form(pass_, token, attendees=two))).status_code == 303
    full = await client.post(page, data=_form(pass_, token))
    assert full.status_code == 409
    assert 'role="alert"' in full.text
    assert "Marie Curie" in full.text  # what was typed is still there
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 2
    past = await client.post(page, data=_form(pass_, token, over_capacity="on"))
    assert past.status_code == 303
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 3


async def _on_invoice(event: Event, pass_: TicketType) -> Order:
    body = order_body(pass_.id, buyer=LAB, payment={"method": "invoice", "purchase_order": "EJ-1"})
    return await place_order(event.slug, body)


async def test_transfer_typed_the_french_way_is_recorded_then_the_order_is_paid(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    order = await _on_invoice(event, pass_)
    client.headers["Accept-Language"] = "fr"
    await login(client, owner.email)
    detail = f"/dashboard/events/{event.slug}/orders/{order.code}"
    token = await csrf_from(client, detail)
    day = clock.now().date().isoformat()
    first = await client.post(
        f"{detail}/transfers",
        data={"csrf_token": token, "amount": "100,50", "paid_at": day, "reference": "VIR 1"},
    )
    assert first.status_code == 303, first.text
    assert [t.amount_cents for t in await BankTransfer.filter(order_id=order.id)] == [10050]
    rest = await client.post(
        f"{detail}/transfers", data={"csrf_token": token, "amount": "199,50", "paid_at": day, "reference": ""}
    )
    assert rest.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await AuditEntry.filter(action="order.transfer_recorded", object_id=order.code).count() == 2


@pytest.mark.parametrize(("amount", "cents"), [("1,00", None), ("1.50", 150), ("2", 200)])
async def test_in_english_a_comma_groups_digits_and_a_point_marks_the_cents(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType, amount: str, cents: int | None
) -> None:
    order = await _on_invoice(event, pass_)
    client.headers["Accept-Language"] = "en"
    await login(client, owner.email)
    detail = f"/dashboard/events/{event.slug}/orders/{order.code}"
    data = {
        "csrf_token": await csrf_from(client, detail),
        "amount": amount,
        "paid_at": clock.now().date().isoformat(),
    }
    answer = await client.post(f"{detail}/transfers", data=data)
    recorded = [t.amount_cents for t in await BankTransfer.filter(order_id=order.id)]
    assert (answer.status_code, recorded) == ((303, [cents]) if cents else (422, []))


@pytest.mark.parametrize(
    ("amount", "paid_at"),
    [("300,01", None), ("douze", None), ("", None), ("10,00", "2999-01-01"), ("10,00", "hier")],
)
async def test_a_bad_transfer_is_refused_beside_its_field(
    client: httpx.AsyncClient,
    owner: User,
    event: Event,
    pass_: TicketType,
    amount: str,
    paid_at: str | None,
) -> None:
    order = await _on_invoice(event, pass_)
    client.headers["Accept-Language"] = "fr"
    await login(client, owner.email)
    detail = f"/dashboard/events/{event.slug}/orders/{order.code}"
    token = await csrf_from(client, detail)
    day = paid_at or clock.now().date().isoformat()
    answer = await client.post(
        f"{detail}/transfers", data={"csrf_token": token, "amount": amount, "paid_at": day}
    )
    assert answer.status_code == 422
    field = "paid_at" if paid_at else "amount"
    assert f'id="e-{field}"' in answer.text
    assert await BankTransfer.filter(order_id=order.id).count() == 0


async def test_reminder_now_goes_once_a_day_and_is_audited(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    order = await _on_invoice(event, pass_)
    await login(client, owner.email)
    detail = f"/dashboard/events/{event.slug}/orders/{order.code}"
    token = await csrf_from(client, detail)
    sent = await client.post(f"{detail}/reminder", data={"csrf_token": token})
    assert sent.status_code == 303
    again = await client.post(f"{detail}/reminder", data={"csrf_token": token})
    assert again.status_code == 409
    assert 'role="alert"' in again.text
    assert await OutboxMessage.filter(kind="payment_reminder", to_address=LAB["email"]).count() == 1
    with clock.frozen(clock.now() + timedelta(days=1)):
        assert (await client.post(f"{detail}/reminder", data={"csrf_token": token})).status_code == 303
    assert await OutboxMessage.filter(kind="payment_reminder").count() == 2
    assert await AuditEntry.filter(action="order.reminder_sent", object_id=order.code).count() == 2


async def test_reminder_without_csrf_token_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    order = await _on_invoice(event, pass_)
    await login(client, owner.email)
    answer = await client.post(f"/dashboard/events/{event.slug}/orders/{order.code}/reminder", data={})
    assert answer.status_code == 403
    assert await OutboxMessage.filter(kind="payment_reminder").count() == 0


async def test_another_organisations_order_and_event_are_404(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    order = await _on_invoice(event, pass_)
    intruder = await make_organiser()
    await login(client, intruder.email)
    token = await csrf_from(client, "/dashboard")
    base = f"/dashboard/events/{event.slug}"
    answers = [
        await client.get(f"{base}/manual-order"),
        await client.post(f"{base}/manual-order", data=_form(pass_, token)),
        await client.post(f"{base}/orders/{order.code}/transfers", data={"csrf_token": token, "amount": "1"}),
        await client.post(f"{base}/orders/{order.code}/reminder", data={"csrf_token": token}),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert await BankTransfer.all().count() == 0

"""Orders the organiser makes: complimentary places with a reason and no invoice, a lab's group on one
invoice, a group already paid by cheque; capacity holds for all of them (a complimentary place may go
past it only when asked), each is audited, and another organisation's event is a 404."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from events import clock
from events.audit.models import AuditEntry
from events.catalogue.models import Event, TicketType
from events.invoicing.models import BankTransfer, Invoice
from events.mail.models import OutboxMessage
from events.ticketing.models import Order, Ticket
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type
from tests.invoicing.facturx_check import check_document, text

LAB = {
    "name": "Service financier",
    "email": "factures@inserm.example",
    "organisation": "Unité de recherche 1234",
    "address": "101 rue de Tolbiac, 75013 Paris",
    "country": "FR",
    "siret": "18003830900019",
}


async def _setup(
    client: httpx.AsyncClient, capacity: int | None = 20
) -> tuple[Event, TicketType, dict[str, str]]:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event, name="Pass", price="300.00", vat_rate="20.00", capacity=capacity)
    return event, pass_, bearer(await api_token(client, owner.email))


def _people(type_id: int, count: int) -> list[dict[str, Any]]:
    return [
        {"ticket_type": type_id, "attendee": {"name": f"Chercheuse {i}", "email": f"c{i}@inserm.example"}}
        for i in range(count)
    ]


def _speaker(type_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complimentary",
        "reason": "Keynote speaker",
        "buyer": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "tickets": _people(type_id, 1),
        "locale": "en",
    }
    return body | overrides


async def _post(
    client: httpx.AsyncClient, event: Event, headers: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"/api/v1/events/{event.slug}/manual-orders", json=body, headers=headers)


async def test_complimentary_order_is_paid_at_once_with_no_invoice_and_its_reason_audited(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client)
    answer = await _post(client, event, auth, _speaker(pass_.id))
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["status"], order["payment_method"], order["total"]) == ("paid", "none", "0.00")
    assert (order["documents"], order["invoice_url"], order["amount_due"]) == ([], None, "0.00")
    assert [t["status"] for t in order["tickets"]] == ["valid"]
    stored = await Order.get(code=order["code"])
    assert stored.complimentary_reason == "Keynote speaker"
    assert await Invoice.filter(order_id=stored.id).count() == 0
    mail = await OutboxMessage.get(dedupe_key=f"order-confirmation:{order['code']}")
    assert mail.to_address == "ada@example.org"
    assert {"kind": "order_tickets", "order_id": stored.id} in mail.attachments
    entry = await AuditEntry.get(action="order.created_by_organiser", object_id=order["code"])
    assert entry.after["reason"] == "Keynote speaker"
    assert entry.after["kind"] == "complimentary"


async def test_complimentary_order_needs_a_reason(client: httpx.AsyncClient, app: object) -> None:
    event, pass_, auth = await _setup(client)
    answer = await _post(client, event, auth, _speaker(pass_.id, reason=""))
    assert answer.status_code == 422
    assert "reason" in answer.json()["error"]["details"]
    assert await Order.all().count() == 0


async def test_complimentary_place_on_a_full_type_is_sold_out_unless_the_organiser_ticks_over_capacity(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client, capacity=1)
    assert (await _post(client, event, auth, _speaker(pass_.id))).status_code == 201
    refused = await _post(client, event, auth, _speaker(pass_.id))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "sold_out"
    allowed = await _post(client, event, auth, _speaker(pass_.id, over_capacity=True))
    assert allowed.status_code == 201, allowed.text
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 2


async def test_only_a_complimentary_place_may_go_past_the_capacity(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client, capacity=1)
    body = {"kind": "invoice", "buyer": LAB, "tickets": _people(pass_.id, 2), "over_capacity": True}
    answer = await _post(client, event, auth, body)
    assert answer.status_code == 422
    assert "over_capacity" in answer.json()["error"]["details"]


async def test_concurrent_organiser_orders_never_oversell(client: httpx.AsyncClient, app: object) -> None:
    event, pass_, auth = await _setup(client, capacity=3)
    answers = await asyncio.gather(*(_post(client, event, auth, _speaker(pass_.id)) for _ in range(8)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 3 + [409] * 5
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 3


async def test_group_of_five_on_one_invoice_with_purchase_order_and_siret(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client)
    body = {
        "kind": "invoice",
        "buyer": LAB,
        "tickets": _people(pass_.id, 5),
        "purchase_order": "EJ-2027-0042",
        "buyer_reference": "SERV-CHORUS-07",
        "payment_days": 30,
    }
    answer = await _post(client, event, auth, body)
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["status"], order["payment_method"]) == ("pending", "invoice")
    assert (order["total"], order["amount_due"]) == ("1500.00", "1500.00")
    assert len(order["tickets"]) == 5
    assert {t["status"] for t in order["tickets"]} == {"valid"}
    invoice = await Invoice.get(number=order["documents"][0]["number"])
    root = await check_document(invoice)
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    assert text(root, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "EJ-2027-0042"
    assert text(root, f"{agreement}/ram:BuyerReference") == "SERV-CHORUS-07"
    confirmation = await OutboxMessage.get(dedupe_key=f"order-confirmation:{order['code']}")
    assert {"kind": "invoice", "invoice_id": invoice.id} in confirmation.attachments


async def test_an_invoice_group_without_siret_is_refused_beside_the_field(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client)
    body = {"kind": "invoice", "buyer": {**LAB, "siret": ""}, "tickets": _people(pass_.id, 2)}
    answer = await _post(client, event, auth, body)
    assert answer.status_code == 422
    assert "buyer.siret" in answer.json()["error"]["details"]
    assert await Order.all().count() == 0


async def test_group_already_paid_by_cheque_is_paid_with_its_payment_recorded(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_, auth = await _setup(client)
    body = {
        "kind": "paid",
        "buyer": LAB,
        "tickets": _people(pass_.id, 2),
        "paid_at": clock.now().date().isoformat(),
        "payment_reference": "Chèque n° 0012345",
    }
    answer = await _post(client, event, auth, body)
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["status"], order["amount_paid"], order["amount_due"]) == ("paid", "600.00", "0.00")
    assert [d["type"] for d in order["documents"]] == ["invoice"]
    transfer = await BankTransfer.get(order__code=order["code"])
    assert (transfer.amount_cents, transfer.reference) == (60000, "Chèque n° 0012345")
    assert await OutboxMessage.filter(kind="payment_received").count() == 1


async def test_a_paid_group_needs_the_day_it_was_paid(client: httpx.AsyncClient, app: object) -> None:
    event, pass_, auth = await _setup(client)
    body = {"kind": "paid", "buyer": LAB, "tickets": _people(pass_.id, 1)}
    answer = await _post(client, event, auth, body)
    assert answer.status_code == 422
    assert "paid_at" in answer.json()["error"]["details"]


async def test_another_organisations_event_is_404(client: httpx.AsyncClient, app: object) -> None:
    event, pass_, _auth = await _setup(client)
    intruder = await make_organiser()
    auth = bearer(await api_token(client, intruder.email))
    answer = await _post(client, event, auth, _speaker(pass_.id))
    assert answer.status_code == 404
    assert await Order.all().count() == 0

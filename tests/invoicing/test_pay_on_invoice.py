"""Paying on invoice: a pending order with a due date, valid tickets and its invoice at once; places held
until paid or cancelled; transfers (partial allowed) make it paid with one confirmation; reminders once
each at the stated times; cancelling an unpaid order frees its places and issues a credit note."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest

from events import clock
from events.catalogue.models import Event, TicketType
from events.errors import DomainError, SoldOut
from events.invoicing import transfers
from events.invoicing.models import BankTransfer, Invoice
from events.mail.models import OutboxMessage
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from events.ticketing.orders import place_order
from tests.conftest import BACKEND
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type, order_body
from tests.invoicing.facturx_check import check_document, text

PUBLIC_LAB = {
    "name": "Service financier",
    "email": "factures@inserm.example",
    "organisation": "Unité de recherche 1234",
    "address": "101 rue de Tolbiac, 75013 Paris",
    "country": "FR",
    "siret": "18003830900019",
}
PAYMENT = {"method": "invoice", "purchase_order": "EJ-2027-4567", "buyer_reference": "SERV-CHORUS-01"}


async def _event(days: int | None = 30, capacity: int = 20) -> tuple[Event, TicketType]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=capacity)
    await Event.filter(id=event.id).update(invoice_payment_days=days)
    ticket_type = await make_ticket_type(event, name="Pass", price="300.00", vat_rate="20.00")
    return await Event.get(id=event.id), ticket_type


def _body(*type_ids: int, **overrides: Any) -> dict[str, Any]:
    return order_body(*type_ids, **{"buyer": PUBLIC_LAB, "payment": PAYMENT, **overrides})


async def _post(client: httpx.AsyncClient, event: Event, body: dict[str, Any]) -> httpx.Response:
    return await client.post(f"/api/v1/events/{event.slug}/orders", json=body)


async def test_invoice_payment_off_is_refused(client: httpx.AsyncClient, app: object) -> None:
    event, pass_ = await _event(days=None)
    answer = await _post(client, event, _body(pass_.id))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "invoice_payment_off"
    assert await Order.all().count() == 0


async def test_order_on_invoice_is_pending_with_valid_tickets_and_its_invoice_at_once(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_ = await _event(days=30)
    answer = await _post(client, event, _body(pass_.id, pass_.id))
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert (order["payment_method"], order["status"], order["expires_at"]) == ("invoice", "pending", None)
    assert order["due_date"] == (transfers.today(event) + timedelta(days=30)).isoformat()
    assert (order["amount_paid"], order["amount_due"]) == ("0.00", "600.00")
    assert order["payment_url"] is None
    assert order["invoice_url"] is not None
    assert [d["type"] for d in order["documents"]] == ["invoice"]
    assert {t["status"] for t in order["tickets"]} == {"valid"}
    invoice = await Invoice.get(number=order["documents"][0]["number"])
    root = await check_document(invoice)
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    assert text(root, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "EJ-2027-4567"
    assert text(root, f"{agreement}/ram:BuyerReference") == "SERV-CHORUS-01"
    assert (
        text(root, f"{agreement}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID")
        == PUBLIC_LAB["siret"]
    )
    means = f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert text(root, f"{means}/ram:TypeCode") == "58"
    iban = f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
    assert text(root, iban) == "FR7630006000011234567890189"
    due = text(root, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
    assert due == order["due_date"].replace("-", "")
    summary = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert text(root, f"{summary}/ram:DuePayableAmount") == "600.00"
    confirmation = await OutboxMessage.get(kind="order_confirmation")
    assert {"kind": "invoice", "invoice_id": invoice.id} in confirmation.attachments


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("buyer.siret", {"siret": "18003830900018"}),
        ("buyer.vat_id", {"vat_id": "FR00123456789"}),
        ("buyer.siret", {"siret": ""}),
    ],
)
async def test_a_bad_siret_or_vat_number_is_refused_beside_its_field(
    client: httpx.AsyncClient, app: object, field: str, change: dict[str, str]
) -> None:
    event, pass_ = await _event()
    answer = await _post(client, event, _body(pass_.id, buyer={**PUBLIC_LAB, **change}))
    assert answer.status_code == 422
    assert field in answer.json()["error"]["details"]
    assert await Order.all().count() == 0


async def test_orders_on_invoice_hold_their_places(client: httpx.AsyncClient, app: object) -> None:
    event, pass_ = await _event(capacity=2)
    assert (await _post(client, event, _body(pass_.id, pass_.id))).status_code == 201
    clock_later = clock.now() + timedelta(days=20)  # long after any card hold would have lapsed
    with clock.frozen(clock_later):
        card = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id))
    assert card.status_code == 409
    assert card.json()["error"]["code"] == "sold_out"


async def _transfer(
    client: httpx.AsyncClient, headers: dict[str, str], event: Event, code: str, amount: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/events/{event.slug}/orders/{code}/payments",
        json={"amount": amount, "paid_at": clock.now().date().isoformat(), "reference": "VIR SEPA 123"},
        headers=headers,
    )


async def test_partial_then_full_transfer_makes_the_order_paid_with_one_confirmation(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_ = await _event()
    code = (await _post(client, event, _body(pass_.id))).json()["code"]
    owner = await make_organiser_of(event)
    headers = bearer(await api_token(client, owner))
    partial = await _transfer(client, headers, event, code, "100.00")
    assert partial.status_code == 200, partial.text
    assert (partial.json()["status"], partial.json()["amount_paid"], partial.json()["amount_due"]) == (
        "pending", "100.00", "200.00",
    )  # fmt: skip
    too_much = await _transfer(client, headers, event, code, "200.01")
    assert too_much.status_code == 422
    assert "amount" in too_much.json()["error"]["details"]
    full = await _transfer(client, headers, event, code, "200.00")
    assert (full.json()["status"], full.json()["amount_due"]) == ("paid", "0.00")
    assert await OutboxMessage.filter(kind="payment_received").count() == 1
    assert await BankTransfer.all().count() == 2
    again = await _transfer(client, headers, event, code, "1.00")
    assert again.status_code == 409


async def make_organiser_of(event: Event) -> str:
    from events.accounts.models import User

    owner = await User.filter(organisation_id=event.organisation_id).first()
    assert owner is not None
    return owner.email


async def test_another_organisation_cannot_record_a_transfer(client: httpx.AsyncClient, app: object) -> None:
    event, pass_ = await _event()
    code = (await _post(client, event, _body(pass_.id))).json()["code"]
    stranger = await make_organiser()
    answer = await _transfer(client, bearer(await api_token(client, stranger.email)), event, code, "10.00")
    assert answer.status_code == 404


async def test_reminders_are_sent_once_before_and_once_after_the_due_date(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_ = await _event(days=30)
    await _post(client, event, _body(pass_.id))
    start = clock.now()
    assert await transfers.send_reminders() == 0
    with clock.frozen(start + timedelta(days=26)):  # five days before the due date
        assert await transfers.send_reminders() == 1
        assert await transfers.send_reminders() == 0
    with clock.frozen(start + timedelta(days=30)):
        assert await transfers.send_reminders() == 0
    with clock.frozen(start + timedelta(days=31, hours=1)):
        assert await transfers.send_reminders() == 1
        assert await transfers.send_reminders() == 0
    assert await OutboxMessage.filter(kind="payment_reminder").count() == 2


async def test_cancelling_an_unpaid_order_frees_the_places_and_issues_a_credit_note(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_ = await _event(capacity=1)
    order = (await _post(client, event, _body(pass_.id))).json()
    headers = bearer(await api_token(client, await make_organiser_of(event)))
    cancelled = await client.post(
        f"/api/v1/events/{event.slug}/orders/{order['code']}/cancel", json={"refund": False}, headers=headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert [d["type"] for d in cancelled.json()["documents"]] == ["invoice", "credit_note"]
    assert cancelled.json()["amount_due"] == "0.00"
    note = await Invoice.get(kind="credit_note")
    assert note.total_incl_cents == -30000
    assert (await _post(client, event, _body(pass_.id))).status_code == 201  # the place is free again


BUYERS, PLACES = (200, 60) if BACKEND == "postgres" else (200, 40)


async def test_many_buyers_mixing_card_and_invoice_never_oversell(app: object) -> None:
    event, pass_ = await _event(capacity=PLACES)
    bodies = [_body(pass_.id) if n % 2 else order_body(pass_.id) for n in range(BUYERS)]

    async def buy(body: dict[str, Any]) -> str:
        try:
            await place_order(event.slug, body)
        except DomainError as error:
            return error.code
        return "ok"

    outcomes = Counter(await asyncio.gather(*(buy(b) for b in bodies)))
    assert outcomes == {"ok": PLACES, SoldOut.code: BUYERS - PLACES}
    assert await Ticket.filter(ticket_type_id=pass_.id, status=TicketStatus.VALID).count() == PLACES
    numbers = sorted(i.sequence for i in await Invoice.all())
    on_invoice = await Order.filter(payment_method="invoice", status=OrderStatus.PENDING).count()
    assert numbers == list(range(1, on_invoice + 1))  # gapless, one per order on invoice


async def test_the_registration_form_offers_payment_on_invoice_and_shows_errors_beside_the_fields(
    client: httpx.AsyncClient, app: object
) -> None:
    event, pass_ = await _event()
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "1"})
    assert 'id="payment-choice"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {
        "csrf_token": token.group(1), "count": "1", "ticket-0-type": str(pass_.id),
        "ticket-0-name": "Léa Petit",
        "buyer-name": "Service financier", "buyer-email": "factures@inserm.example",
        "buyer-organisation": "Unité 1234", "buyer-address": "101 rue de Tolbiac", "buyer-country": "FR",
        "buyer-siret": "18003830900018", "payment-method": "invoice", "payment-purchase_order": "EJ-1",
        "privacy": "on",
    }  # fmt: skip
    refused = await client.post(f"/events/{event.slug}/register", data=form)
    assert refused.status_code == 422
    assert 'id="f-buyer-siret"' in refused.text and 'aria-describedby="e-buyer-siret"' in refused.text
    accepted = await client.post(
        f"/events/{event.slug}/register", data={**form, "buyer-siret": PUBLIC_LAB["siret"]}
    )
    assert accepted.status_code == 303
    order = await Order.get(buyer_email="factures@inserm.example")
    assert (order.payment_method, order.purchase_order) == ("invoice", "EJ-1")
    shown = await client.get(accepted.headers["location"])
    assert 'id="pay-on-invoice"' in shown.text

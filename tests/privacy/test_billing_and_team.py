"""A person's export and erasure cover their billing (SIRET, purchase order, buyer reference, transfers,
the member matched) and their place in the organisation's team (account, invitations); erasing leaves
every issued invoice and credit note as it was, and refuses to erase the organisation's last owner."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import httpx
from pypdf import PdfReader

from events import clock
from events.accounts import members, team
from events.accounts.models import ApiToken, Invitation, Role, User
from events.audit.models import AuditEntry
from events.catalogue.models import Event
from events.invoicing import documents, transfers
from events.invoicing.models import BankTransfer, Invoice
from events.ticketing import lifecycle
from events.ticketing.models import Order
from events.ticketing.orders import place_order
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type, order_body
from tests.invoicing.facturx_check import extract

PERSON = "camille.durand@inserm.example"
LAB = {
    "name": "Camille Durand",
    "email": PERSON,
    "organisation": "Unité de recherche 1234",
    "address": "101 rue de Tolbiac, 75013 Paris",
    "country": "FR",
    "siret": "18003830900019",
}


@dataclass
class Billing:
    owner: User
    auth: dict[str, str]
    paid: Order
    cancelled: Order


async def _billing(client: httpx.AsyncClient) -> Billing:
    owner = await make_organiser()
    await members.replace_directory(owner, {"members": [{"name": "INSERM", "siren": "180038309"}]})
    event = await make_event(owner, published=True)
    await Event.filter(id=event.id).update(invoice_payment_days=30)
    pass_ = await make_ticket_type(event, price="300.00", vat_rate="20.00", member_price="200.00")
    payment = {"method": "invoice", "purchase_order": "EJ-2027-4567", "buyer_reference": "SERV-CHORUS-01"}
    paid = await place_order(event.slug, order_body(pass_.id, buyer=LAB, payment=payment))
    await transfers.record_transfer(
        owner, paid, {"amount": "200.00", "paid_at": clock.now().date(), "reference": "VIR CAMILLE DURAND"}
    )
    cancelled = await place_order(event.slug, order_body(pass_.id, buyer=LAB, payment=payment))
    await lifecycle.cancel_by_organiser(owner, cancelled)  # issues a credit note
    return Billing(owner, bearer(await api_token(client, owner.email)), paid, cancelled)


async def _export(client: httpx.AsyncClient, auth: dict[str, str], email: str) -> dict[str, Any]:
    answer = await client.post("/api/v1/privacy/people", json={"email": email}, headers=auth)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _erase(client: httpx.AsyncClient, auth: dict[str, str], email: str) -> httpx.Response:
    return await client.post("/api/v1/privacy/erase", json={"email": email}, headers=auth)


async def test_export_lists_siret_purchase_order_buyer_reference_transfers_and_member(
    client: httpx.AsyncClient, app: object
) -> None:
    world = await _billing(client)
    found = await _export(client, world.auth, PERSON)
    billing = {row["order"]: row for row in found["billing"]}
    row = billing[world.paid.code]
    assert (row["buyer_siret"], row["purchase_order"], row["buyer_reference"], row["member"]) == (
        "18003830900019",
        "EJ-2027-4567",
        "SERV-CHORUS-01",
        "INSERM",
    )
    assert [(t["order"], t["amount_cents"], t["reference"]) for t in found["bank_transfers"]] == [
        (world.paid.code, 20000, "VIR CAMILLE DURAND")
    ]
    kinds = sorted((d["order"] == world.cancelled.code, d["type"]) for d in found["invoices"])
    assert kinds == [(False, "invoice"), (True, "credit_note"), (True, "invoice")]


def _stored(invoice: Invoice) -> dict[str, Any]:
    return {name: getattr(invoice, name) for name in invoice._meta.db_fields}


def _page_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_erasure_blanks_billing_personal_parts_and_leaves_invoices_unchanged(
    client: httpx.AsyncClient, app: object
) -> None:
    world = await _billing(client)
    issued = await Invoice.all().order_by("id")
    assert len(issued) == 3
    before = [_stored(invoice) for invoice in issued]
    rendered = [await documents.render(invoice) for invoice in issued]
    answer = await _erase(client, world.auth, PERSON)
    assert answer.status_code == 200, answer.text
    assert answer.json()["erased"]["bank_transfers"] == 1
    after = await Invoice.all().order_by("id")
    assert [_stored(invoice) for invoice in after] == before
    again = [await documents.render(invoice) for invoice in after]
    assert [extract(pdf) for pdf in again] == [extract(pdf) for pdf in rendered]
    assert [_page_text(pdf) for pdf in again] == [_page_text(pdf) for pdf in rendered]
    assert "Camille Durand" in _page_text(again[0])  # the invoice keeps its buyer, as the law asks
    order = await Order.get(id=world.paid.id)
    assert (order.buyer_siret, order.purchase_order, order.buyer_reference, order.buyer_email) == (
        "",
        "",
        "",
        "",
    )
    assert (order.total_cents, order.amount_paid_cents, order.buyer_organisation) == (
        20000,
        20000,
        "Unité de recherche 1234",
    )
    assert [t.reference for t in await BankTransfer.all()] == [""]
    assert (await _export(client, world.auth, PERSON))["billing"] == []


async def _team() -> tuple[User, User, str]:
    owner = await make_organiser()
    await team.invite(owner, {"email": "lea.manager@pole.example", "role": "door"})  # then she joined
    manager = await make_organiser(organisation=None, email="lea.manager@pole.example", role=Role.MANAGER)
    await User.filter(id=manager.id).update(organisation_id=owner.organisation_id)
    return owner, await User.get(id=manager.id), "lea.manager@pole.example"


async def test_export_lists_the_persons_team_account_and_invitations(
    client: httpx.AsyncClient, app: object
) -> None:
    owner, manager, email = await _team()
    found = await _export(client, bearer(await api_token(client, owner.email)), email)
    assert [(m["id"], m["role"], m["active"]) for m in found["team"]] == [(manager.id, "manager", True)]
    assert [(i["email"], i["role"]) for i in found["invitations"]] == [(email, "door")]


async def test_erasing_a_team_member_deactivates_and_anonymises_the_account(
    client: httpx.AsyncClient, app: object
) -> None:
    owner, manager, email = await _team()
    their_token = await api_token(client, email)
    auth = bearer(await api_token(client, owner.email))
    answer = await _erase(client, auth, email)
    assert answer.status_code == 200, answer.text
    assert answer.json()["erased"]["team"] == 1
    erased = await User.get(id=manager.id)
    assert not erased.is_active
    assert email not in erased.email
    assert erased.name != manager.name
    assert await ApiToken.filter(user_id=manager.id, revoked_at__isnull=True).count() == 0
    assert (await client.get("/api/v1/events", headers=bearer(their_token))).status_code == 401
    assert (
        await client.post("/api/v1/auth/token", json={"email": email, "password": "x"})
    ).status_code == 401
    assert await Invitation.filter(email=email).count() == 0
    trail = await AuditEntry.filter(object_type__in=["member", "invitation"])
    assert email not in repr([(e.before, e.after) for e in trail])
    found = await _export(client, auth, email)
    assert (found["team"], found["invitations"]) == ([], [])


async def test_erasing_the_last_owner_is_refused_and_erases_nothing(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event)
    order = await place_order(event.slug, order_body(pass_.id, buyer={"name": "Me", "email": owner.email}))
    auth = bearer(await api_token(client, owner.email))
    answer = await _erase(client, auth, owner.email)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "conflict"
    assert (await User.get(id=owner.id)).is_active
    assert (await Order.get(id=order.id)).buyer_email == owner.email


async def test_a_second_owner_may_be_erased(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser()
    second = await make_organiser(email="second.owner@pole.example")
    await User.filter(id=second.id).update(organisation_id=owner.organisation_id)
    answer = await _erase(client, bearer(await api_token(client, owner.email)), "second.owner@pole.example")
    assert answer.status_code == 200, answer.text
    assert not (await User.get(id=second.id)).is_active


async def test_another_organisations_member_is_not_touched(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser()
    elsewhere = await make_organiser(email="someone@other.example", role=Role.MANAGER)
    answer = await _erase(client, bearer(await api_token(client, owner.email)), "someone@other.example")
    assert answer.status_code == 200
    assert answer.json()["erased"]["team"] == 0
    kept = await User.get(id=elsewhere.id)
    assert (kept.email, kept.is_active) == ("someone@other.example", True)

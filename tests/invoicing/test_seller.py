"""No invoice without a seller: the settings API checks each identifier (python-stdnum), and no paid
sale opens while the legal details an invoice prints are incomplete."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import Organisation, Role
from events.catalogue.models import EventStatus
from tests.factories import (
    SELLER,
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_organiser,
    make_ticket_type,
    order_body,
)

SETTINGS = "/api/v1/organisation/settings"


async def test_owner_reads_and_patches_the_settings(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser(legal=False)
    headers = bearer(await api_token(client, owner.email))
    before = (await client.get(SETTINGS, headers=headers)).json()
    assert before["vat_regime"] == "normal"
    assert "siren" in before["missing"]
    patch = {**{k: v for k, v in SELLER.items() if k != "legal_address"}, "address": "12 rue des Sciences"}
    patch["iban"] = "fr76 3000 6000 0112 3456 7890 189"
    answer = await client.patch(SETTINGS, json=patch, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["iban"] == "FR7630006000011234567890189"
    assert answer.json()["missing"] == []
    small = await client.patch(SETTINGS, json={"vat_on_debits": True}, headers=headers)
    assert small.json()["vat_on_debits"] is True
    assert small.json()["siret"] == SELLER["siret"]  # a partial change keeps the rest


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "732829321"),
        ("siret", "73282932000075"),
        ("vat_number", "FR45732829320"),
        ("vat_number", "DE123"),
        ("iban", "FR7630006000011234567890180"),
        ("bic", "BNP"),
        ("vat_regime", "exempt"),
    ],
)
async def test_a_wrong_identifier_is_refused_beside_its_field(
    client: httpx.AsyncClient, app: object, field: str, value: str
) -> None:
    owner = await make_organiser(legal=False)
    headers = bearer(await api_token(client, owner.email))
    answer = await client.patch(SETTINGS, json={field: value}, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"
    assert field in answer.json()["error"]["details"]
    assert getattr(await Organisation.get(id=owner.organisation_id), field) in ("", "normal")


async def test_franchise_has_no_vat_number(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser()
    headers = bearer(await api_token(client, owner.email))
    refused = await client.patch(SETTINGS, json={"vat_regime": "franchise"}, headers=headers)
    assert refused.status_code == 422
    answer = await client.patch(SETTINGS, json={"vat_regime": "franchise", "vat_number": ""}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["missing"] == []  # no VAT number is needed under the franchise


async def test_a_manager_cannot_read_the_settings(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser()
    manager = await make_organiser(owner.organisation.name, role=Role.MANAGER)
    headers = bearer(await api_token(client, manager.email))
    assert (await client.get(SETTINGS, headers=headers)).status_code == 403
    assert (await client.patch(SETTINGS, json={"city": "Lyon"}, headers=headers)).status_code == 403


async def test_no_paid_sale_through_the_api_while_the_seller_is_incomplete(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    paid = await make_ticket_type(event, price="120.00", vat_rate="10.00")
    free = await make_ticket_type(event, price="0.00")
    await Organisation.filter(id=owner.organisation_id).update(siret="")
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(paid.id))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "seller_incomplete"
    assert answer.json()["error"]["details"]["missing"] == ["siret"]
    still_free = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(free.id))
    assert still_free.status_code == 201


async def test_an_event_with_paid_tickets_is_not_published_until_the_seller_is_complete(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser(legal=False)
    event = await make_event(owner)
    await make_ticket_type(event, price="50.00")
    headers = bearer(await api_token(client, owner.email))
    answer = await client.post(f"/api/v1/events/{event.slug}/publish", headers=headers)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "seller_incomplete"
    assert "legal_name" in answer.json()["error"]["details"]["missing"]
    await login(client, owner.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}")
    page = await client.post(f"/dashboard/events/{event.slug}/publish", data={"csrf_token": token})
    assert page.status_code == 409
    assert (await event.__class__.get(id=event.id)).status == EventStatus.DRAFT


async def test_the_settings_page_says_what_is_missing(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser(legal=False)
    await login(client, owner.email)
    page = await client.get("/dashboard/settings")
    assert 'id="seller-missing"' in page.text
    await Organisation.filter(id=owner.organisation_id).update(**SELLER)
    assert 'id="seller-missing"' not in (await client.get("/dashboard/settings")).text

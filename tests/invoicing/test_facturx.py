"""Factur-X: each invoice and credit note is a PDF/A-3 carrying CII XML (EN 16931) that agrees with it."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import httpx

from events import clock
from events.accounts.models import Organisation
from events.invoicing import transmit
from events.invoicing.models import Invoice
from events.invoicing.services import INVOICE_ZONE
from events.payments.fake_stripe import FakeStripe
from events.ticketing.models import Order
from tests.factories import (
    SELLER,
    SELLER_SIREN,
    SELLER_SIRET,
    api_token,
    bearer,
    login,
    make_order,
    make_organiser,
    make_ticket_type,
)
from tests.invoicing.facturx_check import NS, SETTLEMENT, SUMMARY, broken_rules, check_document, extract, text
from tests.payments.conftest import Shop, deliver, open_session

AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
BUYER_SIRET = "40483304800022"


async def _paid(client: httpx.AsyncClient, fake: FakeStripe, shop: Shop, *type_ids: int) -> Order:
    order = await make_order(shop.event, *type_ids)
    await Order.filter(id=order.id).update(
        buyer_siret=BUYER_SIRET, purchase_order="EJ-2027-000123", buyer_reference="SERVICE-42",
        buyer_organisation="Laboratoire public",
    )  # fmt: skip
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    return order


def _id(root: ET.Element, path: str) -> tuple[str | None, str | None]:
    found = root.find(path, NS)
    assert found is not None, path
    return found.text, found.get("schemeID")


async def test_card_invoice_xml_names_both_parties_and_their_references(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    dinner = await make_ticket_type(shop.event, name="Dîner", price="85.50", vat_rate="20.00")
    order = await _paid(client, fake_stripe, shop, shop.pass_type.id, shop.pass_type.id, dinner.id)
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    root = await check_document(invoice)
    seller = f"{AGREEMENT}/ram:SellerTradeParty"
    buyer = f"{AGREEMENT}/ram:BuyerTradeParty"
    assert _id(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == (SELLER_SIREN, "0002")
    assert _id(root, f"{seller}/ram:GlobalID") == (SELLER_SIRET, "0009")
    assert _id(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID") == (SELLER["vat_number"], "VA")
    assert _id(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID") == (BUYER_SIRET, "0009")
    assert (
        text(root, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "EJ-2027-000123"
    )
    assert text(root, f"{AGREEMENT}/ram:BuyerReference") == "SERVICE-42"
    rates = [
        (
            text(tax, "ram:RateApplicablePercent"),
            text(tax, "ram:BasisAmount"),
            text(tax, "ram:CalculatedAmount"),
        )
        for tax in root.findall(f"{SETTLEMENT}/ram:ApplicableTradeTax", NS)
    ]
    assert rates == [("10.00", "218.18", "21.82"), ("20.00", "71.25", "14.25")]
    assert text(root, f"{SUMMARY}/ram:DuePayableAmount") == "0.00"


async def test_credit_note_is_type_381_and_names_the_invoice(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    token = await api_token(client, shop.owner.email)
    await client.post(
        f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund",
        json={"amount": "20.00"},
        headers=bearer(token),
    )
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    note = await Invoice.get(order_id=order.id, kind="credit_note")
    root = await check_document(note)
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == invoice.number
    assert text(root, f"{SUMMARY}/ram:GrandTotalAmount") == "20.00"
    notes = [text(n, "ram:SubjectCode") for n in root.findall("rsm:ExchangedDocument/ram:IncludedNote", NS)]
    assert "PMT" not in notes  # no late-payment clause on a credit note


async def test_franchise_invoice_is_exempt_with_the_legal_mention(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    await Organisation.filter(id=shop.owner.organisation_id).update(vat_regime="franchise", vat_number="")
    order = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    assert invoice.total_vat_cents == 0
    root = await check_document(invoice)
    tax = root.find(f"{SETTLEMENT}/ram:ApplicableTradeTax", NS)
    assert tax is not None
    assert text(tax, "ram:CategoryCode") == "E"
    assert text(tax, "ram:ExemptionReason") == "TVA non applicable, art. 293 B du CGI"


async def test_the_business_rules_catch_totals_that_do_not_add_up(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    from events.invoicing.documents import render

    xml = extract(await render(invoice))
    assert broken_rules(xml) == []
    wrong = xml.replace(b"<ram:GrandTotalAmount>120.00<", b"<ram:GrandTotalAmount>121.00<")
    assert wrong != xml
    assert any(rule.startswith("BR-CO-15") for rule in broken_rules(wrong))


async def test_a_days_documents_are_handed_over_once_as_files(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, tmp_path: Path
) -> None:
    first = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    second = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    organisation = await Organisation.get(id=shop.owner.organisation_id)
    day = clock.now().astimezone(INVOICE_ZONE).date()
    sender = transmit.FileTransmitter(tmp_path)
    sent = await transmit.export_day(organisation, day, sender)
    numbers = [(await Invoice.get(order_id=o.id)).number for o in (first, second)]
    assert [i.number for i in sent] == numbers
    folder = tmp_path / organisation.slug / day.isoformat()
    for number in numbers:
        extract((folder / f"{number}.pdf").read_bytes())
    rows = csv.DictReader(io.StringIO((folder / "manifest.csv").read_text(encoding="utf-8")))
    assert [row["number"] for row in rows] == numbers
    assert await transmit.export_day(organisation, day, sender) == []  # nothing is sent twice


async def test_the_organiser_downloads_each_document_and_the_days_export(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, fake_stripe, shop, shop.pass_type.id)
    invoice = await Invoice.get(order_id=order.id)
    await login(client, shop.owner.email)
    page = await client.get("/dashboard/invoices")
    assert invoice.number in page.text
    download = await client.get(f"/dashboard/invoices/{invoice.number}.pdf")
    assert text(ET.fromstring(extract(download.content)), "rsm:ExchangedDocument/ram:ID") == invoice.number  # noqa: S314
    day = invoice.issued_at.astimezone(INVOICE_ZONE).date().isoformat()
    export = await client.get(f"/dashboard/invoices/export/{day}.zip")
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert sorted(archive.namelist()) == sorted([f"{invoice.number}.pdf", "manifest.csv"])
        extract(archive.read(f"{invoice.number}.pdf"))
    stranger = await make_organiser()
    await login(client, stranger.email)
    assert (await client.get(f"/dashboard/invoices/{invoice.number}.pdf")).status_code == 404
    assert (await client.get("/dashboard/invoices/x%27%3B.pdf")).status_code == 404

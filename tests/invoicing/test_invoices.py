"""French invoices: every mention the law asks for (reliability.md G6), numbers without gaps per
organisation and year, issued documents that never change, credit notes for refunds, VAT to the cent (G7)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import httpx
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from events import clock
from events.accounts.models import Organisation, User
from events.catalogue.models import TicketType
from events.i18n import format_money, format_rate, gettext, use_locale
from events.invoicing import services as invoicing
from events.invoicing.documents import render
from events.invoicing.models import Invoice
from events.mail.attachments import resolve
from events.mail.models import OutboxMessage
from events.payments.fake_stripe import FakeStripe
from tests.factories import make_event, make_order, make_organiser, make_ticket_type
from tests.payments.conftest import Shop, deliver, open_session


def luhn_complete(digits: str) -> str:
    """`digits` plus the check digit that makes it Luhn-valid (how SIREN and SIRET are built)."""
    return digits + luhn.calc_check_digit(digits)


def french_vat_number(siren: str) -> str:
    """The VAT number the tax office derives from a SIREN: key (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


SIREN = luhn_complete("73282932")
SIRET = luhn_complete(SIREN + "0001")
LEGAL = {
    "legal_name": "Pôle Santé Innovation Occitanie",
    "legal_address": "12 rue des Sciences, 31400 Toulouse",
    "siren": SIREN,
    "siret": SIRET,
    "vat_number": french_vat_number(SIREN),
    "legal_mentions": "Association loi 1901, RNA W313012345",
}


def french(message: str, **params: object) -> str:
    with use_locale("fr"):
        return gettext(message, **params)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


async def _set_legal(owner: User, **extra: str) -> None:
    await Organisation.filter(id=owner.organisation_id).update(**{**LEGAL, **extra})


async def _pay(
    client: httpx.AsyncClient, fake: FakeStripe, *type_ids: int, event: object, **body: object
) -> Invoice:
    order = await make_order(event, *type_ids, **body)  # type: ignore[arg-type]
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    return await Invoice.get(order_id=order.id, kind="invoice")


async def test_invoice_pdf_holds_every_mention_french_law_asks_for(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    await _set_legal(shop.owner)
    dinner = await make_ticket_type(shop.event, name="Dîner de gala", price="85.50", vat_rate="20.00")
    buyer = {
        "name": "Claire Martin",
        "email": "compta@biotech.example",
        "organisation": "BioTech Lyon SAS",
        "vat_id": "FR40303265045",
        "address": "3 quai Perrache, 69002 Lyon",
        "country": "FR",
    }
    invoice = await _pay(
        client, fake_stripe, shop.pass_type.id, shop.pass_type.id, dinner.id, event=shop.event, buyer=buyer
    )
    text = pdf_text(await render(invoice))
    order = await invoice.order
    with use_locale("fr"):
        money = {
            cents: plain(format_money(cents, "EUR"))
            for cents in (10909, 7125, 21818, 7125, 2182, 1425, 32550)
        }
        rates = [plain(format_rate(1000)), plain(format_rate(2000))]
    mentions = {
        "title and number": french("Invoice No. {number}", number=invoice.number),
        "issue date": french("Issue date"),
        "date of service": french("Date of service"),
        "payment date": french("Paid on"),
        "due date": french("Payment due date"),
        "seller name": LEGAL["legal_name"],
        "seller address": LEGAL["legal_address"],
        "SIREN": french("SIREN: {number}", number=SIREN),
        "SIRET": french("SIRET: {number}", number=SIRET),
        "seller VAT number": french("VAT number: {number}", number=LEGAL["vat_number"]),
        "legal form": LEGAL["legal_mentions"],
        "buyer name": "Claire Martin",
        "buyer organisation": "BioTech Lyon SAS",
        "buyer address": "3 quai Perrache, 69002 Lyon",
        "buyer VAT number": french("Customer VAT number: {number}", number="FR40303265045"),
        "description": "Pass conférence",
        "quantity": french("Qty"),
        "unit price excl. VAT": french("Unit price excl. VAT"),
        "discount": french("Discount excl. VAT"),
        "VAT rate": french("VAT rate"),
        "VAT per rate": french("VAT amount"),
        "total excl. VAT": french("Total excl. VAT"),
        "total VAT": french("Total VAT"),
        "total incl. VAT": french("Total incl. VAT"),
        "late payment penalties and the 40 € indemnity": "40 €",
        "order": order.code,
    }
    missing = [name for name, value in mentions.items() if plain(value) not in text]
    assert missing == []
    for figure in (*money.values(), *rates):
        assert figure in text
    assert invoice.total_excl_cents + invoice.total_vat_cents == invoice.total_incl_cents == 32550


async def test_seller_under_the_vat_franchise_states_it(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    await _set_legal(shop.owner, vat_number="", vat_regime="franchise")
    workshop = await make_ticket_type(shop.event, name="Atelier", price="30.00", vat_rate="0.00")
    invoice = await _pay(client, fake_stripe, workshop.id, event=shop.event)
    assert plain(french("VAT not applicable, art. 293 B of the CGI")) in pdf_text(await render(invoice))


async def test_credit_note_has_its_own_number_and_refers_to_the_invoice(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from tests.factories import api_token, bearer

    invoice = await _pay(client, fake_stripe, shop.pass_type.id, event=shop.event)
    order = await invoice.order
    token = await api_token(client, shop.owner.email)
    await client.post(
        f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund",
        json={"amount": "20.00"},
        headers=bearer(token),
    )
    note = await Invoice.get(order_id=order.id, kind="credit_note")
    assert note.sequence == invoice.sequence + 1
    text = pdf_text(await render(note))
    assert plain(french("Credit note No. {number}", number=note.number)) in text
    assert plain(french("Refers to invoice No. {number}", number=invoice.number)) in text
    page = await client.get(f"/orders/{order.code}/{order.secret}")
    assert note.number in page.text
    download = await client.get(f"/orders/{order.code}/{order.secret}/documents/{note.number}.pdf")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"


async def test_credit_note_carries_no_late_payment_clause_while_the_invoice_does(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from tests.factories import api_token, bearer

    invoice = await _pay(client, fake_stripe, shop.pass_type.id, event=shop.event)
    order = await invoice.order
    token = await api_token(client, shop.owner.email)
    await client.post(
        f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund",
        json={"amount": "20.00"},
        headers=bearer(token),
    )
    note = await Invoice.get(order_id=order.id, kind="credit_note")
    clause = plain(french(invoicing.DEFAULT_LATE_PAYMENT_TERMS))
    assert plain(clause[:60]) in plain(pdf_text(await render(invoice)))
    note_text = plain(pdf_text(await render(note)))
    assert plain(clause[:60]) not in note_text
    assert "40 €" not in note_text


async def test_numbers_run_without_gaps_per_organisation(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    second_event = await make_event(shop.owner, published=True)
    other_type = await make_ticket_type(second_event, price="50.00", vat_rate="10.00")
    stranger = await make_organiser()
    stranger_event = await make_event(stranger, published=True)
    stranger_type = await make_ticket_type(stranger_event, price="10.00")
    mine = []
    for event, type_id in [(shop.event, shop.pass_type.id), (second_event, other_type.id)] * 3:
        mine.append(await _pay(client, fake_stripe, type_id, event=event))
    theirs = await _pay(client, fake_stripe, stranger_type.id, event=stranger_event)
    year = clock.now().year
    assert [i.number for i in mine] == [f"F{year}-{n:05d}" for n in range(1, 7)]
    assert theirs.number == f"F{year}-00001"


async def test_a_new_year_starts_a_new_series(shop: Shop) -> None:
    with clock.frozen(datetime(2027, 12, 31, 22, 30, tzinfo=UTC)):  # 23:30 in Paris
        assert await invoicing.next_number(shop.owner.organisation_id, 2027) == 1
        assert await invoicing.next_number(shop.owner.organisation_id, 2027) == 2
    assert await invoicing.next_number(shop.owner.organisation_id, 2028) == 1


async def test_issued_invoice_never_changes(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    await _set_legal(shop.owner)
    invoice = await _pay(client, fake_stripe, shop.pass_type.id, event=shop.event)
    before = pdf_text(await render(invoice))
    await Organisation.filter(id=shop.owner.organisation_id).update(
        legal_name="Nouveau nom", invoice_prefix="X"
    )
    await TicketType.filter(id=shop.pass_type.id).update(name="Renamed", price_cents=1)
    order = await invoice.order
    assert await invoicing.issue_invoice(order) == invoice  # the same invoice, not a second one
    assert pdf_text(await render(await Invoice.get(id=invoice.id))) == before
    assert "Nouveau nom" not in before


async def test_confirmation_email_carries_the_invoice_pdf(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    invoice = await _pay(client, fake_stripe, shop.pass_type.id, event=shop.event)
    message = await OutboxMessage.get(kind="order_confirmation")
    assert {"kind": "invoice", "invoice_id": invoice.id} in message.attachments
    files = await resolve([{"kind": "invoice", "invoice_id": invoice.id}])
    assert files[0][0] == f"{invoice.number}.pdf"
    assert files[0][2].startswith(b"%PDF")


async def test_free_registration_has_no_invoice(client: httpx.AsyncClient, shop: Shop) -> None:
    free = await make_ticket_type(shop.event, name="Étudiant", price="0.00")
    order = await make_order(shop.event, free.id)
    assert order.status == "paid"
    assert await Invoice.filter(order_id=order.id).count() == 0
    assert (await client.get(f"/orders/{order.code}/{order.secret}/invoice.pdf")).status_code == 404


async def test_invoice_downloads_need_the_order_secret_or_the_organisation(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from tests.factories import login

    invoice = await _pay(client, fake_stripe, shop.pass_type.id, event=shop.event)
    order = await invoice.order
    assert (await client.get(f"/orders/{order.code}/{order.secret}/invoice.pdf")).status_code == 200
    assert (await client.get(f"/orders/{order.code}/not-the-secret/invoice.pdf")).status_code == 404
    organiser_path = f"/dashboard/events/{shop.event.slug}/orders/{order.code}/documents/{invoice.number}.pdf"
    stranger = await make_organiser()
    await login(client, stranger.email)
    assert (await client.get(organiser_path)).status_code == 404
    await login(client, shop.owner.email)
    assert (await client.get(organiser_path)).status_code == 200


# ---------------------------------------------------------------- figures (G7)

line_strategy = st.fixed_dictionaries(
    {
        "quantity": st.integers(1, 20),
        "unit_price_incl": st.integers(1, 200_000),
        "discount_share": st.integers(0, 100),
        "vat_rate_bp": st.sampled_from([0, 210, 550, 850, 1000, 2000]) | st.integers(0, 3000),
    }
)


def _basket(drawn: list[dict[str, int]]) -> list[dict[str, object]]:
    lines = []
    for n, line in enumerate(drawn):
        discount = line["unit_price_incl"] * line["discount_share"] // 100
        lines.append(
            {
                "description": f"line {n}",
                "quantity": line["quantity"],
                "unit_price_incl": line["unit_price_incl"],
                "discount_incl": discount * line["quantity"],
                "vat_rate_bp": line["vat_rate_bp"],
                "total_incl": (line["unit_price_incl"] - discount) * line["quantity"],
            }
        )
    return lines


@settings(max_examples=3000, deadline=None)
@given(st.lists(line_strategy, min_size=1, max_size=8))
def test_excl_plus_vat_is_incl_to_the_cent_for_every_basket(drawn: list[dict[str, int]]) -> None:
    lines = invoicing.priced_lines(_basket(drawn))
    rates = invoicing.rate_totals(lines)
    for rate in rates:
        assert rate.excl + rate.vat == rate.incl
        assert (
            abs(rate.vat * 10000 - rate.excl * rate.rate_bp) <= 10000 + rate.rate_bp
        )  # VAT = HT × rate, ±1 ct
        group = [line for line in lines if line["vat_rate_bp"] == rate.rate_bp]
        assert sum(int(line["total_excl"]) for line in group) == rate.excl
        assert sum(int(line["total_vat"]) for line in group) == rate.vat
    assert sum(r.excl + r.vat for r in rates) == sum(int(line["total_incl"]) for line in lines)
    assert all(int(line["total_excl"]) >= 0 and int(line["total_vat"]) >= 0 for line in lines)


@settings(max_examples=1000, deadline=None)
@given(
    st.dictionaries(st.sampled_from([0, 550, 1000, 2000]), st.integers(1, 500_000), min_size=1),
    st.lists(st.integers(1, 100), min_size=1, max_size=6),
)
def test_credit_notes_cancel_their_invoice_to_the_cent_rate_by_rate(
    invoiced: dict[int, int], parts: list[int]
) -> None:
    left = dict(invoiced)
    total = sum(invoiced.values())
    for part in parts:
        amount = min(max(1, total * part // 100), sum(left.values()))
        shares = invoicing.share_refund(left, amount)
        assert sum(shares.values()) == amount
        for rate, share in shares.items():
            left[rate] -= share
            assert left[rate] >= 0
    for rate, share in invoicing.share_refund(left, sum(left.values())).items():
        left[rate] -= share
    assert set(left.values()) == {0}


# ---------------------------------------------------------------- many payments at once (PostgreSQL)


@pytest.mark.postgres_only
async def test_200_orders_paid_at_once_get_200_contiguous_numbers(
    client: httpx.AsyncClient, fake_stripe: FakeStripe, app: object
) -> None:
    import asyncio

    from events.payments import services as payments

    owner = await make_organiser()
    events = [await make_event(owner, published=True, capacity=None) for _ in range(4)]
    types = [await make_ticket_type(e, price="45.00", vat_rate="10.00") for e in events]
    sessions = []
    for n in range(200):
        order = await make_order(events[n % 4], types[n % 4].id)
        sessions.append(await open_session(client, order))
        fake_stripe.complete(sessions[-1])
    await asyncio.gather(*[payments.fulfil(sid) for sid in sessions])
    invoices = await Invoice.filter(organisation_id=owner.organisation_id)
    sequences = sorted(i.sequence for i in invoices)
    assert sequences == list(range(1, 201))
    assert len({i.number for i in invoices}) == 200
    by_time = [i.sequence for i in sorted(invoices, key=lambda i: (i.issued_at, i.sequence))]
    assert by_time == sorted(by_time)  # chronological

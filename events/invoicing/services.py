"""Invoices and credit notes: the figures, the numbering, and what they say about seller and buyer.

Prices are what the buyer pays, VAT included (French B2C prices are shown TTC). For each VAT rate the
amount excluding VAT is `TTC / (1 + rate)` rounded to the cent and the VAT is the difference, so HT + TVA
= TTC to the cent by construction, per rate and in total; the lines' HT are then shared out so that they
add up to their rate's HT exactly (largest remainder), and nothing on an invoice disagrees by a cent.

Numbers run without a gap per organisation and calendar year (Paris time): `F2026-00001`, `F2026-00002`…
Invoices and credit notes share one series. The next number is taken from the `InvoiceCounter` row by
a conditional UPDATE inside the paying (or refunding) transaction: on PostgreSQL the row stays locked
until that transaction ends, on SQLite the write lock is held; a rollback gives the number back, so no
number is ever skipped or given twice (a bare SEQUENCE would leave gaps on rollback).

An issued document never changes; everything it prints (seller identity, buyer, lines) is a snapshot
taken at issue. A refund issues a credit note with its own number that refers to the invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from events import clock, texts
from events.accounts.models import Organisation
from events.catalogue.models import Event
from events.errors import N_
from events.i18n import gettext, use_locale
from events.invoicing.models import Invoice, InvoiceCounter, InvoiceKind, InvoiceLine, PaymentTerms
from events.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket

INVOICE_ZONE = ZoneInfo("Europe/Paris")
INVOICE_LOCALE = "fr"
"""Invoices are written in French (the legal language of an invoice issued in France)."""

DEFAULT_LATE_PAYMENT_TERMS = N_(
    "Late payment: penalties at three times the French legal interest rate, due without reminder, "
    "and a fixed indemnity of 40 € for recovery costs (Code de commerce, art. L441-10 and D441-5). "
    "No discount for early payment."
)
FRANCHISE_MENTION = N_("VAT not applicable, art. 293 B of the CGI")
FRANCHISE = "franchise"
OPERATION_CATEGORY = N_("Category of operation: provision of services")
VAT_ON_DEBITS_MENTION = N_("VAT paid on debits")


# ---------------------------------------------------------------- figures


def split_vat(total_incl: int, rate_bp: int) -> tuple[int, int]:
    """(excl, vat) of an amount VAT included, rate in hundredths of a percent; excl + vat == total."""
    sign = -1 if total_incl < 0 else 1
    amount = abs(total_incl)
    divisor = 10000 + rate_bp
    excl = (2 * amount * 10000 + divisor) // (2 * divisor)  # round half up, in integers
    return sign * excl, sign * (amount - excl)


@dataclass(frozen=True)
class RateTotal:
    rate_bp: int
    excl: int
    vat: int
    incl: int


def rate_totals(lines: list[InvoiceLine]) -> list[RateTotal]:
    """HT, TVA and TTC for each VAT rate, in rate order."""
    incl: dict[int, int] = defaultdict(int)
    for line in lines:
        incl[int(line["vat_rate_bp"])] += int(line["total_incl"])
    result = []
    for rate in sorted(incl):
        excl, vat = split_vat(incl[rate], rate)
        result.append(RateTotal(rate, excl, vat, incl[rate]))
    return result


def _share_excl(lines: list[InvoiceLine]) -> None:
    """Give each line its HT so that a rate's lines add up to that rate's HT exactly."""
    by_rate: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in lines:
        by_rate[int(line["vat_rate_bp"])].append(line)
    for rate, group in by_rate.items():
        divisor = 10000 + rate
        target, _vat = split_vat(sum(int(line["total_incl"]) for line in group), rate)
        exact = [(int(line["total_incl"]) * 10000, line) for line in group]
        for numerator, line in exact:
            line["total_excl"] = numerator // divisor
        left = target - sum(int(line["total_excl"]) for line in group)
        for _numerator, line in sorted(exact, key=lambda pair: -(pair[0] % divisor))[: max(0, left)]:
            line["total_excl"] += 1
        for line in group:
            line["total_vat"] = int(line["total_incl"]) - int(line["total_excl"])


def build_lines(event: Event, tickets: list[Ticket], *, franchise: bool = False) -> list[InvoiceLine]:
    """One line per ticket type, price, discount and rate, with the figures the law asks for.

    Under the VAT franchise no VAT is charged: the price paid is the price excluding VAT (rate 0).
    """
    groups: dict[tuple[int, int, int, int], list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        rate = 0 if franchise else ticket.vat_rate_bp
        key = (ticket.ticket_type_id, ticket.price_cents, ticket.discount_cents, rate)
        groups[key].append(ticket)
    service_date = event.starts_at.astimezone(ZoneInfo(event.timezone or "Europe/Paris")).date()
    lines: list[InvoiceLine] = []
    for (_type_id, price, discount, rate), group in sorted(groups.items()):
        lines.append(
            {
                # The invoice's own language (its text is stored), with the other as fallback.
                "description": " — ".join(
                    (
                        texts.localized(group[0].ticket_type, "name", INVOICE_LOCALE),
                        texts.localized(event, "title", INVOICE_LOCALE),
                    )
                ),
                "service_date": service_date.isoformat(),
                "quantity": len(group),
                "unit_price_incl": price,
                "discount_incl": discount * len(group),
                "vat_rate_bp": rate,
                "total_incl": (price - discount) * len(group),
            }
        )
    return priced_lines(lines)


def priced_lines(lines: list[InvoiceLine]) -> list[InvoiceLine]:
    """Lines (quantity, unit price and discount VAT included, rate) with their amounts excluding VAT.

    The line totals are authoritative (they add up to their rate's HT); the unit price and discount
    excluding VAT are shown rounded to the cent, as French invoices usually do.
    """
    _share_excl(lines)
    for line in lines:
        line["unit_price_excl"], _vat = split_vat(int(line["unit_price_incl"]), int(line["vat_rate_bp"]))
        line["discount_excl"], _vat = split_vat(int(line["discount_incl"]), int(line["vat_rate_bp"]))
    return lines


def _totals(lines: list[InvoiceLine]) -> tuple[int, int, int]:
    rates = rate_totals(lines)
    return sum(r.excl for r in rates), sum(r.vat for r in rates), sum(r.incl for r in rates)


# ---------------------------------------------------------------- snapshots


def seller_snapshot(organisation: Organisation) -> dict[str, object]:
    return {
        "name": organisation.legal_name or organisation.name,
        "address": organisation.legal_address,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "country": organisation.country or "FR",
        "siren": organisation.siren or organisation.siret[:9],
        "siret": organisation.siret,
        "vat_number": "" if organisation.vat_regime == FRANCHISE else organisation.vat_number,
        "vat_regime": organisation.vat_regime,
        "vat_on_debits": organisation.vat_on_debits and organisation.vat_regime != FRANCHISE,
        "legal_mentions": organisation.legal_mentions,
        "late_payment_terms": organisation.late_payment_terms or _french(DEFAULT_LATE_PAYMENT_TERMS),
        "iban": organisation.iban,
        "bic": organisation.bic,
        "account_holder": organisation.account_holder,
        # The organisation's colour as it was at issue, so the document keeps printing the same way.
        "colour": organisation.colour,
    }


def _french(message: str, **params: object) -> str:
    with use_locale(INVOICE_LOCALE):
        return gettext(message, **params)


def buyer_snapshot(order: Order) -> dict[str, object]:
    return {
        "name": order.buyer_name,
        "email": order.buyer_email,
        "organisation": order.buyer_organisation,
        "vat_id": order.buyer_vat_id,
        "address": order.buyer_address,
        "country": order.buyer_country,
        "siret": order.buyer_siret,
        "siren": order.buyer_siret[:9],
        "purchase_order": order.purchase_order,
        "buyer_reference": order.buyer_reference,
        "locale": order.locale,
    }


def payment_terms(order: Order) -> PaymentTerms:
    """How and by when the invoice is paid, as printed: by card at once, or by transfer by the due date."""
    if order.payment_method == PaymentMethod.INVOICE and order.due_date is not None:
        return {"method": "transfer", "due_date": order.due_date.isoformat(), "reference": order.code}
    paid = order.paid_at.astimezone(INVOICE_ZONE).date().isoformat() if order.paid_at else None
    return {"method": "card", "due_date": paid, "paid_on": paid, "reference": order.code}


# ---------------------------------------------------------------- numbering


async def next_number(organisation_id: int, year: int) -> int:
    """The next number of the series, inside the caller's transaction (see the module docstring)."""
    for _attempt in range(3):
        taken = await InvoiceCounter.filter(organisation_id=organisation_id, year=year).update(
            last_number=F("last_number") + 1
        )
        if taken:
            counter = await InvoiceCounter.get(organisation_id=organisation_id, year=year)
            return counter.last_number
        try:
            async with in_transaction():  # a savepoint: losing the race to create the row is harmless
                await InvoiceCounter.create(organisation_id=organisation_id, year=year, last_number=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError("could not take an invoice number")


async def _issue(
    order: Order,
    organisation: Organisation,
    kind: InvoiceKind,
    lines: list[InvoiceLine],
    credited: Invoice | None = None,
) -> Invoice:
    year = clock.now().astimezone(INVOICE_ZONE).year
    sequence = await next_number(organisation.id, year)
    now = clock.now()  # read once the number is ours, so numbers and dates run in the same order
    excl, vat, incl = _totals(lines)
    return await Invoice.create(
        organisation_id=organisation.id,
        order_id=order.id,
        kind=kind,
        year=year,
        sequence=sequence,
        number=f"{organisation.invoice_prefix}{year}-{sequence:05d}",
        credited_invoice=credited,
        issued_at=now,
        currency=order.currency,
        total_excl_cents=excl,
        total_vat_cents=vat,
        total_incl_cents=incl,
        lines=lines,
        seller=credited.seller if credited else seller_snapshot(organisation),
        buyer=credited.buyer if credited else buyer_snapshot(order),
        payment_terms=payment_terms(order) if credited is None else {"reference": order.code},
    )


async def order_invoice(order: Order) -> Invoice | None:
    return await Invoice.filter(order_id=order.id, kind=InvoiceKind.INVOICE).first()


async def issue_invoice(order: Order) -> Invoice | None:
    """The paid order's invoice, issued once, in the caller's (paying) transaction; none for 0 €."""
    if order.total_cents <= 0:
        return None
    existing = await order_invoice(order)
    if existing is not None:
        return existing
    assert order.status == OrderStatus.PAID or order.payment_method == PaymentMethod.INVOICE, (
        "only a paid order, or one to be paid on invoice, is invoiced"
    )
    event = await Event.get(id=order.event_id)
    organisation = await Organisation.get(id=event.organisation_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id").prefetch_related("ticket_type")
    lines = build_lines(event, tickets, franchise=organisation.vat_regime == FRANCHISE)
    return await _issue(order, organisation, InvoiceKind.INVOICE, lines)


def share_refund(left: dict[int, int], amount: int) -> dict[int, int]:
    """`amount` shared over VAT rates in proportion to what is left of each (largest remainder).

    The last refund takes exactly what is left, so a series of credit notes cancels its invoice to the
    cent, rate by rate.
    """
    remaining = sum(left.values())
    if amount >= remaining:
        return dict(left)
    exact = {rate: amount * value for rate, value in left.items()}
    shares = {rate: value // remaining for rate, value in exact.items()}
    spare = amount - sum(shares.values())
    for rate in sorted(exact, key=lambda r: -(exact[r] % remaining))[:spare]:
        shares[rate] += 1
    return shares


def _credit_lines(
    invoice: Invoice, earlier: list[Invoice], amount: int, refund_id: int | None
) -> list[InvoiceLine]:
    """The refunded amount shared over the invoice's VAT rates, in proportion to what is left of each."""
    left: dict[int, int] = {r.rate_bp: r.incl for r in rate_totals(invoice.lines)}
    for note in earlier:
        for line in note.lines:
            left[int(line["vat_rate_bp"])] += int(line["total_incl"])  # credit lines are negative
    shares = share_refund(left, amount)
    lines: list[InvoiceLine] = [
        {
            "description": _french(N_("Refund — invoice {number}"), number=invoice.number),
            "service_date": invoice.lines[0].get("service_date", "") if invoice.lines else "",
            "quantity": 1,
            "unit_price_incl": -share,
            "discount_incl": 0,
            "vat_rate_bp": rate,
            "total_incl": -share,
            "refund_id": refund_id,
        }
        for rate, share in sorted(shares.items())
        if share
    ]
    return priced_lines(lines)


async def issue_credit_note(order: Order, amount: int, *, refund_id: int | None = None) -> Invoice | None:
    """A credit note for `amount` cents refunded, referring to the order's invoice (if it has one)."""
    invoice = await order_invoice(order)
    if invoice is None or amount <= 0:
        return None
    earlier = await Invoice.filter(credited_invoice_id=invoice.id, kind=InvoiceKind.CREDIT_NOTE)
    lines = _credit_lines(invoice, earlier, amount, refund_id)
    if not lines:
        return None
    organisation = await Organisation.get(id=invoice.organisation_id)
    return await _issue(order, organisation, InvoiceKind.CREDIT_NOTE, lines, credited=invoice)


async def order_documents(order: Order) -> list[Invoice]:
    """The order's invoice and credit notes, oldest first."""
    return await Invoice.filter(order_id=order.id).order_by("year", "sequence")

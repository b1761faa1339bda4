"""The invoice and credit note PDF, drawn with reportlab from the document's own snapshot.

Everything printed comes from the `Invoice` row (seller, buyer, lines, totals, number, dates) and two
immutable facts of its order (code, payment date), so the same document prints the same way forever.
It is written in French, the legal language of an invoice issued in France; for a buyer who registered
in English each heading also carries its English wording. `build` is pure and synchronous: callers run it
in a worker thread so the event loop never waits for a PDF.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from events.errors import N_
from events.fonts import BOLD, CORE_FONTS, REGULAR
from events.i18n import format_money, format_rate, gettext, use_locale
from events.invoicing.models import Invoice, InvoiceKind
from events.invoicing.services import (
    FRANCHISE,
    FRANCHISE_MENTION,
    INVOICE_LOCALE,
    INVOICE_ZONE,
    OPERATION_CATEGORY,
    VAT_ON_DEBITS_MENTION,
    RateTotal,
    rate_totals,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Printed:
    """An invoice and the facts of its order that it prints."""

    invoice: Invoice
    order_code: str
    paid_at: datetime | None
    credited_number: str | None = None
    # The organisation's logo (re-encoded PNG or JPEG bytes, `events.accounts.branding`), if it has one.
    logo: bytes | None = None


LOGO_BOX = (48 * mm, 18 * mm)


def _logo(content: bytes) -> Image:
    """The logo scaled into `LOGO_BOX`, keeping its proportions, at the top left of the page."""
    reader = ImageReader(io.BytesIO(content))
    width, height = reader.getSize()
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    picture = Image(io.BytesIO(content), width=width * scale, height=height * scale)
    picture.hAlign = "LEFT"
    return picture


def _heading(printed: Printed) -> list[Flowable]:
    """The seller's look above the title: its logo, and a rule of its colour (as at issue)."""
    heading: list[Flowable] = []
    if printed.logo:
        heading += [_logo(printed.logo), Spacer(1, 3 * mm)]
    colour = str(printed.invoice.seller.get("colour") or "")
    if colour:
        heading.append(
            HRFlowable(width="100%", thickness=2.5, color=colors.HexColor(colour), spaceAfter=3 * mm)
        )
    return heading


def _text(value: str) -> str:
    if CORE_FONTS:  # the core fonts have no narrow no-break space
        value = value.replace("\u202f", "\u00a0")
    return value


class _Writer:
    def __init__(self, english: bool, currency: str) -> None:
        self.english = english
        self.currency = currency
        self.small = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10)
        self.body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
        self.strong = ParagraphStyle("strong", parent=self.body, fontName=BOLD)
        self.title = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4)
        self.right = ParagraphStyle("right", parent=self.body, alignment=2)

    def label(self, message: str, **params: object) -> str:
        with use_locale(INVOICE_LOCALE):
            french = gettext(message, **params)
        if not self.english:
            return french
        with use_locale("en"):
            english = gettext(message, **params)
        return french if english == french else f"{french} / {english}"

    def money(self, cents: int) -> str:
        with use_locale(INVOICE_LOCALE):
            return _text(format_money(cents, self.currency))

    def rate(self, basis_points: int) -> str:
        with use_locale(INVOICE_LOCALE):
            return _text(format_rate(basis_points))

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(INVOICE_ZONE).date()
        return format_date(value, format="short", locale=INVOICE_LOCALE)

    def para(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(_text(text)).replace("\n", "<br/>"), style or self.body)


def _party(writer: _Writer, heading: str, lines: list[str]) -> list[Paragraph]:
    return [writer.para(heading, writer.strong), *[writer.para(line) for line in lines if line]]


def _seller(writer: _Writer, seller: dict[str, object]) -> list[Paragraph]:
    return _party(
        writer,
        str(seller.get("name", "")),
        [
            str(seller.get("address", "")),
            " ".join(str(seller.get(k, "")) for k in ("postcode", "city") if seller.get(k)),
            writer.label(N_("SIREN: {number}"), number=seller["siren"]) if seller.get("siren") else "",
            writer.label(N_("SIRET: {number}"), number=seller["siret"]) if seller.get("siret") else "",
            writer.label(N_("VAT number: {number}"), number=seller["vat_number"])
            if seller.get("vat_number")
            else "",
            str(seller.get("legal_mentions", "")),
        ],
    )


def _buyer(writer: _Writer, buyer: dict[str, object]) -> list[Paragraph]:
    return _party(
        writer,
        writer.label(N_("Customer")),
        [
            str(buyer.get("organisation", "")),
            str(buyer.get("name", "")),
            str(buyer.get("address", "")),
            str(buyer.get("country", "")),
            writer.label(N_("Customer VAT number: {number}"), number=buyer["vat_id"])
            if buyer.get("vat_id")
            else "",
            writer.label(N_("Customer SIREN: {number}"), number=buyer["siren"]) if buyer.get("siren") else "",
            writer.label(N_("Customer SIRET: {number}"), number=buyer["siret"]) if buyer.get("siret") else "",
            str(buyer.get("email", "")),
        ],
    )


def _facts(writer: _Writer, printed: Printed) -> Table:
    invoice = printed.invoice
    lines = invoice.lines
    service = date.fromisoformat(lines[0]["service_date"]) if lines and lines[0].get("service_date") else None
    rows = [
        (writer.label(N_("Issue date")), writer.day(invoice.issued_at)),
        (writer.label(N_("Date of service")), writer.day(service)),
        (writer.label(N_("Order")), printed.order_code),
    ]
    buyer = invoice.buyer
    if buyer.get("purchase_order"):
        rows.append((writer.label(N_("Purchase order")), str(buyer["purchase_order"])))
    if buyer.get("buyer_reference"):
        rows.append((writer.label(N_("Buyer reference (service code)")), str(buyer["buyer_reference"])))
    if invoice.kind == InvoiceKind.INVOICE:
        rows += _payment_rows(writer, printed)
    else:
        rows.append((writer.label(N_("Refunded on")), writer.day(invoice.issued_at)))
    table = Table(
        [[writer.para(a, writer.strong), writer.para(b)] for a, b in rows], colWidths=[55 * mm, 60 * mm]
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _payment_rows(writer: _Writer, printed: Printed) -> list[tuple[str, str]]:
    terms = printed.invoice.payment_terms or {}
    if terms.get("method") == "transfer":
        seller = printed.invoice.seller
        return [
            (writer.label(N_("Payment due date")), writer.day(date.fromisoformat(str(terms["due_date"])))),
            (writer.label(N_("Payment method")), writer.label(N_("bank transfer"))),
            (writer.label(N_("IBAN")), str(seller.get("iban", ""))),
            (writer.label(N_("BIC")), str(seller.get("bic", ""))),
            (writer.label(N_("Account holder")), str(seller.get("account_holder", ""))),
            (writer.label(N_("Payment reference")), str(terms.get("reference", printed.order_code))),
        ]
    return [
        (writer.label(N_("Payment due date")), writer.day(printed.paid_at or printed.invoice.issued_at)),
        (writer.label(N_("Paid on")), writer.day(printed.paid_at)),
        (writer.label(N_("Payment method")), writer.label(N_("card, online (Stripe)"))),
    ]


def transfer_due(invoice: Invoice) -> bool:
    return (invoice.payment_terms or {}).get("method") == "transfer"


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b5")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _lines(writer: _Writer, invoice: Invoice) -> Table:
    head = [
        N_("Description"), N_("Qty"), N_("Unit price excl. VAT"), N_("Discount excl. VAT"),
        N_("VAT rate"), N_("Total excl. VAT"), N_("Total incl. VAT"),
    ]  # fmt: skip
    rows: list[list[Paragraph]] = [[writer.para(writer.label(h), writer.strong) for h in head]]
    for line in invoice.lines:
        rows.append(
            [
                writer.para(str(line["description"])),
                writer.para(str(line["quantity"]), writer.right),
                writer.para(writer.money(int(line["unit_price_excl"])), writer.right),
                writer.para(writer.money(int(line.get("discount_excl", 0))), writer.right),
                writer.para(writer.rate(int(line["vat_rate_bp"])), writer.right),
                writer.para(writer.money(int(line["total_excl"])), writer.right),
                writer.para(writer.money(int(line["total_incl"])), writer.right),
            ]
        )
    widths = [56 * mm, 12 * mm, 24 * mm, 22 * mm, 16 * mm, 24 * mm, 24 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_GRID)
    return table


def _vat(writer: _Writer, rates: list[RateTotal]) -> Table:
    head = [N_("VAT rate"), N_("Base excl. VAT"), N_("VAT amount"), N_("Total incl. VAT")]
    rows = [[writer.para(writer.label(h), writer.strong) for h in head]]
    for rate in rates:
        rows.append(
            [
                writer.para(writer.rate(rate.rate_bp), writer.right),
                writer.para(writer.money(rate.excl), writer.right),
                writer.para(writer.money(rate.vat), writer.right),
                writer.para(writer.money(rate.incl), writer.right),
            ]
        )
    table = Table(rows, colWidths=[30 * mm, 36 * mm, 36 * mm, 36 * mm])
    table.setStyle(_GRID)
    return table


def _totals(writer: _Writer, invoice: Invoice) -> Table:
    rows = [
        (writer.label(N_("Total excl. VAT")), writer.money(invoice.total_excl_cents)),
        (writer.label(N_("Total VAT")), writer.money(invoice.total_vat_cents)),
        (writer.label(N_("Total incl. VAT")), writer.money(invoice.total_incl_cents)),
    ]
    if invoice.kind == InvoiceKind.INVOICE:
        paid = 0 if transfer_due(invoice) else invoice.total_incl_cents
        rows.append((writer.label(N_("Amount paid")), writer.money(paid)))
        rows.append((writer.label(N_("Balance due")), writer.money(invoice.total_incl_cents - paid)))
    table = Table(
        [[writer.para(a, writer.strong), writer.para(b, writer.right)] for a, b in rows],
        colWidths=[60 * mm, 38 * mm],
        hAlign="RIGHT",
    )
    table.setStyle(TableStyle([("LINEABOVE", (0, 2), (-1, 2), 0.8, colors.black)]))
    return table


def build(printed: Printed) -> bytes:
    invoice = printed.invoice
    writer = _Writer(english=invoice.buyer.get("locale") == "en", currency=invoice.currency)
    buffer = io.BytesIO()
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    title = (
        writer.label(N_("Credit note No. {number}"), number=invoice.number)
        if credit
        else writer.label(N_("Invoice No. {number}"), number=invoice.number)
    )
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
        bottomMargin=14 * mm, title=title, author=str(invoice.seller.get("name", "")),
    )  # fmt: skip
    story: list[Flowable] = [*_heading(printed), writer.para(title, writer.title)]
    if credit and printed.credited_number:
        story.append(
            writer.para(writer.label(N_("Refers to invoice No. {number}"), number=printed.credited_number))
        )
    story.append(Spacer(1, 4 * mm))
    parties = Table(
        [[_seller(writer, invoice.seller), _buyer(writer, invoice.buyer)]], colWidths=[91 * mm, 91 * mm]
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 4 * mm), _facts(writer, printed), Spacer(1, 5 * mm), _lines(writer, invoice)]
    story += [
        Spacer(1, 4 * mm),
        _vat(writer, rate_totals(invoice.lines)),
        Spacer(1, 3 * mm),
        _totals(writer, invoice),
    ]
    story += _mentions(writer, invoice)
    document.build(story)
    return buffer.getvalue()


def _mentions(writer: _Writer, invoice: Invoice) -> list[Flowable]:
    """Franchise, category of operation, VAT on debits; the late-payment clause on invoices only."""
    seller = invoice.seller
    notes: list[Flowable] = [Spacer(1, 6 * mm)]
    no_vat = all(int(line["vat_rate_bp"]) == 0 for line in invoice.lines)
    if seller.get("vat_regime") == FRANCHISE or (no_vat and not seller.get("vat_number")):
        notes.append(writer.para(writer.label(FRANCHISE_MENTION), writer.strong))
    notes.append(writer.para(writer.label(OPERATION_CATEGORY), writer.small))
    if seller.get("vat_on_debits"):
        notes.append(writer.para(writer.label(VAT_ON_DEBITS_MENTION), writer.small))
    terms = str(seller.get("late_payment_terms", ""))
    if terms and invoice.kind == InvoiceKind.INVOICE:
        notes.append(writer.para(terms, writer.small))
    return notes

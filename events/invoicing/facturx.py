"""Factur-X: the invoice or credit note as UN/CEFACT CII XML (profile EN 16931), embedded in its PDF.

The 2026 French e-invoicing reform asks for structured invoices (Factur-X, UBL or CII). The XML is built
from the same snapshot as the printed page (`Invoice.lines`, `seller`, `buyer`, `payment_terms`), so
the two cannot disagree; the `factur-x` library checks it against the official XSD and embeds it as
`factur-x.xml` in a PDF/A-3 with the matching XMP metadata.

How our figures map to EN 16931:
- prices are VAT included, the lines' amounts excluding VAT are authoritative (`services.priced_lines`):
  BT-131 line net amount = the line's `total_excl`, BT-146 net price = that amount per unit;
- one VAT breakdown (BG-23) per rate, with `services.rate_totals` (basis and VAT to the cent);
- a credit note is type 381 with positive amounts and names the invoice it corrects (BG-3);
- the seller's SIREN is its legal registration (BT-30, scheme 0002), its SIRET its identifier (BT-29,
  scheme 0009); the buyer's SIRET is its legal registration (BT-47, scheme 0009);
- under the VAT franchise (art. 293 B CGI) every line is category E with the legal mention as the
  exemption reason, and the SIREN stands as the seller's tax registration (BT-32);
- VAT on debits is the tax point code 5 (invoice date), otherwise 72 (on payment), as services are.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from events.i18n import gettext, use_locale
from events.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from events.invoicing.services import FRANCHISE, FRANCHISE_MENTION, INVOICE_LOCALE, INVOICE_ZONE, rate_totals

logger = logging.getLogger(__name__)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
EN16931 = "urn:cen.eu:en16931:2017"
INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
SEPA_TRANSFER = "58"
CARD = "54"
for _prefix, _uri in (("rsm", RSM), ("ram", RAM), ("qdt", QDT), ("udt", UDT)):
    ET.register_namespace(_prefix, _uri)


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _rate(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:.2f}"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


class _Builder:
    """Appends CII elements in the order the XSD asks for."""

    @staticmethod
    def add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        namespace, local = name.split(":")
        uri = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}[namespace]
        element = ET.SubElement(parent, f"{{{uri}}}{local}", attributes)
        if text is not None:
            element.text = text
        return element

    def date(self, parent: ET.Element, name: str, value: date, kind: str = "udt") -> None:
        holder = self.add(parent, name)
        self.add(holder, f"{kind}:DateTimeString", _day(value), format="102")


def _category(seller: dict[str, object], rate_bp: int) -> str:
    if seller.get("vat_regime") == FRANCHISE:
        return "E"
    return "S" if rate_bp > 0 else "Z"


def _french(message: str) -> str:
    with use_locale(INVOICE_LOCALE):
        return gettext(message)


class CiiDocument:
    """One invoice or credit note as CII; `xml()` gives the bytes embedded in the PDF."""

    def __init__(self, invoice: Invoice, credited: Invoice | None) -> None:
        self.invoice = invoice
        self.credited = credited
        self.sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
        self.b = _Builder()

    def xml(self) -> bytes:
        root = ET.Element(f"{{{RSM}}}CrossIndustryInvoice")
        context = self.b.add(root, "rsm:ExchangedDocumentContext")
        guideline = self.b.add(context, "ram:GuidelineSpecifiedDocumentContextParameter")
        self.b.add(guideline, "ram:ID", EN16931)
        self._header(self.b.add(root, "rsm:ExchangedDocument"))
        transaction = self.b.add(root, "rsm:SupplyChainTradeTransaction")
        for index, line in enumerate(self.invoice.lines, start=1):
            self._line(transaction, index, line)
        self._agreement(self.b.add(transaction, "ram:ApplicableHeaderTradeAgreement"))
        self._delivery(self.b.add(transaction, "ram:ApplicableHeaderTradeDelivery"))
        self._settlement(self.b.add(transaction, "ram:ApplicableHeaderTradeSettlement"))
        return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))

    # ---------------------------------------------------------------- parts

    def _header(self, document: ET.Element) -> None:
        invoice = self.invoice
        self.b.add(document, "ram:ID", invoice.number)
        credit = invoice.kind == InvoiceKind.CREDIT_NOTE
        self.b.add(document, "ram:TypeCode", CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
        self.b.date(document, "ram:IssueDateTime", invoice.issued_at.astimezone(INVOICE_ZONE).date())
        seller = invoice.seller
        notes = [("REG", str(seller.get("legal_mentions", "")))]
        if seller.get("vat_regime") == FRANCHISE:
            notes.append(("TXD", _french(FRANCHISE_MENTION)))
        if not credit:
            notes.append(("PMT", str(seller.get("late_payment_terms", ""))))
        for code, content in notes:
            if content:
                note = self.b.add(document, "ram:IncludedNote")
                self.b.add(note, "ram:Content", content)
                self.b.add(note, "ram:SubjectCode", code)

    def _line(self, transaction: ET.Element, index: int, line: InvoiceLine) -> None:
        item = self.b.add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        self.b.add(self.b.add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
        self.b.add(self.b.add(item, "ram:SpecifiedTradeProduct"), "ram:Name", str(line["description"]))
        quantity = int(line["quantity"])
        net = self.sign * int(line["total_excl"])
        agreement = self.b.add(item, "ram:SpecifiedLineTradeAgreement")
        price = self.b.add(agreement, "ram:NetPriceProductTradePrice")
        unit = (Decimal(net) / 100 / quantity).quantize(Decimal("0.0001"))
        self.b.add(price, "ram:ChargeAmount", f"{unit}")
        delivery = self.b.add(item, "ram:SpecifiedLineTradeDelivery")
        self.b.add(delivery, "ram:BilledQuantity", str(quantity), unitCode="C62")
        settlement = self.b.add(item, "ram:SpecifiedLineTradeSettlement")
        rate = int(line["vat_rate_bp"])
        tax = self.b.add(settlement, "ram:ApplicableTradeTax")
        self.b.add(tax, "ram:TypeCode", "VAT")
        self.b.add(tax, "ram:CategoryCode", _category(self.invoice.seller, rate))
        self.b.add(tax, "ram:RateApplicablePercent", _rate(rate))
        total = self.b.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        self.b.add(total, "ram:LineTotalAmount", _amount(net))

    def _party(self, parent: ET.Element, name: str, party: dict[str, object], *, seller: bool) -> None:
        element = self.b.add(parent, name)
        if seller and party.get("siret"):
            self.b.add(element, "ram:GlobalID", str(party["siret"]), schemeID="0009")
        label = party.get("name") if seller else (party.get("organisation") or party.get("name"))
        self.b.add(element, "ram:Name", str(label or ""))
        legal_id, scheme = (
            (party.get("siren"), "0002") if seller else (party.get("siret") or party.get("siren"), "")
        )
        if legal_id:
            scheme = scheme or ("0009" if len(str(legal_id)) == 14 else "0002")
            organisation = self.b.add(element, "ram:SpecifiedLegalOrganization")
            self.b.add(organisation, "ram:ID", str(legal_id), schemeID=scheme)
        if not seller and party.get("organisation") and party.get("name"):
            contact = self.b.add(element, "ram:DefinedTradeContact")
            self.b.add(contact, "ram:PersonName", str(party["name"]))
        address = self.b.add(element, "ram:PostalTradeAddress")
        if party.get("postcode"):
            self.b.add(address, "ram:PostcodeCode", str(party["postcode"]))
        if party.get("address"):
            self.b.add(address, "ram:LineOne", str(party["address"]).replace("\n", ", "))
        if party.get("city"):
            self.b.add(address, "ram:CityName", str(party["city"]))
        self.b.add(address, "ram:CountryID", str(party.get("country") or "FR").upper())
        if not seller and party.get("email"):
            mail = self.b.add(element, "ram:URIUniversalCommunication")
            self.b.add(mail, "ram:URIID", str(party["email"]), schemeID="EM")
        vat = party.get("vat_number") if seller else party.get("vat_id")
        if vat:
            registration = self.b.add(element, "ram:SpecifiedTaxRegistration")
            self.b.add(registration, "ram:ID", str(vat), schemeID="VA")
        elif seller and party.get("vat_regime") == FRANCHISE and party.get("siren"):
            registration = self.b.add(element, "ram:SpecifiedTaxRegistration")
            self.b.add(registration, "ram:ID", str(party["siren"]), schemeID="FC")

    def _agreement(self, agreement: ET.Element) -> None:
        buyer = self.invoice.buyer
        if buyer.get("buyer_reference"):
            self.b.add(agreement, "ram:BuyerReference", str(buyer["buyer_reference"]))
        self._party(agreement, "ram:SellerTradeParty", self.invoice.seller, seller=True)
        self._party(agreement, "ram:BuyerTradeParty", buyer, seller=False)
        if buyer.get("purchase_order"):
            order = self.b.add(agreement, "ram:BuyerOrderReferencedDocument")
            self.b.add(order, "ram:IssuerAssignedID", str(buyer["purchase_order"]))

    def _delivery(self, delivery: ET.Element) -> None:
        lines = self.invoice.lines
        if lines and lines[0].get("service_date"):
            event = self.b.add(delivery, "ram:ActualDeliverySupplyChainEvent")
            self.b.date(event, "ram:OccurrenceDateTime", date.fromisoformat(str(lines[0]["service_date"])))

    def _settlement(self, settlement: ET.Element) -> None:
        invoice = self.invoice
        seller = invoice.seller
        terms = invoice.payment_terms or {}
        if terms.get("reference"):
            self.b.add(settlement, "ram:PaymentReference", str(terms["reference"]))
        self.b.add(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
        transfer = terms.get("method") == "transfer"
        if invoice.kind == InvoiceKind.INVOICE:
            means = self.b.add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
            self.b.add(means, "ram:TypeCode", SEPA_TRANSFER if transfer else CARD)
            if transfer and seller.get("iban"):
                account = self.b.add(means, "ram:PayeePartyCreditorFinancialAccount")
                self.b.add(account, "ram:IBANID", str(seller["iban"]))
                if seller.get("bic"):
                    bank = self.b.add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
                    self.b.add(bank, "ram:BICID", str(seller["bic"]))
        for rate in rate_totals(invoice.lines):
            self._breakdown(settlement, rate.rate_bp, self.sign * rate.excl, self.sign * rate.vat)
        due = self._due_cents(transfer)
        if due and terms.get("due_date"):
            payment = self.b.add(settlement, "ram:SpecifiedTradePaymentTerms")
            self.b.date(payment, "ram:DueDateDateTime", date.fromisoformat(str(terms["due_date"])))
        self._totals(settlement, due)
        if self.credited is not None:
            reference = self.b.add(settlement, "ram:InvoiceReferencedDocument")
            self.b.add(reference, "ram:IssuerAssignedID", self.credited.number)
            issued = self.credited.issued_at.astimezone(INVOICE_ZONE).date()
            self.b.date(reference, "ram:FormattedIssueDateTime", issued, kind="qdt")

    def _breakdown(self, settlement: ET.Element, rate_bp: int, basis: int, vat: int) -> None:
        seller = self.invoice.seller
        category = _category(seller, rate_bp)
        tax = self.b.add(settlement, "ram:ApplicableTradeTax")
        self.b.add(tax, "ram:CalculatedAmount", _amount(vat))
        self.b.add(tax, "ram:TypeCode", "VAT")
        if category == "E":
            self.b.add(tax, "ram:ExemptionReason", _french(FRANCHISE_MENTION))
        self.b.add(tax, "ram:BasisAmount", _amount(basis))
        self.b.add(tax, "ram:CategoryCode", category)
        if category == "E":
            self.b.add(tax, "ram:ExemptionReasonCode", "VATEX-FR-FRANCHISE")
        if category == "S":
            self.b.add(tax, "ram:DueDateTypeCode", "5" if seller.get("vat_on_debits") else "72")
        self.b.add(tax, "ram:RateApplicablePercent", _rate(rate_bp))

    def _due_cents(self, transfer: bool) -> int:
        """What is still to pay: the whole invoice when paid by transfer, nothing once paid by card or
        refunded (a credit note is issued for money already given back)."""
        return self.invoice.total_incl_cents if transfer and self.invoice.kind == InvoiceKind.INVOICE else 0

    def _totals(self, settlement: ET.Element, due: int) -> None:
        invoice = self.invoice
        excl = self.sign * invoice.total_excl_cents
        incl = self.sign * invoice.total_incl_cents
        summary = self.b.add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        self.b.add(summary, "ram:LineTotalAmount", _amount(excl))
        self.b.add(summary, "ram:TaxBasisTotalAmount", _amount(excl))
        self.b.add(
            summary,
            "ram:TaxTotalAmount",
            _amount(self.sign * invoice.total_vat_cents),
            currencyID=invoice.currency,
        )
        self.b.add(summary, "ram:GrandTotalAmount", _amount(incl))
        self.b.add(summary, "ram:TotalPrepaidAmount", _amount(incl - due))
        self.b.add(summary, "ram:DuePayableAmount", _amount(due))


def cii_xml(invoice: Invoice, credited: Invoice | None = None) -> bytes:
    return CiiDocument(invoice, credited).xml()


def embed(pdf: bytes, xml: bytes, *, english: bool = False) -> bytes:
    """The PDF made a Factur-X PDF/A-3: the XML (checked against the XSD) attached as `factur-x.xml`."""
    import facturx  # type: ignore[import-untyped]  # 17 MB: loaded with the first invoice a process prints

    result: bytes = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, lang="en-GB" if english else "fr-FR"
    )
    return result

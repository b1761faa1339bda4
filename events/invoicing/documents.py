"""Finding an invoice or credit note for the person allowed to see it, and printing it.

The order is reached first, the way each person reaches it: the buyer through the order's secret link
(`lifecycle.buyer_order`), the organiser among their organisation's orders (`lifecycle.organiser_order`).
Only that order's documents are found, so another organisation's document is simply not found.
"""

from __future__ import annotations

import asyncio

from events.accounts import branding
from events.errors import NotFound
from events.invoicing import facturx, pdf
from events.invoicing.models import Invoice, InvoiceKind
from events.ticketing.models import Order


async def for_order(order: Order, number: str | None = None) -> Invoice:
    """The order's invoice, or one of its documents by number."""
    query = Invoice.filter(order_id=order.id)
    query = query.filter(number=number) if number else query.filter(kind=InvoiceKind.INVOICE)
    found = await query.first()
    if found is None:
        raise NotFound()
    return found


async def render(document: Invoice) -> bytes:
    """The document as a Factur-X PDF (the printed page with its CII XML), built in a worker thread."""
    order = await Order.get(id=document.order_id)
    credited = await Invoice.filter(credit_notes__id=document.id).first()
    logo = await branding.logo_image(document.organisation_id)
    printed = pdf.Printed(
        document, order.code, order.paid_at, credited.number if credited else None, logo[0] if logo else None
    )
    return await asyncio.to_thread(_build, printed, credited)


def _build(printed: pdf.Printed, credited: Invoice | None) -> bytes:
    english = printed.invoice.buyer.get("locale") == "en"
    return facturx.embed(pdf.build(printed), facturx.cii_xml(printed.invoice, credited), english=english)

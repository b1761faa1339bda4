"""What billing holds about a person who bought, and how it is erased. A contributor of
`events.privacy.registry`.

The export gives, for each of the person's orders, what they told us to be invoiced (organisation,
SIRET, VAT number, purchase order, buyer reference), the member of the directory their order matched,
the transfers recorded for it and the documents issued to them.

Erasure keeps what accounting law keeps: the issued invoices and credit notes (their rows, and so
their PDFs and Factur-X XML, which are printed from those rows alone) are never touched, nor are the
order's amounts and the buyer's organisation. It blanks, on the order and its transfers, what can
name the person: the SIRET (a sole trader's names them in the public register), the purchase order
and buyer reference (free text that often carries a name) and the transfers' bank references (which
carry the payer's name). It runs before ticketing blanks the buyer's address (stage 50 < 90).
"""

from __future__ import annotations

from events.invoicing.models import BankTransfer, Invoice
from events.privacy.registry import register
from events.ticketing.models import Order


async def _orders(email: str, organisation_id: int) -> list[Order]:
    return (
        await Order.filter(buyer_email=email, event__organisation_id=organisation_id)
        .order_by("id")
        .prefetch_related("event")
    )


def _billing_row(order: Order) -> dict[str, object]:
    return {
        "order": order.code, "event": order.event.slug, "payment_method": str(order.payment_method),
        "buyer_organisation": order.buyer_organisation, "buyer_siret": order.buyer_siret,
        "buyer_vat_id": order.buyer_vat_id, "purchase_order": order.purchase_order,
        "buyer_reference": order.buyer_reference, "member": order.member_name,
        "due_date": order.due_date.isoformat() if order.due_date else None,
        "amount_paid_cents": order.amount_paid_cents,
    }  # fmt: skip


class BillingData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        orders = await _orders(email, organisation_id)
        codes = {order.id: order.code for order in orders}
        transfers = await BankTransfer.filter(order_id__in=list(codes)).order_by("paid_on", "id")
        documents = await Invoice.filter(order_id__in=list(codes)).order_by("year", "sequence")
        return {
            "billing": [_billing_row(order) for order in orders],
            "bank_transfers": [
                {
                    "order": codes[t.order_id],
                    "amount_cents": t.amount_cents,
                    "paid_on": t.paid_on.isoformat(),
                    "reference": t.reference,
                }
                for t in transfers
            ],
            "invoices": [
                {
                    "order": codes[d.order_id],
                    "type": str(d.kind),
                    "number": d.number,
                    "issued_at": d.issued_at.isoformat(),
                    "total_incl_cents": d.total_incl_cents,
                    "currency": d.currency,
                }
                for d in documents
            ],
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        ids = [order.id for order in await _orders(email, organisation_id)]
        if not ids:
            return {"billing": 0, "bank_transfers": 0}
        await Order.filter(id__in=ids).update(buyer_siret="", purchase_order="", buyer_reference="")
        transfers = await BankTransfer.filter(order_id__in=ids).update(reference="")
        return {"billing": len(ids), "bank_transfers": transfers}


register(BillingData())

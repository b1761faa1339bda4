"""Invoices and credit notes. Numbers run without gaps per organisation and year, taken from a counter
row inside the paying transaction. An issued document never changes: a refund issues a credit note.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NotRequired, TypedDict

from tortoise import fields
from tortoise.models import Model

from events.accounts.models import Organisation
from events.ticketing.models import Order


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceCounter(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="invoice_counters", on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    last_number = fields.IntField(default=0)

    organisation_id: int

    class Meta:
        table = "invoice_counter"
        unique_together = (("organisation", "year"),)


class InvoiceLine(TypedDict):
    """One line of an issued document, amounts in cents VAT included, and excluding VAT once priced."""

    description: str
    service_date: str
    quantity: int
    unit_price_incl: int
    discount_incl: int
    vat_rate_bp: int
    total_incl: int
    # Set by `services.priced_lines` (every stored line has them).
    total_excl: NotRequired[int]
    total_vat: NotRequired[int]
    unit_price_excl: NotRequired[int]
    discount_excl: NotRequired[int]
    # A credit note's line names the refund it gives back.
    refund_id: NotRequired[int | None]


class PaymentTerms(TypedDict, total=False):
    """How and by when a document is paid, as printed: by card, or by transfer by the due date."""

    method: str
    due_date: str | None
    paid_on: str | None
    reference: str


class Invoice(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="invoices", on_delete=fields.RESTRICT
    )
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="invoices", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(InvoiceKind, max_length=16, default=InvoiceKind.INVOICE)
    year = fields.IntField()
    sequence = fields.IntField()
    number = fields.CharField(max_length=40)
    credited_invoice: fields.ForeignKeyNullableRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="credit_notes", null=True, on_delete=fields.RESTRICT
    )
    issued_at = fields.DatetimeField()
    currency = fields.CharField(max_length=3, default="EUR")
    total_excl_cents = fields.IntField()
    total_vat_cents = fields.IntField()
    total_incl_cents = fields.IntField()
    lines: list[InvoiceLine] = fields.JSONField(default=list)
    # Snapshots of who sold and who bought, as printed (every value is shown as text).
    seller: dict[str, object] = fields.JSONField(default=dict)
    buyer: dict[str, object] = fields.JSONField(default=dict)
    # How and by when it is paid (method, due date, payment reference), as printed; null before issue 13.
    payment_terms = fields.JSONField[PaymentTerms | None](null=True)
    # When the document was handed to the organisation's e-invoicing channel (`transmit.py`).
    transmitted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int
    order_id: int

    class Meta:
        table = "invoice"
        unique_together = (("organisation", "year", "sequence"), ("organisation", "number"))
        indexes = (("order_id",),)


class BankTransfer(Model):
    """A bank transfer received for an order paid on invoice, as recorded by the organiser.

    Several partial transfers may settle one order; their sum is the order's `amount_paid_cents`.
    """

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="transfers", on_delete=fields.RESTRICT
    )
    amount_cents = fields.IntField()
    paid_on = fields.DateField()
    reference = fields.CharField(max_length=140, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int

    class Meta:
        table = "bank_transfer"
        indexes = (("order_id",),)

"""Wire shapes of an order: what a buyer sends, and the Order and Ticket the API answers."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.config import JsonDict

from events import identifiers
from events.accounts.services import normalise_email
from events.catalogue.offer_schemas import money
from events.errors import N_
from events.i18n import COUNTRY_CODES
from events.partnering.tokens import space_url
from events.payments.models import Refund, RefundStatus
from events.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket, TicketStatus
from events.validation import EMAIL_PATTERN, RowRef
from events.web import links


def _email(value: str) -> str:
    if not EMAIL_PATTERN.match(normalise_email(value)):
        raise ValueError(N_("Enter a valid e-mail address."))
    return normalise_email(value)


NAME_PART_LENGTH = 100


def split_name(name: str) -> tuple[str, str]:
    """A whole name split once at its last space, for sorting by surname ("Marie Curie" -> "Marie",
    "Curie"; a single word is the surname). Migration 0019 split the names stored before in the same way."""
    head, _, last = name.strip().rpartition(" ")
    return head.strip(), last


def _without_default(schema: JsonDict) -> None:
    schema.pop("default", None)


class PersonName(BaseModel):
    """A person's `name`, with its `first_name` and `last_name`: given both parts, `name` is them joined;
    given `name` alone, its parts are split from it (`split_name`). `name` stays the whole name as printed."""

    # The empty default only lets the parts stand in for `name`: the document shows no default, since an
    # empty name is never valid.
    name: str = Field(
        default="",
        min_length=1,
        max_length=200,
        validate_default=True,
        json_schema_extra=_without_default,
    )
    first_name: str = Field(default="", max_length=NAME_PART_LENGTH)
    last_name: str = Field(default="", max_length=NAME_PART_LENGTH)

    @model_validator(mode="before")
    @classmethod
    def _joined(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        parts = [data.get("first_name"), data.get("last_name")]
        if all(isinstance(part, str) or part is None for part in parts) and any(
            isinstance(part, str) and part.strip() for part in parts
        ):
            return {**data, "name": " ".join(part.strip() for part in parts if part and part.strip())}
        return data

    @model_validator(mode="after")
    def _split(self) -> PersonName:
        if not self.first_name and not self.last_name:
            self.first_name, self.last_name = split_name(self.name)
        return self


class BuyerIn(PersonName):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    organisation: str = Field(default="", max_length=200)
    vat_id: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=1000)
    country: str = Field(default="", max_length=2)
    siret: str = Field(default="", max_length=20)

    _check_email = field_validator("email")(_email)

    @field_validator("vat_id")
    @classmethod
    def _vat_id(cls, value: str) -> str:
        compact = re.sub(r"[\s.\-]", "", value).upper()
        return identifiers.vat_number(compact) if compact else ""

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.upper()
        if code and code not in COUNTRY_CODES:
            raise ValueError(N_("Choose a country from the list."))
        return code

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        compact = re.sub(r"[\s.\-]", "", value)
        return identifiers.siret(compact) if compact else ""


class PaymentIn(BaseModel):
    """How the buyer pays: by card (Stripe), or by bank transfer against an invoice.

    `purchase_order` is sent as BT-13 (a public buyer's legal commitment number), `buyer_reference`
    as BT-10 (a public buyer's Chorus Pro service code).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    method: Literal["card", "invoice"] = "card"
    purchase_order: str = Field(default="", max_length=100)
    buyer_reference: str = Field(default="", max_length=100)


class AttendeeConsents(BaseModel):
    """The attendee's own choices; the buyer's `consents` never stand for a colleague's.

    `door`: the door staff may see this attendee's answers to the "show at the door" questions."""

    model_config = ConfigDict(extra="forbid")

    marketing: bool = False
    door: bool = False


class AttendeeIn(PersonName):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(default="", max_length=254)
    organisation: str = Field(default="", max_length=200)
    job_title: str = Field(default="", max_length=200)
    consents: AttendeeConsents | None = None

    @field_validator("email")
    @classmethod
    def _optional_email(cls, value: str) -> str:
        return _email(value) if value else ""


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type: RowRef
    attendee: AttendeeIn
    answers: dict[str, object] = Field(default_factory=dict)
    sessions: list[RowRef] = Field(default_factory=list, max_length=50)


class Consents(BaseModel):
    model_config = ConfigDict(extra="forbid")

    privacy: bool = False
    marketing: bool = False
    partners: bool = False


class OrderIn(BaseModel):
    """An order as a buyer sends it. Prices are never read from here: they come from the server."""

    model_config = ConfigDict(extra="forbid")

    buyer: BuyerIn
    tickets: list[TicketIn] = Field(min_length=1, max_length=50)
    promo_code: str | None = Field(default=None, max_length=40)
    locale: str = "fr"
    # Integrators who collect the privacy acknowledgement themselves may leave this out.
    consents: Consents | None = None
    waiting_list_offer: str | None = Field(default=None, max_length=64)
    payment: PaymentIn | None = None


class AttendeeOut(BaseModel):
    name: str
    first_name: str
    last_name: str
    email: str
    organisation: str
    job_title: str
    consents: AttendeeConsents


class TicketOut(BaseModel):
    id: int
    ticket_type: int
    attendee: AttendeeOut
    status: TicketStatus
    secret: str
    qr_url: str
    pdf_url: str
    agenda_url: str
    sessions: list[int]
    ticket_url: str
    partnering_url: str | None
    certificate_url: str | None


class DocumentOut(BaseModel):
    type: Literal["invoice", "credit_note"]
    number: str
    url: str


class MemberOut(BaseModel):
    name: str


class RefundOut(BaseModel):
    """A refund of the order, whole or partial; `pending` until Stripe confirms it."""

    id: int
    amount: str
    status: RefundStatus
    created_at: str


class OrderOut(BaseModel):
    code: str
    secret: str
    event: str
    status: OrderStatus
    total: str
    currency: str
    expires_at: str | None
    payment_url: str | None
    order_url: str
    invoice_url: str | None
    buyer: BuyerIn
    tickets: list[TicketOut]
    refunds: list[RefundOut]
    payment_method: PaymentMethod
    due_date: str | None
    amount_paid: str
    amount_due: str
    documents: list[DocumentOut]
    member: MemberOut | None


def order_url(order: Order) -> str:
    return links.absolute("order_page", code=order.code, secret=order.secret)


def pay_url(order: Order) -> str:
    """The page that makes (or reuses) the order's Checkout Session and sends the buyer there."""
    return links.absolute("order_pay", code=order.code, secret=order.secret)


def ticket_url(ticket: Ticket) -> str:
    """The attendee's own page: their badge and links, nothing of the order's billing or other attendees."""
    return links.absolute("own_ticket", token=ticket.agenda_token)


def ticket_out(
    order: Order,
    ticket: Ticket,
    session_ids: list[int],
    partnering: bool = False,
    certificate_code: str | None = None,
) -> dict[str, object]:
    """`partnering`: the event has partnering on, so a valid ticket links its participant's space;
    `certificate_code`: the ticket earned a certificate of attendance."""
    return {
        "id": ticket.id,
        "ticket_type": ticket.ticket_type_id,
        "attendee": {
            "name": ticket.attendee_name,
            "first_name": ticket.attendee_first_name,
            "last_name": ticket.attendee_last_name,
            "email": ticket.attendee_email,
            "organisation": ticket.attendee_organisation,
            "job_title": ticket.attendee_job_title,
            "consents": {"marketing": ticket.news_consent, "door": ticket.door_consent},
        },
        "status": str(ticket.status),
        "secret": ticket.secret,
        "qr_url": links.absolute("ticket_qr", code=order.code, secret=order.secret, ticket_id=ticket.id),
        "pdf_url": links.absolute("ticket_pdf", code=order.code, secret=order.secret, ticket_id=ticket.id),
        "agenda_url": links.absolute("ical_agenda", token=ticket.agenda_token),
        "sessions": session_ids,
        "ticket_url": ticket_url(ticket),
        "partnering_url": space_url(ticket) if partnering and ticket.status == TicketStatus.VALID else None,
        "certificate_url": links.absolute("certificate", code=certificate_code) if certificate_code else None,
    }


def refund_out(refund: Refund) -> dict[str, object]:
    return {
        "id": refund.id,
        "amount": money(refund.amount_cents),
        "status": str(refund.status),
        "created_at": refund.created_at.isoformat(),
    }


def order_out(
    order: Order,
    event_slug: str,
    tickets: list[Ticket],
    sessions: dict[int, list[int]],
    payment_url: str | None = None,
    documents: list[tuple[str, str]] | None = None,
    partnering: bool = False,
    certificates: dict[int, str] | None = None,
    refunds: list[Refund] | None = None,
) -> dict[str, object]:
    """The API's Order; `documents` are the order's (kind, number), invoice first; `refunds` its
    refunds, oldest first."""
    documents = documents or []
    has_invoice = any(kind == "invoice" for kind, _ in documents)
    return {
        "code": order.code,
        "secret": order.secret,
        "event": event_slug,
        "status": str(order.status),
        "total": money(order.total_cents),
        "currency": order.currency,
        "expires_at": order.expires_at.isoformat() if order.expires_at else None,
        "payment_url": payment_url,
        "order_url": order_url(order),
        "invoice_url": f"{order_url(order)}/invoice.pdf" if has_invoice else None,
        "buyer": {
            "name": order.buyer_name,
            "first_name": order.buyer_first_name,
            "last_name": order.buyer_last_name,
            "email": order.buyer_email,
            "organisation": order.buyer_organisation,
            "vat_id": order.buyer_vat_id,
            "address": order.buyer_address,
            "country": order.buyer_country,
            "siret": order.buyer_siret,
        },
        "tickets": [
            ticket_out(order, t, sessions.get(t.id, []), partnering, (certificates or {}).get(t.id))
            for t in tickets
        ],
        "refunds": [refund_out(refund) for refund in refunds or []],
        **billing_out(order, documents),
    }


def amount_paid_cents(order: Order) -> int:
    """Transfers received for an order on invoice; the whole total for an order paid by card."""
    if order.payment_method == PaymentMethod.INVOICE:
        return order.amount_paid_cents
    return order.total_cents if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED) else 0


def amount_due_cents(order: Order) -> int:
    if order.status not in (OrderStatus.PENDING, OrderStatus.PAID):
        return 0
    return max(0, order.total_cents - amount_paid_cents(order))


def billing_out(order: Order, documents: list[tuple[str, str]]) -> dict[str, object]:
    base = order_url(order)
    return {
        "payment_method": str(order.payment_method),
        "due_date": order.due_date.isoformat() if order.due_date else None,
        "amount_paid": money(amount_paid_cents(order)),
        "amount_due": money(amount_due_cents(order)),
        "documents": [
            {"type": kind, "number": number, "url": f"{base}/documents/{number}.pdf"}
            for kind, number in documents
        ],
        "member": {"name": order.member_name} if order.member_name else None,
    }

"""Wire shapes of an order: what a buyer sends, and the Order and Ticket the API answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from events.accounts.services import normalise_email
from events.catalogue.offer_schemas import money
from events.errors import N_
from events.partnering.tokens import space_url
from events.ticketing.models import Order, Ticket, TicketStatus
from events.validation import EMAIL_PATTERN, RowRef
from events.web import links


def _email(value: str) -> str:
    if not EMAIL_PATTERN.match(normalise_email(value)):
        raise ValueError(N_("Enter a valid e-mail address."))
    return normalise_email(value)


class BuyerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    organisation: str = Field(default="", max_length=200)
    vat_id: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=1000)
    country: str = Field(default="", max_length=2)

    _check_email = field_validator("email")(_email)


class AttendeeConsents(BaseModel):
    """The attendee's own choices; the buyer's `consents` never stand for a colleague's."""

    model_config = ConfigDict(extra="forbid")

    marketing: bool = False


class AttendeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
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


class AttendeeOut(BaseModel):
    name: str
    email: str
    organisation: str
    job_title: str
    consents: AttendeeConsents


class TicketOut(BaseModel):
    id: int
    ticket_type: int
    attendee: AttendeeOut
    status: str
    secret: str
    qr_url: str
    pdf_url: str
    agenda_url: str
    sessions: list[int]
    ticket_url: str
    partnering_url: str | None = None
    certificate_url: str | None = None


class OrderOut(BaseModel):
    code: str
    secret: str
    event: str
    status: str
    total: str
    currency: str
    expires_at: str | None
    payment_url: str | None
    order_url: str
    invoice_url: str | None
    buyer: BuyerIn
    tickets: list[TicketOut]


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
            "email": ticket.attendee_email,
            "organisation": ticket.attendee_organisation,
            "job_title": ticket.attendee_job_title,
            "consents": {"marketing": ticket.news_consent},
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


def order_out(
    order: Order,
    event_slug: str,
    tickets: list[Ticket],
    sessions: dict[int, list[int]],
    payment_url: str | None = None,
    has_invoice: bool = False,
    partnering: bool = False,
    certificates: dict[int, str] | None = None,
) -> dict[str, object]:
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
            "email": order.buyer_email,
            "organisation": order.buyer_organisation,
            "vat_id": order.buyer_vat_id,
            "address": order.buyer_address,
            "country": order.buyer_country,
        },
        "tickets": [
            ticket_out(order, t, sessions.get(t.id, []), partnering, (certificates or {}).get(t.id))
            for t in tickets
        ],
    }

"""Which tickets get a QR, a ticket PDF or a badge, and the cards that describe them.

Only a valid ticket of a paid order is issued: a pending order's ticket would be refused at the door
(`unpaid`), so it gets no printable code yet, and a cancelled one never again.
PDFs are drawn in a worker thread: a sheet of three hundred badges must not stall other requests.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reportlab.lib.utils import ImageReader
from tortoise.expressions import Q

from events.accounts.models import Organisation, OrganisationLogo
from events.badges import pdf
from events.badges.pdf import Card, Layout, Progress, TicketTexts
from events.catalogue.models import Event, TicketType
from events.errors import N_, NotFound, TicketNotIssued
from events.i18n import format_hour, format_when, gettext
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus


def _issued(order: Order, ticket: Ticket) -> bool:
    return order.status == OrderStatus.PAID and ticket.status == TicketStatus.VALID


async def issued_ticket(order: Order, ticket_id: int) -> Ticket:
    """One of the order's tickets, once it may be shown at the door."""
    if not 0 < ticket_id < 2**31:  # ids are 32-bit in the database: a larger one names nothing
        raise NotFound()
    ticket = await Ticket.get_or_none(id=ticket_id, order_id=order.id).select_related("ticket_type")
    if ticket is None:
        raise NotFound()
    if not _issued(order, ticket):
        raise TicketNotIssued()
    return ticket


async def issued_tickets(order: Order) -> list[Ticket]:
    tickets = await Ticket.filter(order_id=order.id).order_by("id").select_related("ticket_type")
    issued = [t for t in tickets if _issued(order, t)]
    if not issued:
        raise TicketNotIssued()
    return issued


def when(event: Event) -> str:
    """The event's dates in its own time zone, in the reader's language."""
    start, end = event.starts_at, event.ends_at
    zone = ZoneInfo(event.timezone or "Europe/Paris")
    same_day = start.astimezone(zone).date() == end.astimezone(zone).date()
    until = format_hour(end, event.timezone) if same_day else format_when(end, event.timezone)
    return f"{format_when(start, event.timezone)} – {until}"


def place(event: Event) -> str:
    return ", ".join(part for part in (event.i18n.venue, event.address, event.city) if part)


@dataclass(frozen=True)
class Look:
    """The organisation's logo and colour for a print run, read once."""

    logo: ImageReader | None = None
    colour: str = ""


def card(
    event: Event, ticket: Ticket, ticket_type: TicketType, order_code: str, look: Look | None = None
) -> Card:
    look = look or Look()
    return Card(
        secret=ticket.secret,
        attendee_name=ticket.attendee_name,
        organisation=ticket.attendee_organisation,
        job_title=ticket.attendee_job_title,
        ticket_type=ticket_type.i18n.name,
        colour=ticket_type.badge_colour,
        event_title=event.i18n.title,
        when=when(event),
        place=place(event),
        reference=gettext(N_("Order {code} · Ticket {number}"), code=order_code, number=ticket.id),
        logo=look.logo,
        brand_colour=look.colour,
    )


async def _look(event: Event) -> Look:
    """The organisation's logo (already re-encoded PNG or JPEG) and colour."""
    found = await OrganisationLogo.get_or_none(organisation_id=event.organisation_id)
    organisation = await Organisation.get(id=event.organisation_id)
    return Look(ImageReader(io.BytesIO(bytes(found.content))) if found else None, organisation.colour)


def _texts() -> TicketTexts:
    return TicketTexts(
        title=gettext(N_("Ticket")),
        attendee=gettext(N_("Attendee")),
        show_code=gettext(N_("Show this code at the entrance, printed or on your phone.")),
    )


async def tickets_pdf(order: Order, tickets: Iterable[Ticket]) -> bytes:
    """The tickets as one PDF, a page each, in the current reader's language."""
    event = await Event.get(id=order.event_id)
    look = await _look(event)
    cards = [card(event, t, t.ticket_type, order.code, look) for t in tickets]
    title = gettext(N_("{event} · Order {code}"), event=event.i18n.title, code=order.code)
    return await asyncio.to_thread(pdf.tickets_pdf, cards, _texts(), title=title)


BADGE_ORDERS = ("surname", "organisation")
"""How a print run is sorted: by surname then first name (as the desk lays them out), or grouped by
organisation and by surname inside each."""


def surname_key(ticket: Ticket) -> tuple[str, str, str]:
    """Surname, first name, then the whole name (an erased or older ticket may have no parts)."""
    return (
        (ticket.attendee_last_name or ticket.attendee_name).casefold(),
        ticket.attendee_first_name.casefold(),
        ticket.attendee_name.casefold(),
    )


async def badge_tickets(
    event: Event, type_ids: list[int] | None = None, text: str = "", order: str = "surname"
) -> list[Ticket]:
    """The issued tickets of an event to print badges for, in the `order` asked (`BADGE_ORDERS`)."""
    query = Ticket.filter(event_id=event.id, status=TicketStatus.VALID, order__status=OrderStatus.PAID)
    if type_ids:
        query = query.filter(ticket_type_id__in=type_ids)
    if text.strip():
        term = text.strip()
        query = query.filter(Q(attendee_name__icontains=term) | Q(attendee_organisation__icontains=term))
    tickets = await query.select_related("ticket_type", "order")
    if order == "organisation":
        return sorted(tickets, key=lambda t: (t.attendee_organisation.casefold(), *surname_key(t), t.id))
    return sorted(tickets, key=lambda t: (*surname_key(t), t.id))


async def badges_pdf(
    event: Event, tickets: list[Ticket], layout: Layout, progress: Progress | None = None
) -> bytes:
    look = await _look(event)
    cards = [card(event, t, t.ticket_type, t.order.code, look) for t in tickets]
    title = gettext(N_("{event} · Badges"), event=event.i18n.title)
    return await asyncio.to_thread(pdf.badges_pdf, cards, layout, title=title, progress=progress)

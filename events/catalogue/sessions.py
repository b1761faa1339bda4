"""The programme: sessions of an event, and the places attendees book in them.

Organiser changes (create, edit, cancel) each raise the session's `sequence`, so that calendars replace
their copy, write an audit row in the same transaction, and clear the cached public pages. A cancelled
session is kept, with its bookings: the feeds go on showing it, marked cancelled, and its attendees
are told by e-mail (`notify_session_cancelled`).

Booking a place follows the rule that never oversells (DESIGN rule 4): inside the caller's
transaction, which has already written the event's row, each session row is written (its
`lock_version`) in id order before anything is counted, so two bookings for the same session queue up
on PostgreSQL and SQLite alike. A booking counts while its ticket is valid and its order is paid, or
pending with a hold that has not lapsed. A session limited to some ticket types (`Session.ticket_types`)
is booked only with a ticket of one of them: `open_to` is that rule, and `book_sessions`, the one way
every booking path goes, applies it.

    DomainError
    ├── Invalid
    │   ├── UnknownSession          422  invalid           (not a session of the ticket's event)
    │   └── SessionNotIncluded      422  invalid           (limited to other ticket types)
    └── Conflict
        ├── SessionFull             409  session_full
        ├── SessionOverlap          409  session_overlap
        ├── SessionCancelled        409  session_cancelled
        └── TicketCannotBook        409  ticket_cannot_book (cancelled ticket, lapsed or closed order)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise

from pydantic import ValidationError
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from events import clock, texts
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, EventStatus, Session, SessionStatus, TicketType
from events.catalogue.session_schemas import (
    SESSION_TEXTS,
    SessionInput,
    SessionPatch,
    SessionWindow,
    session_out,
    session_values,
    type_ids,
)
from events.errors import N_, Conflict, EventNotEditable, Invalid, NotFound
from events.i18n import gettext, ngettext
from events.ticketing.models import OrderStatus, SessionBooking, Ticket, TicketStatus
from events.validation import ID_MAX, field_errors
from events.web import links
from events.web.pagecache import public_pages


class UnknownSession(Invalid):
    def __init__(self, session_id: int) -> None:
        super().__init__({"sessions": gettext(N_("This session is not part of the event."))})
        self.details["session"] = session_id


class SessionNotIncluded(Invalid):
    """`field` names where the form shows it: `tickets.{n}.sessions` for the n-th ticket of an order."""

    def __init__(self, session: Session, field: str = "sessions") -> None:
        message = gettext(N_("The session “{title}” is not included with this ticket."))
        super().__init__({field: message.format(title=session.i18n.title)})
        self.details["session"] = session.id
        self.session = session


class SessionFull(Conflict):
    code = "session_full"
    default_message = N_("The session “{title}” is full.")

    def __init__(self, session: Session) -> None:
        super().__init__(details={"session": session.id}, title=session.i18n.title)


class SessionOverlap(Conflict):
    code = "session_overlap"
    default_message = N_("“{first}” and “{second}” take place at the same time.")

    def __init__(self, first: Session, second: Session) -> None:
        ids = sorted((first.id, second.id))
        super().__init__(details={"sessions": ids}, first=first.i18n.title, second=second.i18n.title)


class SessionCancelled(Conflict):
    code = "session_cancelled"
    default_message = N_("The session “{title}” has been cancelled.")

    def __init__(self, session: Session) -> None:
        super().__init__(details={"session": session.id}, title=session.i18n.title)


class TicketCannotBook(Conflict):
    code = "ticket_cannot_book"
    default_message = N_("This ticket can no longer book sessions.")


# ------------------------------------------------------------------ reading


def _live(query: QuerySet[SessionBooking]) -> QuerySet[SessionBooking]:
    """Bookings that hold a place: valid ticket, paid order or pending order still on hold."""
    pending = Q(ticket__order__status=OrderStatus.PENDING) & (
        Q(ticket__order__expires_at__gt=clock.now()) | Q(ticket__order__expires_at__isnull=True)
    )
    return query.filter(ticket__status=TicketStatus.VALID).filter(
        Q(ticket__order__status=OrderStatus.PAID) | pending
    )


async def booked_counts(session_ids: Iterable[int]) -> dict[int, int]:
    """How many places are held in each session (sessions without bookings are absent)."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = (
        await _live(SessionBooking.filter(session_id__in=ids))
        .annotate(booked=Count("id"))
        .group_by("session_id")
        .values_list("session_id", "booked")
    )
    return {int(session_id): int(booked) for session_id, booked in rows}


async def event_sessions(event: Event) -> list[Session]:
    """Every session of the event, cancelled ones included, in time order."""
    return (
        await Session.filter(event_id=event.id).order_by("starts_at", "id").prefetch_related("ticket_types")
    )


async def sessions_with_counts(event: Event) -> list[tuple[Session, int]]:
    sessions = await event_sessions(event)
    counts = await booked_counts(s.id for s in sessions if s.capacity is not None)
    return [(session, counts.get(session.id, 0)) for session in sessions]


async def event_session(event: Event, session_id: int) -> Session:
    """A session of this event; any other id is simply not found."""
    session = await Session.get_or_none(id=session_id, event_id=event.id)
    if session is None:
        raise NotFound()
    await _fetch_types(session)
    return session


async def _fetch_types(session: Session) -> None:
    """(Re)read the session's ticket types, after a change too."""
    await Session.fetch_for_list([session], "ticket_types")


def open_to(session: Session, ticket_type_id: int) -> bool:
    """Whether a ticket of this type may book the session (its types fetched): the one rule."""
    allowed = type_ids(session)
    return not allowed or ticket_type_id in allowed


def session_json(event: Event, session: Session, booked: int, organiser: bool = True) -> dict[str, object]:
    """A session's JSON; the organiser's API also shows both languages of its texts."""
    return session_out(session, event.timezone, booked, organiser=organiser)


async def sessions_json(event: Event, organiser: bool = True) -> list[dict[str, object]]:
    return [session_json(event, s, booked, organiser) for s, booked in await sessions_with_counts(event)]


async def public_sessions_json(event: Event) -> list[dict[str, object]]:
    """The `sessions` of the public event JSON (`GET /api/v1/public/events/{slug}`)."""
    return await sessions_json(event, organiser=False)


async def ticket_sessions(ticket: Ticket) -> list[Session]:
    """The sessions a ticket has booked, cancelled ones included, in time order."""
    return await Session.filter(bookings__ticket_id=ticket.id).order_by("starts_at", "id")


async def booked_session_ids(ticket_ids: Iterable[int]) -> dict[int, list[int]]:
    """For the `sessions` of the Ticket JSON: each ticket's booked session ids, in id order."""
    ids = list(ticket_ids)
    found: dict[int, list[int]] = {ticket_id: [] for ticket_id in ids}
    if not ids:
        return found
    rows = await SessionBooking.filter(ticket_id__in=ids).order_by("session_id")
    for booking in rows:
        found[booking.ticket_id].append(booking.session_id)
    return found


# ------------------------------------------------------------------ organiser changes


def validate_session(event: Event, data: object) -> SessionInput:
    """`data` as a SessionInput, read in the event's time zone and held to the event's dates."""
    try:
        return SessionInput.model_validate(data, context={"window": SessionWindow(event)})
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


async def _event_types(event: Event, ids: list[int]) -> list[TicketType]:
    """The event's ticket types with these ids; an id of no type of this event is refused."""
    wanted = set(ids)
    types = await TicketType.filter(event_id=event.id, id__in=wanted).order_by("id") if wanted else []
    if len(types) != len(wanted):
        raise Invalid({"ticket_types": gettext(N_("Choose ticket types of this event."))})
    return list(types)


async def _set_types(session: Session, types: list[TicketType]) -> None:
    await session.ticket_types.clear()
    if types:
        await session.ticket_types.add(*types)
    await _fetch_types(session)


def _snapshot(session: Session) -> dict[str, object]:
    values = session_values(session)
    values["starts_at"] = session.starts_at.isoformat()
    values["ends_at"] = session.ends_at.isoformat()
    values["status"] = str(session.status)
    values["sequence"] = session.sequence
    return values


def _editable(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise EventNotEditable()


async def create_session(user: User, event: Event, data: object) -> Session:
    _editable(event)
    values = validate_session(event, data)
    types = await _event_types(event, values.ticket_types)
    async with in_transaction():
        session = await Session.create(event_id=event.id, **values.model_dump(exclude={"ticket_types"}))
        await _set_types(session, types)
        await audit.record(
            user, user.organisation_id, "session.created", "session", session.id, after=_snapshot(session)
        )
    public_pages.clear()
    return session


async def _lock(session: Session) -> None:
    """Write the session's row first: it waits for any booking in progress, and raises `sequence`."""
    await Session.filter(id=session.id).update(lock_version=F("lock_version") + 1, sequence=F("sequence") + 1)
    await session.refresh_from_db()


async def _check_capacity(session: Session, capacity: int | None) -> None:
    if capacity is None:
        return
    booked = (await booked_counts([session.id])).get(session.id, 0)
    if booked > capacity:
        message = ngettext(
            "{n} place is already booked: the capacity cannot be lower.",
            "{n} places are already booked: the capacity cannot be lower.",
            booked,
        )
        raise Invalid({"capacity": message})


def _action(before: SessionStatus, after: SessionStatus) -> str:
    if before == after:
        return "session.updated"
    return "session.cancelled" if after == SessionStatus.CANCELLED else "session.restored"


async def update_session(user: User, event: Event, session: Session, patch: SessionPatch) -> Session:
    """Change some fields; cancelling this way tells the attendees, as `cancel_session` does."""
    _editable(event)
    changes = texts.expand(patch.model_dump(exclude_unset=True), SESSION_TEXTS)
    await _fetch_types(session)
    values = validate_session(event, {**session_values(session), **changes})
    types = await _event_types(event, values.ticket_types)
    async with in_transaction():
        await _lock(session)
        await _fetch_types(session)
        before = _snapshot(session)
        await _check_capacity(session, values.capacity)
        for name, value in values.model_dump(exclude={"ticket_types"}).items():
            setattr(session, name, value)
        await session.save()
        if [t.id for t in types] != type_ids(session):
            await _set_types(session, types)
        action = _action(SessionStatus(str(before["status"])), session.status)
        if action == "session.cancelled":
            await notify_session_cancelled(session, await _attendees(session))
        after = _snapshot(session)
        await audit.record(user, user.organisation_id, action, "session", session.id, before, after)
    public_pages.clear()
    return session


async def cancel_session(user: User, event: Event, session: Session) -> Session:
    """Mark the session cancelled (it stays in the programme and the feeds) and tell its attendees."""
    if session.status == SessionStatus.CANCELLED:
        return session
    return await update_session(user, event, session, SessionPatch(status=SessionStatus.CANCELLED))


async def restore_session(user: User, event: Event, session: Session) -> Session:
    if session.status == SessionStatus.SCHEDULED:
        return session
    return await update_session(user, event, session, SessionPatch(status=SessionStatus.SCHEDULED))


async def _attendees(session: Session) -> list[Ticket]:
    """The tickets that hold a place in the session, with their order and event, to write to them."""
    bookings = await _live(SessionBooking.filter(session_id=session.id)).prefetch_related(
        "ticket__order", "ticket__event"
    )
    return [booking.ticket for booking in bookings]


async def notify_session_cancelled(session: Session, tickets: Sequence[Ticket]) -> None:
    """Tell each attendee who booked `session` that it is cancelled: one outbox row each.

    Called inside the cancelling transaction, so the e-mails exist if and only if the cancellation
    does. `tickets` come with their `order` and `event` fetched.
    """
    from events.mail.services import enqueue_template

    for ticket in tickets:
        order, event = ticket.order, ticket.event
        address = ticket.attendee_email or order.buyer_email
        if not address:
            continue
        await enqueue_template(
            "mail/session_cancelled",
            to=address,
            locale=order.locale,
            context={
                "session": session,
                "event": event,
                "name": ticket.attendee_name,
                "programme_url": links.absolute("event_programme", slug=event.slug),
                "agenda_url": links.absolute("ical_agenda", token=ticket.agenda_token),
            },
            kind="session_cancelled",
            dedupe_key=f"session-cancelled:{session.id}:{session.sequence}:{ticket.id}",
        )


# ------------------------------------------------------------------ bookings


def _overlapping(sessions: Sequence[Session]) -> tuple[Session, Session] | None:
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    for earlier, later in pairwise(ordered):
        if later.starts_at < earlier.ends_at:
            return earlier, later
    return None


async def _lock_sessions(event_id: int, session_ids: list[int]) -> list[Session]:
    """Write each session's row, in id order, then read them: counts made after this are exact."""
    for session_id in session_ids:
        if not 1 <= session_id <= ID_MAX:  # no such row can exist, and the column would refuse it
            raise UnknownSession(session_id)
        written = await Session.filter(id=session_id, event_id=event_id).update(
            lock_version=F("lock_version") + 1
        )
        if not written:
            raise UnknownSession(session_id)
    return await Session.filter(id__in=session_ids).order_by("id").prefetch_related("ticket_types")


async def _check_places(sessions: Sequence[Session]) -> None:
    limited = [s for s in sessions if s.capacity is not None]
    counts = await booked_counts(s.id for s in limited)
    for session in limited:
        assert session.capacity is not None
        if counts.get(session.id, 0) >= session.capacity:
            raise SessionFull(session)


async def book_sessions(ticket: Ticket, session_ids: Iterable[int]) -> list[SessionBooking]:
    """Book places for `ticket` in these sessions, inside the caller's transaction; its bookings.

    The caller has already written the event's row (DESIGN rule 4: the order transaction does so
    first). Sessions already booked by this ticket are kept as they are. Raises UnknownSession,
    SessionNotIncluded (limited to other ticket types), SessionCancelled, SessionOverlap (with each
    other or with the ticket's other bookings) or SessionFull, and then the caller's transaction
    should roll back.
    """
    wanted = sorted(set(session_ids))
    if not wanted:
        return []
    if ticket.status != TicketStatus.VALID:
        raise TicketCannotBook()
    sessions = await _lock_sessions(ticket.event_id, wanted)
    for session in sessions:
        if session.status != SessionStatus.SCHEDULED:
            raise SessionCancelled(session)
        if not open_to(session, ticket.ticket_type_id):
            raise SessionNotIncluded(session)
    held = await Session.filter(bookings__ticket_id=ticket.id, status=SessionStatus.SCHEDULED)
    held_ids = {s.id for s in held}
    new = [s for s in sessions if s.id not in held_ids]
    clash = _overlapping([*held, *new])
    if clash is not None:
        raise SessionOverlap(*clash)
    await _check_places(new)
    for session in new:
        await SessionBooking.create(ticket_id=ticket.id, session_id=session.id)
    if new:
        await Ticket.filter(id=ticket.id).update(updated_at=clock.now())
    return await SessionBooking.filter(ticket_id=ticket.id, session_id__in=wanted).order_by("session_id")


def _can_book(ticket: Ticket, event: Event, now: datetime) -> bool:
    order = ticket.order
    if ticket.status != TicketStatus.VALID or event.status != EventStatus.PUBLISHED:
        return False
    if order.status == OrderStatus.PAID:
        return True
    return order.status == OrderStatus.PENDING and (order.expires_at is None or order.expires_at > now)


async def book_later(ticket: Ticket, session_ids: Iterable[int]) -> list[SessionBooking]:
    """Book sessions for a ticket already bought (the order page), in a transaction of its own.

    Writes the event's row first, like an order does, then decides on fresh rows.
    """
    async with in_transaction():
        await Event.filter(id=ticket.event_id).update(lock_version=F("lock_version") + 1)
        fresh = await Ticket.get(id=ticket.id).select_related("order", "event")
        if not _can_book(fresh, fresh.event, clock.now()):
            raise TicketCannotBook()
        return await book_sessions(fresh, session_ids)


async def cancel_booking(ticket: Ticket, session_id: int) -> None:
    """Give back the ticket's place in a session (the attendee changed their mind)."""
    async with in_transaction():
        deleted = await SessionBooking.filter(ticket_id=ticket.id, session_id=session_id).delete()
        if not deleted:
            raise NotFound()
        await Ticket.filter(id=ticket.id).update(updated_at=clock.now())

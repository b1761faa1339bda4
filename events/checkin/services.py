"""Check-in lists, their live figures, and the search by name at the door (the scan itself: `redeem.py`).

Every event has a main list (every ticket type, made on first use); other lists admit some ticket types
(a gala dinner, a workshop room), with their own hours and entry rule, or are a programme session's room
(`session`: those booked in it, from 30 minutes before it starts to its end; see `rooms.py`).
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.cache import TtlCache
from events.catalogue.models import Event, Session, TicketType
from events.checkin.models import CheckinConflict, CheckinList, ListTicketState, ScanNonce
from events.checkin.schemas import CheckinListIn, list_out, unprintable
from events.errors import N_, Invalid, NotFound
from events.i18n import gettext
from events.ticketing.figures import sold_by_type
from events.ticketing.models import OrderStatus, SessionBooking, Ticket, TicketStatus
from events.validation import validate

NONCE_RETENTION = timedelta(days=7)
MAIN_LIST_NAME = N_("Main entrance")

CLOSED_ORDERS = {OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.EXPIRED}
LIST_CACHE_SECONDS = 5.0
_lists: TtlCache[tuple[int, str, int | None], tuple[CheckinList, frozenset[int]]] = TtlCache(
    LIST_CACHE_SECONDS
)
"""Lists as scans read them, per process, for a few seconds: a scan is answered with one query less."""


# ---------------------------------------------------------------- lists


async def main_list(event: Event) -> CheckinList:
    """The event's main list (every ticket type), made on first use.

    Two first scans at once must not make two main lists: the creation writes the event's row first,
    which serialises it on both databases (the same lock as orders), then looks again.
    """
    found = await CheckinList.filter(event_id=event.id, is_main=True).order_by("id").first()
    if found is not None:
        return found
    async with in_transaction():
        await Event.filter(id=event.id).update(lock_version=F("lock_version") + 1)
        found = await CheckinList.filter(event_id=event.id, is_main=True).order_by("id").first()
        if found is None:
            found = await CheckinList.create(event_id=event.id, name=MAIN_LIST_NAME, is_main=True)
    return found


async def checkin_lists(event: Event) -> list[CheckinList]:
    await main_list(event)
    return await CheckinList.filter(event_id=event.id).order_by("-is_main", "id")


async def checkin_list(event: Event, list_id: int | None) -> CheckinList:
    """The list asked for (None: the main list); another event's list does not exist here."""
    if list_id is None:
        return await main_list(event)
    found = await CheckinList.get_or_none(id=list_id, event_id=event.id)
    if found is None:
        raise NotFound()
    return found


async def scan_list(event: Event, list_id: int | None) -> tuple[CheckinList, frozenset[int]]:
    """The list a scan is for, with the ticket types it admits (empty: every type), cached briefly."""
    key = (event.id, event.created_at.isoformat(), list_id)
    cached = _lists.get(key)
    if cached is not None:
        return cached
    found = await checkin_list(event, list_id)
    return _lists.put(key, (found, frozenset(await list_type_ids(found))))


async def list_type_ids(checkin_list: CheckinList) -> list[int]:
    if checkin_list.all_ticket_types:
        return []
    return [t.id for t in await checkin_list.ticket_types.all()]


def list_name(checkin_list: CheckinList) -> str:
    """The main list is named in the reader's language; the others as their organiser named them."""
    return gettext(MAIN_LIST_NAME) if checkin_list.is_main else checkin_list.name


async def lists_json(event: Event) -> list[dict[str, object]]:
    return [
        {**list_out(found, await list_type_ids(found)), "name": list_name(found)}
        for found in await checkin_lists(event)
    ]


async def create_list(user: User, event: Event, data: object) -> CheckinList:
    """A list limited to some ticket types (none named: every type), with its own entry rule and hours."""
    values = validate(CheckinListIn, data).localised(event.timezone)
    wanted = set(values.ticket_types)
    types = await TicketType.filter(event_id=event.id, id__in=wanted)
    if len(types) != len(wanted):
        raise Invalid({"ticket_types": gettext(N_("Choose ticket types of this event."))})
    if values.session is not None and not await Session.exists(id=values.session, event_id=event.id):
        raise Invalid({"session": gettext(N_("Choose a session of this event's programme."))})
    await main_list(event)
    async with in_transaction():
        created = await CheckinList.create(
            event_id=event.id,
            name=values.name,
            all_ticket_types=not wanted,
            allow_multiple_entries=values.allow_multiple_entries,
            once_per_day=values.once_per_day,
            session_id=values.session,
            valid_from=values.valid_from,
            valid_until=values.valid_until,
        )
        if types:
            await created.ticket_types.add(*types)
        await audit.record(
            user, event.organisation_id, "checkin_list.created", "checkin_list", created.id,
            after={**list_out(created, sorted(wanted)), "event": event.slug},
        )  # fmt: skip
    _lists.clear()
    return created


# ---------------------------------------------------------------- figures and search


async def _per_list(event: Event, **condition: object) -> dict[int, int]:
    """Badges of each of the event's lists whose state meets `condition`, in one grouped query."""
    rows = (
        await ListTicketState.filter(checkin_list__event_id=event.id, **condition)
        .annotate(n=Count("id"))
        .group_by("checkin_list_id")
        .values_list("checkin_list_id", "n")
    )
    return {int(list_id): int(n) for list_id, n in rows}


async def _conflicts_per_list(event: Event) -> dict[int, int]:
    rows = (
        await CheckinConflict.filter(checkin_list__event_id=event.id)
        .annotate(n=Count("id"))
        .group_by("checkin_list_id")
        .values_list("checkin_list_id", "n")
    )
    return {int(list_id): int(n) for list_id, n in rows}


async def _booked_per_session(event: Event) -> dict[int, int]:
    """Valid places booked in each session that needs a booking: whom its room expects."""
    rows = (
        await SessionBooking.filter(
            session__event_id=event.id, session__capacity__isnull=False, ticket__status=TicketStatus.VALID
        )
        .annotate(n=Count("id"))
        .group_by("session_id")
        .values_list("session_id", "n")
    )
    return {int(session_id): int(n) for session_id, n in rows}


async def stats(event: Event) -> list[dict[str, object]]:
    """Per list: badges that came in at least once, badges inside now, badges expected, and entries two
    doors both admitted offline (conflicts)."""
    sold = await sold_by_type(event)
    checked_in = await _per_list(event, entries__gt=0)
    inside = await _per_list(event, inside=True)
    conflicts = await _conflicts_per_list(event)
    booked = await _booked_per_session(event)
    figures = []
    for found in await checkin_lists(event):
        admitted = await list_type_ids(found)
        expected = sold.total() if found.all_ticket_types else sum(sold[type_id] for type_id in admitted)
        if found.session_id in booked:
            expected = booked[found.session_id]
        figures.append(
            {
                "id": found.id,
                "name": list_name(found),
                "checked_in": checked_in.get(found.id, 0),
                "inside": inside.get(found.id, 0),
                "expected": expected,
                "conflicts": conflicts.get(found.id, 0),
                "session": found.session_id,
            }
        )
    return figures


def standing(ticket_status: str, order_status: str) -> str:
    """What a ticket is worth at any door, before lists and hours: cancelled, unpaid or valid."""
    if ticket_status == TicketStatus.CANCELLED or order_status in CLOSED_ORDERS:
        return "cancelled"
    if order_status == OrderStatus.PENDING:
        return "unpaid"
    return "valid"


async def search(
    event: Event, text: str, list_id: int | None = None, limit: int = 20
) -> list[dict[str, object]]:
    """Attendees whose name, organisation or order code matches, for a badge left at home."""
    term = text.strip()
    if len(term) < 2 or unprintable(term):
        return []
    door_list = await checkin_list(event, list_id)
    found = (
        await Ticket.filter(event_id=event.id)
        .filter(
            Q(attendee_name__icontains=term)
            | Q(attendee_organisation__icontains=term)
            | Q(order__code=term.upper()[:12])
        )
        .select_related("order", "ticket_type")
        .order_by("attendee_name", "id")
        .limit(limit)
    )
    states = ListTicketState.filter(
        checkin_list_id=door_list.id, ticket_id__in=[t.id for t in found], inside=True
    )
    inside = {state.ticket_id for state in await states}
    return [
        {
            "id": ticket.id,
            "attendee_name": ticket.attendee_name,
            "organisation": ticket.attendee_organisation,
            "ticket_type": ticket.ticket_type.i18n.name,
            "order": ticket.order.code,
            "status": standing(ticket.status, ticket.order.status),
            "inside": ticket.id in inside,
        }
        for ticket in found
    ]


async def purge_nonces() -> int:
    """Stored answers outlive any retry by far after a week."""
    return await ScanNonce.filter(created_at__lt=clock.now() - NONCE_RETENTION).delete()

"""Partnering set-up, participants' spaces and profiles, and meeting requests.

Who sees what: the organiser (by organisation) sees everything of their events; a participant (by the
token of a live ticket) sees their own space and the visible profiles of the same event, never an
e-mail address or a ticket secret. A profile is visible only by its owner's own switch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.cache import TtlCache
from events.catalogue.models import Event, EventStatus
from events.errors import (
    N_,
    Conflict,
    Forbidden,
    Invalid,
    InvalidTransition,
    NotFound,
    RequestsClosed,
    Unauthenticated,
)
from events.i18n import gettext
from events.partnering import notices, tokens
from events.partnering.models import (
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Participant,
    PartneringSetup,
    RequestStatus,
    Slot,
)
from events.partnering.schemas import ID_MAX, ProfileIn, RequestIn, SetupIn
from events.ticketing.availability import live_ticket_filter
from events.ticketing.models import Ticket
from events.validation import validate


def live_participant_filter(now: datetime) -> Q:
    """Participants whose ticket still holds its place: a cancelled ticket's space is closed at once."""
    live_tickets = Ticket.filter(live_ticket_filter(now)).values("id")
    return Q(closed=False, ticket_id__in=Subquery(live_tickets))


# ------------------------------------------------------------------ set-up


_switched_on: TtlCache[int, bool] = TtlCache(ttl=5)


async def partnering_on(event_id: int) -> bool:
    """Whether the event has partnering on: what every new order's answer asks. A hint of a few
    seconds in another process; this one forgets it as soon as the event is configured."""
    return bool(
        await _switched_on.fetch(event_id, lambda: PartneringSetup.exists(event_id=event_id, enabled=True))
    )


async def setup_of(event: Event) -> PartneringSetup | None:
    return await PartneringSetup.get_or_none(event_id=event.id)


async def enabled_setup(event: Event) -> PartneringSetup:
    setup = await setup_of(event)
    if setup is None or not setup.enabled:
        raise NotFound()
    return setup


async def event_slots(event: Event) -> list[Slot]:
    return await Slot.filter(event_id=event.id).order_by("starts_at", "id")


def _aware(value: datetime, zone: str) -> datetime:
    """A time without offset is read in the event's time zone (API.md §2)."""
    return value.replace(tzinfo=ZoneInfo(zone)) if value.tzinfo is None else value


MAX_SLOTS = 2000
"""Meeting slots an event may have: weeks of five-minute meetings, far below what would take the server
minutes to cut and store (an event may last years)."""


def _cut(event: Event, values: SetupIn) -> list[tuple[datetime, datetime]]:
    """Each window cut into meetings; a remainder shorter than a meeting is dropped."""
    length = timedelta(minutes=values.meeting_minutes)
    cuts: list[tuple[datetime, datetime]] = []
    errors: dict[str, str] = {}
    for index, window in enumerate(values.windows):
        start, end = _aware(window.starts_at, event.timezone), _aware(window.ends_at, event.timezone)
        if end <= start:
            errors[f"windows.{index}.ends_at"] = gettext(N_("The end must come after the start."))
            continue
        if start < event.starts_at or end > event.ends_at:
            errors[f"windows.{index}"] = gettext(N_("A meeting window must lie within the event."))
            continue
        if (end - start) // length + len(cuts) > MAX_SLOTS:
            raise Invalid(
                {
                    "windows": gettext(
                        N_("At most {count} meeting slots in all: shorten the windows."), count=MAX_SLOTS
                    )
                }
            )
        while start + length <= end:
            cuts.append((start, start + length))
            start += length
    cuts.sort()
    if any(a[1] > b[0] for a, b in pairwise(cuts)):
        errors["windows"] = gettext(N_("Meeting windows must not overlap."))
    if errors:
        raise Invalid(errors)
    return cuts


async def _reconcile_slots(event: Event, cuts: list[tuple[datetime, datetime]]) -> None:
    """Keep slots that still exist (their meetings stay), drop the others unless meetings use them."""
    existing = {slot.starts_at: slot for slot in await event_slots(event)}
    wanted = {start: end for start, end in cuts}
    gone = [slot for start, slot in existing.items() if start not in wanted or slot.ends_at != wanted[start]]
    if gone:
        busy = await Meeting.filter(slot_id__in=[s.id for s in gone]).exclude(status=MeetingStatus.CANCELLED)
        if busy:
            raise Conflict(N_("Meetings are placed in slots this change would remove: move them first."))
        await Meeting.filter(slot_id__in=[s.id for s in gone]).delete()
        await Slot.filter(id__in=[s.id for s in gone]).delete()
    kept = {slot.starts_at for slot in existing.values() if slot not in gone}
    for start, end in cuts:
        if start not in kept:
            await Slot.create(event_id=event.id, starts_at=start, ends_at=end)


def _setup_fields(event: Event, values: SetupIn) -> dict[str, Any]:
    if len(values.table_names) > values.tables:
        raise Invalid({"table_names": gettext(N_("Give at most one name per table."))})
    closes = _aware(values.requests_close_at, event.timezone) if values.requests_close_at else None
    return {
        "enabled": values.enabled,
        "meeting_minutes": values.meeting_minutes,
        "tables": values.tables,
        "table_names": values.table_names,
        "max_meetings": values.max_meetings,
        "requests_close_at": closes,
        "topics": [t.model_dump() for t in values.topics if t.fr or t.en],
        "cooperation_types": [t.model_dump() for t in values.cooperation_types if t.fr or t.en],
        "follow_up_months": values.follow_up_months,
    }


async def configure(user: User, event: Event, data: object) -> PartneringSetup:
    """Switch partnering on or off and set its rules; opening it e-mails every attendee once."""
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition()
    values = validate(SetupIn, data)
    cuts = _cut(event, values)
    fields = _setup_fields(event, values)
    if values.enabled and not cuts:
        raise Invalid({"windows": gettext(N_("Give at least one meeting window."))})
    async with in_transaction():
        setup = await PartneringSetup.get_or_none(event_id=event.id)
        before = _audit_view(setup)
        if setup is None:
            setup = await PartneringSetup.create(event_id=event.id, **fields)
        else:
            await PartneringSetup.filter(id=setup.id).update(lock_version=F("lock_version") + 1)
            setup.update_from_dict(fields)
            await setup.save()
        await _reconcile_slots(event, cuts)
        if setup.enabled and setup.opened_at is None:
            setup.opened_at = clock.now()
            await setup.save(update_fields=["opened_at"])
            await notices.opened(event)
        await audit.record(
            user, event.organisation_id, "partnering.configured", "event", event.id,
            before=before, after=_audit_view(setup),
        )  # fmt: skip
    _switched_on.clear()
    return setup


def _audit_view(setup: PartneringSetup | None) -> dict[str, object] | None:
    if setup is None:
        return None
    return {
        "enabled": setup.enabled,
        "meeting_minutes": setup.meeting_minutes,
        "windows": setup.windows,
        "tables": setup.tables,
        "table_names": setup.table_names,
        "max_meetings": setup.max_meetings,
        "requests_close_at": setup.requests_close_at.isoformat() if setup.requests_close_at else None,
        "topics": setup.topics,
        "cooperation_types": setup.cooperation_types,
    }


def label(pair: dict[str, str], locale: str) -> str:
    return pair.get(locale) or pair.get("en") or pair.get("fr") or ""


def setup_out(event: Event, setup: PartneringSetup, slots: list[Slot], locale: str) -> dict[str, Any]:
    windows = _windows(slots, setup.meeting_minutes)
    return {
        "enabled": setup.enabled,
        "meeting_minutes": setup.meeting_minutes,
        "windows": windows,
        "tables": setup.tables,
        "table_names": setup.table_names,
        "max_meetings": setup.max_meetings,
        "requests_close_at": setup.requests_close_at.isoformat() if setup.requests_close_at else None,
        "topics": [label(t, locale) for t in setup.topics],
        "cooperation_types": [label(t, locale) for t in setup.cooperation_types],
        "slots": [slot_out(slot) for slot in slots],
        "published_at": setup.published_at.isoformat() if setup.published_at else None,
        "translations": {"topics": setup.topics, "cooperation_types": setup.cooperation_types},
    }


def _windows(slots: list[Slot], minutes: int) -> list[dict[str, str]]:
    """The windows as the slots make them (runs of back-to-back slots)."""
    runs: list[list[datetime]] = []
    for slot in slots:
        if runs and runs[-1][1] == slot.starts_at:
            runs[-1][1] = slot.ends_at
        else:
            runs.append([slot.starts_at, slot.ends_at])
    return [{"starts_at": start.isoformat(), "ends_at": end.isoformat()} for start, end in runs]


def slot_out(slot: Slot) -> dict[str, object]:
    return {"id": slot.id, "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat()}


# ------------------------------------------------------------------ participants


async def _find_participant(token: str) -> Participant | None:
    """The space behind a token, made on first visit; None for a closed space or a dead ticket."""
    ticket_id = tokens.ticket_id_of(token)
    if ticket_id is None:
        return None
    ticket = (
        await Ticket.filter(live_ticket_filter(clock.now()), id=ticket_id)
        .select_related("order", "event")
        .first()
    )
    if ticket is None or not tokens.matches(token, ticket) or ticket.event.status == EventStatus.DRAFT:
        return None
    setup = await setup_of(ticket.event)
    if setup is None or not setup.enabled:
        return None
    participant, _created = await Participant.get_or_create(
        ticket_id=ticket.id, defaults={"event_id": ticket.event_id}
    )
    if participant.closed:
        return None
    participant.ticket = ticket
    return participant


async def participant_for_token(token: str) -> Participant:
    """For the space's pages: an unknown or closed space is simply not found."""
    participant = await _find_participant(token)
    if participant is None:
        raise NotFound()
    return participant


async def participant_or_none(token: str) -> Participant | None:
    """A token that may be a participant's key (the directory takes participants and organisers)."""
    return await _find_participant(token) if tokens.ticket_id_of(token) is not None else None


async def participant_for_key(token: str) -> Participant:
    """For the API, where the token is the participant's key: a dead key is unauthenticated."""
    participant = await _find_participant(token)
    if participant is None:
        raise Unauthenticated()
    return participant


def locale_of(participant: Participant) -> str:
    return participant.ticket.order.locale


async def visible_profiles(event: Event, q: str = "", kind: str = "", topic: str = "") -> list[Participant]:
    """The directory: visible, open spaces of live tickets, searched by words, kind and topic."""
    query = Participant.filter(live_participant_filter(clock.now()), event_id=event.id, visible=True)
    if kind:
        query = query.filter(organisation_kind=kind)
    found = await query.select_related("ticket").order_by("ticket__attendee_name", "id")
    words = [word.casefold() for word in q.split()][:10]
    topic_key = topic.casefold()
    return [p for p in found if _matches(p, words) and (not topic_key or topic_key in _topic_keys(p))]


def _topic_keys(participant: Participant) -> set[str]:
    return {t.casefold() for t in participant.topics}


def _matches(participant: Participant, words: list[str]) -> bool:
    cards = " ".join(f"{c.get('title', '')} {c.get('description', '')}" for c in participant.offers)
    needs = " ".join(f"{c.get('title', '')} {c.get('description', '')}" for c in participant.looking_for)
    text = " ".join(
        (
            participant.ticket.attendee_name,
            participant.ticket.attendee_organisation,
            participant.headline,
            participant.description,
            " ".join(participant.topics),
            cards,
            needs,
        )
    ).casefold()
    return all(word in text for word in words)


def profile_out(
    participant: Participant, setup: PartneringSetup | None = None, locale: str = "en"
) -> dict[str, object]:
    """What others may see of a participant: never an e-mail address or a ticket secret."""
    return {
        "id": participant.id,
        "name": participant.ticket.attendee_name,
        "organisation": participant.ticket.attendee_organisation,
        "organisation_kind": str(participant.organisation_kind),
        "headline": participant.headline,
        "description": participant.description,
        "topics": [_topic_label(setup, t, locale) for t in participant.topics],
        "offers": participant.offers,
        "looking_for": participant.looking_for,
        "languages": participant.languages,
    }


def own_profile_out(participant: Participant, setup: PartneringSetup, locale: str) -> dict[str, object]:
    return {
        **profile_out(participant, setup, locale),
        "visible": participant.visible,
        "available_slots": participant.available_slots,
    }


def _topic_label(setup: PartneringSetup | None, key: str, locale: str) -> str:
    if setup is not None:
        for pair in setup.topics:
            if key in (pair.get("fr"), pair.get("en")):
                return label(pair, locale)
    return key


def _topic_key(setup: PartneringSetup, given: str) -> str | None:
    """A topic named in either language, kept by its English label (the French when there is none)."""
    wanted = given.casefold()
    for pair in setup.topics:
        if wanted in (pair.get("fr", "").casefold(), pair.get("en", "").casefold()):
            return pair.get("en") or pair.get("fr")
    return None


async def update_profile(participant: Participant, data: object) -> Participant:
    """The participant's own profile; `visible` is their consent to be listed, withdrawable at any time."""
    values = validate(ProfileIn, data)
    event = await Event.get(id=participant.event_id)
    setup = await enabled_setup(event)
    topics = []
    for index, given in enumerate(values.topics):
        key = _topic_key(setup, given)
        if key is None:
            raise Invalid({f"topics.{index}": gettext(N_("Choose one of the offered values."))})
        if key not in topics:
            topics.append(key)
    slot_ids = {slot.id for slot in await event_slots(event)}
    if not set(values.available_slots) <= slot_ids:
        raise Invalid({"available_slots": gettext(N_("Choose one of the offered values."))})
    participant.update_from_dict(
        {
            "visible": values.visible,
            "organisation_kind": values.organisation_kind,
            "headline": values.headline,
            "description": values.description,
            "topics": topics,
            "offers": [card.model_dump() for card in values.offers],
            "looking_for": [card.model_dump() for card in values.looking_for],
            "languages": sorted(set(values.languages)),
            "available_slots": sorted(set(values.available_slots)),
        }
    )
    await participant.save()
    return participant


# ------------------------------------------------------------------ requests


async def lock(event_id: int) -> PartneringSetup:
    """Write the set-up's row first: it serialises requests and scheduling on both databases."""
    await PartneringSetup.filter(event_id=event_id).update(lock_version=F("lock_version") + 1)
    setup = await PartneringSetup.get_or_none(event_id=event_id)
    if setup is None:  # partnering never set up for this event: nothing to lock, nothing to act on
        raise NotFound()
    return setup


def request_out(request: MeetingRequest) -> dict[str, object]:
    return {
        "id": request.id,
        "from": request.sender_id,
        "to": request.receiver_id,
        "message": request.message,
        "status": str(request.status),
        "created_at": request.created_at.isoformat(),
    }


async def send_request(participant: Participant, data: object) -> MeetingRequest:
    """Ask a visible participant of the same event for a meeting, before the deadline, once per pair."""
    values = validate(RequestIn, data)
    now = clock.now()
    async with in_transaction():
        setup = await lock(participant.event_id)
        if setup.requests_close_at is not None and now >= setup.requests_close_at:
            raise RequestsClosed()
        target = await Participant.filter(
            live_participant_filter(now), id=values.to, event_id=participant.event_id, visible=True
        ).first()
        if target is None or target.id == participant.id:
            raise NotFound()
        pair = Q(sender_id=participant.id, receiver_id=target.id) | Q(
            sender_id=target.id, receiver_id=participant.id
        )
        live = (RequestStatus.PENDING, RequestStatus.ACCEPTED)
        if await MeetingRequest.filter(pair, status__in=live).exists():
            raise Conflict(N_("A request between you two is already pending or accepted."))
        created = await MeetingRequest.create(
            event_id=participant.event_id,
            sender_id=participant.id,
            receiver_id=target.id,
            message=values.message,
        )
        await notices.request_received(created)
    return created


async def _own_request(participant: Participant, request_id: int) -> MeetingRequest:
    found = None
    if 0 < request_id <= ID_MAX:
        found = await MeetingRequest.get_or_none(id=request_id, event_id=participant.event_id)
    if found is None or participant.id not in (found.sender_id, found.receiver_id):
        raise NotFound()
    return found


async def answer_request(participant: Participant, request_id: int, accept: bool) -> MeetingRequest:
    """Only the receiver accepts or declines, and only a pending request."""
    async with in_transaction():
        await lock(participant.event_id)
        found = await _own_request(participant, request_id)
        if found.receiver_id != participant.id:
            raise Forbidden()
        if found.status != RequestStatus.PENDING:
            raise InvalidTransition()
        found.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        await found.save(update_fields=["status", "updated_at"])
        await notices.request_answered(found)
    return found


async def cancel_request(participant: Participant, request_id: int) -> MeetingRequest:
    """The sender withdraws a pending or accepted request; a meeting already placed is cancelled."""
    async with in_transaction():
        await lock(participant.event_id)
        found = await _own_request(participant, request_id)
        if found.sender_id != participant.id:
            raise Forbidden()
        if found.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
            raise InvalidTransition()
        found.status = RequestStatus.CANCELLED
        await found.save(update_fields=["status", "updated_at"])
        meeting = await Meeting.get_or_none(request_id=found.id, status=MeetingStatus.SCHEDULED)
        if meeting is not None:
            await cancel_meeting(meeting)
    return found


async def cancel_meeting(meeting: Meeting) -> None:
    """Cancelled, not deleted: calendars must see STATUS:CANCELLED, and the participants are told."""
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    await meeting.save(update_fields=["status", "sequence", "updated_at"])
    await notices.meeting_changed(meeting)


async def requests_of(participant: Participant) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    sent = await MeetingRequest.filter(sender_id=participant.id).order_by("-created_at", "-id")
    received = await MeetingRequest.filter(receiver_id=participant.id).order_by("-created_at", "-id")
    return sent, received


async def close_dead_spaces() -> int:
    """Spaces of tickets that no longer hold a place: closed, out of the directory, meetings cancelled."""
    now = clock.now()
    open_ids = [int(row["id"]) for row in await Participant.filter(closed=False).values("id")]
    if not open_ids:
        return 0
    live_ids = {int(row["id"]) for row in await Participant.filter(live_participant_filter(now)).values("id")}
    dead = [pid for pid in open_ids if pid not in live_ids]
    for participant_id in dead:
        await close_space(participant_id)
    return len(dead)


async def close_space(participant_id: int) -> None:
    async with in_transaction():
        await Participant.filter(id=participant_id).update(closed=True, visible=False)
        mine = Q(sender_id=participant_id) | Q(receiver_id=participant_id)
        await MeetingRequest.filter(mine, status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED)).update(
            status=RequestStatus.CANCELLED
        )
        for meeting in await Meeting.filter(mine, status=MeetingStatus.SCHEDULED):
            await cancel_meeting(meeting)


async def copy_partnering(
    source: Event, target: Event, move: Callable[[datetime], datetime]
) -> PartneringSetup | None:
    """For event duplication: the set-up and its slots, each moment moved by `move`; no people.

    The copy starts unpublished and not yet opened, so that its own opening e-mail goes out when the
    organiser switches it on. Called inside the duplication's transaction (it writes no audit row of
    its own: the duplication records one).
    """
    setup = await setup_of(source)
    if setup is None:
        return None
    closes = move(setup.requests_close_at) if setup.requests_close_at else None
    copied = await PartneringSetup.create(
        event_id=target.id, enabled=False, meeting_minutes=setup.meeting_minutes, tables=setup.tables,
        table_names=list(setup.table_names), max_meetings=setup.max_meetings, requests_close_at=closes,
        topics=[dict(t) for t in setup.topics], cooperation_types=[dict(t) for t in setup.cooperation_types],
        follow_up_months=setup.follow_up_months,
    )  # fmt: skip
    for slot in await event_slots(source):
        await Slot.create(event_id=target.id, starts_at=move(slot.starts_at), ends_at=move(slot.ends_at))
    return copied

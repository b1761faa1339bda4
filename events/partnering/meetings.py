"""Meetings: scheduling accepted requests, moving them by hand, publishing, the table, feedback, figures.

Scheduling reads everything it needs, solves outside the event loop (a thread: CP-SAT releases the GIL),
then writes in one transaction that takes the partnering lock first and checks every new meeting again
against what is in the database by then, so that two runs at once, or a move during a run, can never
put a person or a table in two places.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, Session, SessionStatus
from events.errors import N_, Conflict, InvalidTransition, NotFound
from events.i18n import gettext
from events.ical.feeds import MeetingEntry
from events.partnering import notices, scheduler, tokens
from events.partnering.models import (
    Feedback,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Outcome,
    Participant,
    PartneringSetup,
    RequestStatus,
    Slot,
    table_label,
)
from events.partnering.schemas import ID_MAX, FeedbackIn, MeetingPatch, ScheduleIn, TableScanIn
from events.partnering.services import (
    enabled_setup,
    event_slots,
    live_participant_filter,
    locale_of,
    lock,
    profile_out,
)
from events.ticketing import secrets
from events.ticketing.availability import live_ticket_filter
from events.ticketing.models import SessionBooking, Ticket
from events.validation import validate

ACTIVE = (MeetingStatus.SCHEDULED, MeetingStatus.HELD, MeetingStatus.NO_SHOW)
"""Meetings that take their slot and table (a held or missed one still happened in that slot)."""


def meeting_out(meeting: Meeting) -> dict[str, object]:
    return {
        "id": meeting.id,
        "request_id": meeting.request_id,
        "participants": [meeting.sender_id, meeting.receiver_id],
        "slot_id": meeting.slot_id,
        "starts_at": meeting.slot.starts_at.isoformat(),
        "ends_at": meeting.slot.ends_at.isoformat(),
        "table": meeting.table,
        "status": str(meeting.status),
        "absent": meeting.absent,
        "pinned": meeting.pinned,
    }


async def event_meetings(event: Event) -> list[Meeting]:
    return (
        await Meeting.filter(event_id=event.id)
        .select_related("slot")
        .order_by("slot__starts_at", "table", "id")
    )


# ------------------------------------------------------------------ scheduling


def _overlaps(slot: Slot, session: Session) -> bool:
    return slot.starts_at < session.ends_at and session.starts_at < slot.ends_at


async def _busy_slots(event: Event, slots: list[Slot], people: dict[int, int]) -> dict[int, frozenset[int]]:
    """For each participant, the slot numbers overlapping a session their ticket booked."""
    ticket_to_person = {ticket_id: person for person, ticket_id in people.items()}
    bookings = await SessionBooking.filter(
        ticket_id__in=list(ticket_to_person), session__status=SessionStatus.SCHEDULED
    ).select_related("session")
    busy: dict[int, set[int]] = defaultdict(set)
    for booking in bookings:
        for index, slot in enumerate(slots):
            if _overlaps(slot, booking.session):
                busy[ticket_to_person[booking.ticket_id]].add(index)
    return {person: frozenset(found) for person, found in busy.items()}


async def build_problem(event: Event, setup: PartneringSetup) -> tuple[scheduler.Problem, list[Slot]]:
    """The scheduler's view of the event: open accepted requests, live people, kept meetings."""
    slots = await event_slots(event)
    index = {slot.id: i for i, slot in enumerate(slots)}
    live = await Participant.filter(live_participant_filter(clock.now()), event_id=event.id)
    people = {p.id: p.ticket_id for p in live}
    available = {
        p.id: frozenset(index[s] for s in p.available_slots if s in index) for p in live if p.available_slots
    }
    placed = await Meeting.filter(event_id=event.id, status__in=ACTIVE)
    fixed = [
        scheduler.Placed(m.request_id, m.sender_id, m.receiver_id, index[m.slot_id], m.table) for m in placed
    ]
    accepted = await MeetingRequest.filter(event_id=event.id, status=RequestStatus.ACCEPTED).order_by("id")
    requests = [
        scheduler.Request(r.id, r.sender_id, r.receiver_id)
        for r in accepted
        if r.sender_id in people and r.receiver_id in people
    ]
    problem = scheduler.Problem(
        slots=len(slots),
        tables=setup.tables,
        max_meetings=setup.max_meetings,
        requests=requests,
        available=available,
        busy=await _busy_slots(event, slots, people),
        fixed=fixed,
    )
    return problem, slots


async def run_schedule(user: User, event: Event, data: object) -> dict[str, object]:
    """Place every accepted request that fits; the solver runs in a thread, bounded by `time_limit`."""
    values = validate(ScheduleIn, data)
    setup = await enabled_setup(event)
    started = time.perf_counter()
    problem, slots = await build_problem(event, setup)
    result = await asyncio.to_thread(scheduler.schedule, problem, values.time_limit)
    created = 0
    async with in_transaction():
        await lock(event.id)
        for placed in result.placed:
            if await _still_fits(event, placed, slots[placed.slot]):
                meeting = await Meeting.create(
                    event_id=event.id, request_id=placed.request, sender_id=placed.first,
                    receiver_id=placed.second, slot_id=slots[placed.slot].id, table=placed.table,
                )  # fmt: skip
                meeting.slot = slots[placed.slot]
                await notices.meeting_changed(meeting)
                created += 1
        await audit.record(
            user, event.organisation_id, "partnering.scheduled", "event", event.id,
            after={"scheduled": created, "unscheduled": len(result.unplaced)},
        )  # fmt: skip
        total = await Meeting.filter(event_id=event.id, status__in=ACTIVE).count()
        run = {
            "scheduled": created,
            "total": total,
            "unscheduled": [
                {"request_id": rid, "reason": why} for rid, why in sorted(result.unplaced.items())
            ],
            "seconds": round(time.perf_counter() - started, 3),
        }
        await PartneringSetup.filter(event_id=event.id).update(
            last_run={**run, "at": clock.now().isoformat()}
        )
    return run


async def _still_fits(event: Event, placed: scheduler.Placed, slot: Slot) -> bool:
    """Inside the locked transaction: nothing placed meanwhile takes this request, person or table."""
    if await Meeting.filter(request_id=placed.request).exists():
        return False
    people = Q(sender_id__in=(placed.first, placed.second)) | Q(receiver_id__in=(placed.first, placed.second))
    same_slot = Meeting.filter(event_id=event.id, slot_id=slot.id, status__in=ACTIVE)
    return not await same_slot.filter(Q(people) | Q(table=placed.table)).exists()


# ------------------------------------------------------------------ by hand


async def organiser_meeting(event: Event, meeting_id: int) -> Meeting:
    found = None
    if 0 < meeting_id <= ID_MAX:
        found = await Meeting.get_or_none(id=meeting_id, event_id=event.id).select_related("slot")
    if found is None:
        raise NotFound()
    return found


async def _clash(
    event: Event, setup: PartneringSetup, meeting: Meeting, slot: Slot, table: int
) -> str | None:
    if table > setup.tables:
        return N_("There is no table with this number.")
    others = Meeting.filter(event_id=event.id, slot_id=slot.id, status__in=ACTIVE).exclude(id=meeting.id)
    if await others.filter(table=table).exists():
        return N_("This table is already taken in this slot.")
    people = (meeting.sender_id, meeting.receiver_id)
    if await others.filter(Q(sender_id__in=people) | Q(receiver_id__in=people)).exists():
        return N_("One of the two already has a meeting in this slot.")
    for participant in await Participant.filter(id__in=people):
        if participant.available_slots and slot.id not in participant.available_slots:
            return N_("One of the two is not available in this slot.")
    booked = await SessionBooking.filter(
        ticket__partnering__id__in=people, session__status=SessionStatus.SCHEDULED
    ).select_related("session")
    if any(_overlaps(slot, booking.session) for booking in booked):
        return N_("One of the two booked a session at this time.")
    return None


async def move_meeting(user: User, event: Event, meeting_id: int, data: object) -> Meeting:
    """The organiser's move: refused on any clash; the meeting is pinned and its calendars updated."""
    values = validate(MeetingPatch, data)
    async with in_transaction():
        setup = await lock(event.id)
        meeting = await organiser_meeting(event, meeting_id)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise InvalidTransition()
        slot = await Slot.get_or_none(id=values.slot_id, event_id=event.id)
        if slot is None:
            raise Conflict(N_("This slot does not exist."))
        clash = await _clash(event, setup, meeting, slot, values.table)
        if clash is not None:
            raise Conflict(clash)
        before = {"slot_id": meeting.slot_id, "table": meeting.table}
        moved = (meeting.slot_id, meeting.table) != (slot.id, values.table)
        meeting.slot, meeting.table, meeting.pinned = slot, values.table, values.pinned
        if moved:
            meeting.sequence += 1
        await meeting.save()
        if moved:
            await notices.meeting_changed(meeting)
        await audit.record(
            user, event.organisation_id, "partnering.meeting_moved", "partnering_meeting", meeting.id,
            before=before, after={"slot_id": slot.id, "table": values.table},
        )  # fmt: skip
    return meeting


async def publish(user: User, event: Event) -> int:
    """Participants are e-mailed their agenda; later changes are e-mailed as they happen."""
    async with in_transaction():
        setup = await lock(event.id)
        await enabled_setup(event)
        setup.published_at = clock.now()
        await setup.save(update_fields=["published_at", "updated_at"])
        meetings = await Meeting.filter(event_id=event.id, status=MeetingStatus.SCHEDULED).select_related(
            "slot"
        )
        by_person: dict[int, list[tuple[Meeting, int]]] = defaultdict(list)
        for meeting in meetings:
            by_person[meeting.sender_id].append((meeting, meeting.receiver_id))
            by_person[meeting.receiver_id].append((meeting, meeting.sender_id))
        tickets = {
            p.id: p for p in await Participant.filter(id__in=list(by_person)).select_related("ticket__order")
        }
        for person, lines in by_person.items():
            participant = tickets[person]
            rows = [(meeting, tickets[other].ticket) for meeting, other in lines]
            await notices.agenda(participant, rows, setup)
        await audit.record(
            user, event.organisation_id, "partnering.published", "event", event.id,
            after={"meetings": len(meetings), "participants": len(by_person)},
        )  # fmt: skip
    return len(by_person)


# ------------------------------------------------------------------ participants' view


async def agenda(participant: Participant) -> list[dict[str, Any]]:
    """The participant's meetings, each with the other person's public profile."""
    mine = Q(sender_id=participant.id) | Q(receiver_id=participant.id)
    meetings = await Meeting.filter(mine, event_id=participant.event_id).select_related("slot")
    meetings.sort(key=lambda m: (m.slot.starts_at, m.id))
    setup = await PartneringSetup.get(event_id=participant.event_id)
    others = {m.receiver_id if m.sender_id == participant.id else m.sender_id for m in meetings}
    profiles = {p.id: p for p in await Participant.filter(id__in=list(others)).select_related("ticket")}
    given = {
        int(row["meeting_id"])
        for row in await Feedback.filter(participant_id=participant.id).values("meeting_id")
    }
    locale = locale_of(participant)
    answer = []
    for meeting in meetings:
        other = profiles[meeting.receiver_id if meeting.sender_id == participant.id else meeting.sender_id]
        answer.append(
            {
                **meeting_out(meeting),
                "with": profile_out(other, setup, locale),
                "table_label": table_label(setup, meeting.table),
                "feedback_given": meeting.id in given,
                "feedback_open": _feedback_open(meeting),
            }
        )
    return answer


def _feedback_open(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.HELD or (
        meeting.status != MeetingStatus.CANCELLED and meeting.slot.ends_at <= clock.now()
    )


async def give_feedback(participant: Participant, meeting_id: int, data: object) -> Feedback:
    """Once per participant, for a meeting that was held or whose slot has ended."""
    values = validate(FeedbackIn, data)
    meeting = None
    if 0 < meeting_id <= ID_MAX:
        meeting = await Meeting.get_or_none(id=meeting_id, event_id=participant.event_id).select_related(
            "slot"
        )
    if meeting is None or participant.id not in (meeting.sender_id, meeting.receiver_id):
        raise NotFound()
    if not _feedback_open(meeting):
        raise InvalidTransition(N_("Feedback opens once the meeting has taken place."))
    async with in_transaction():
        if await Feedback.filter(meeting_id=meeting.id, participant_id=participant.id).exists():
            raise Conflict(N_("You have already given your feedback on this meeting."))
        return await Feedback.create(
            meeting_id=meeting.id, participant_id=participant.id, rating=values.rating,
            outcome=values.outcome, comment=values.comment,
        )  # fmt: skip


# ------------------------------------------------------------------ at the table


async def table_scan(event: Event, meeting_id: int, data: object) -> dict[str, str]:
    """A host scans a badge at the table: `ok` for one of the two, `not_in_meeting` for anyone else."""
    values = validate(TableScanIn, data)
    await enabled_setup(event)
    meeting = await organiser_meeting(event, meeting_id)
    ticket = await _genuine_ticket(event, values.secret)
    if ticket is None:
        return {"status": "invalid"}
    participant = await Participant.get_or_none(ticket_id=ticket.id)
    if participant is None or participant.id not in (meeting.sender_id, meeting.receiver_id):
        return {"status": "not_in_meeting"}
    if meeting.status == MeetingStatus.CANCELLED:
        return {"status": "not_in_meeting"}
    async with in_transaction():
        await lock(event.id)
        meeting = await organiser_meeting(event, meeting_id)
        now = clock.now()
        if participant.id == meeting.sender_id and meeting.sender_scanned_at is None:
            meeting.sender_scanned_at = now
        if participant.id == meeting.receiver_id and meeting.receiver_scanned_at is None:
            meeting.receiver_scanned_at = now
        if meeting.sender_scanned_at and meeting.receiver_scanned_at:
            meeting.status, meeting.absent = MeetingStatus.HELD, []
        await meeting.save()
    return {"status": "ok"}


async def _genuine_ticket(event: Event, secret: str) -> Ticket | None:
    if secrets.event_id_of(secret) != event.id:
        return None
    key = await secrets.event_key(event)
    if not secrets.verify(secret, key.public_key):
        return None
    return await Ticket.filter(live_ticket_filter(clock.now()), secret=secret, event_id=event.id).first()


async def mark_no_shows(now: datetime | None = None) -> int:
    """Meetings whose slot ended without both scans: `no_show`, naming who was not scanned."""
    moment = now or clock.now()
    due = await Meeting.filter(status=MeetingStatus.SCHEDULED, slot__ends_at__lte=moment)
    for meeting in due:
        absent = [
            person
            for person, scanned in (
                (meeting.sender_id, meeting.sender_scanned_at),
                (meeting.receiver_id, meeting.receiver_scanned_at),
            )
            if scanned is None
        ]
        await Meeting.filter(id=meeting.id, status=MeetingStatus.SCHEDULED).update(
            status=MeetingStatus.NO_SHOW, absent=absent, updated_at=moment
        )
    return len(due)


# ------------------------------------------------------------------ figures


async def stats(event: Event) -> dict[str, object]:
    now = clock.now()
    participants = Participant.filter(live_participant_filter(now), event_id=event.id)
    requests = Counter(
        str(r) for r in await MeetingRequest.filter(event_id=event.id).values_list("status", flat=True)
    )
    meetings = Counter(
        str(m) for m in await Meeting.filter(event_id=event.id).values_list("status", flat=True)
    )
    outcomes = Counter(
        str(o) for o in await Feedback.filter(meeting__event_id=event.id).values_list("outcome", flat=True)
    )
    kinds = Counter(str(k) for k in await participants.values_list("organisation_kind", flat=True))
    return {
        "participants": await participants.count(),
        "visible_profiles": await participants.filter(visible=True).count(),
        "requests": {status.value: requests[status.value] for status in RequestStatus},
        "meetings": {status.value: meetings[status.value] for status in MeetingStatus},
        "outcomes": {outcome.value: outcomes[outcome.value] for outcome in Outcome},
        "by_kind": dict(sorted(kinds.items())),
    }


# ------------------------------------------------------------------ the personal calendar


async def calendar_entries(ticket: Ticket) -> list[MeetingEntry]:
    """The ticket's meetings for its `/agenda/{token}.ics`, once the schedule is published."""
    setup = await PartneringSetup.get_or_none(event_id=ticket.event_id, enabled=True)
    participant = await Participant.get_or_none(ticket_id=ticket.id)
    if setup is None or setup.published_at is None or participant is None:
        return []
    mine = Q(sender_id=participant.id) | Q(receiver_id=participant.id)
    found = (
        await Meeting.filter(mine, event_id=ticket.event_id)
        .select_related("slot")
        .order_by("slot__starts_at", "id")
    )
    others = {m.receiver_id if m.sender_id == participant.id else m.sender_id for m in found}
    names = {p.id: p.ticket for p in await Participant.filter(id__in=list(others)).select_related("ticket")}
    url = tokens.space_url(ticket)
    entries = []
    for meeting in found:
        other = names[meeting.receiver_id if meeting.sender_id == participant.id else meeting.sender_id]
        who = ", ".join(part for part in (other.attendee_name, other.attendee_organisation) if part)
        entries.append(
            MeetingEntry(
                id=meeting.id,
                title=gettext(N_("B2B meeting: {who}"), who=who),
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                table=table_label(setup, meeting.table),
                sequence=meeting.sequence,
                cancelled=meeting.status == MeetingStatus.CANCELLED,
                created_at=meeting.created_at,
                updated_at=meeting.updated_at,
                url=url,
            )
        )
    return entries


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)

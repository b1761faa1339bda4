"""Background work of partnering (listed in `events.jobs.JOBS`).

- spaces of cancelled tickets are closed and their meetings cancelled;
- meetings whose slot ended without both scans become `no_show`;
- each participant is reminded before their first meeting of each day (once per day, by dedupe key);
- `follow_up_months` after a meeting took place, each side is asked again what came of it.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import Q

from events import clock
from events.partnering import notices
from events.partnering.models import Meeting, MeetingStatus, Participant, PartneringSetup

REMINDER_AHEAD = timedelta(hours=3)
"""How long before a day's first meeting its reminder goes out."""
FOLLOW_UP_WINDOW = timedelta(days=7)
"""A follow-up is sent once its date has come, and not for meetings far older (a late start of the job)."""


async def send_reminders() -> int:
    now = clock.now()
    published = PartneringSetup.filter(published_at__not_isnull=True).values("event_id")
    soon = await (
        Meeting.filter(
            status=MeetingStatus.SCHEDULED,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + REMINDER_AHEAD,
            event_id__in=[row["event_id"] for row in await published],
        )
        .select_related("slot")
        .order_by("slot__starts_at")
    )
    sent = 0
    seen: set[int] = set()
    for meeting in soon:
        for person in (meeting.sender_id, meeting.receiver_id):
            if person in seen:
                continue
            seen.add(person)
            participant = await Participant.get(id=person).select_related("ticket")
            await notices.reminder(participant, meeting, meeting.slot.starts_at)
            sent += 1
    return sent


async def send_follow_ups() -> int:
    now = clock.now()
    sent = 0
    for setup in await PartneringSetup.filter(enabled=True):
        due = now - timedelta(days=30 * setup.follow_up_months)
        meetings = await Meeting.filter(
            Q(status=MeetingStatus.HELD) | Q(status=MeetingStatus.NO_SHOW),
            event_id=setup.event_id,
            slot__ends_at__lte=due,
            slot__ends_at__gt=due - FOLLOW_UP_WINDOW,
        )
        for meeting in meetings:
            if meeting.status == MeetingStatus.NO_SHOW and meeting.absent:
                continue
            people = {
                p.id: p
                for p in await Participant.filter(
                    id__in=(meeting.sender_id, meeting.receiver_id)
                ).select_related("ticket")
            }
            for me, other in (
                (meeting.sender_id, meeting.receiver_id),
                (meeting.receiver_id, meeting.sender_id),
            ):
                await notices.follow_up(people[me], meeting, people[other].ticket)
                sent += 1
    return sent

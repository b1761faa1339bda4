"""Background work: reminders before a day's first meeting, the follow-up months later, in each language."""

from __future__ import annotations

from datetime import timedelta

from events import clock
from events.mail.models import OutboxMessage
from events.partnering import jobs, meetings
from events.partnering.models import Meeting, MeetingRequest, MeetingStatus, Participant
from events.ticketing.models import Order
from tests.partnering.conftest import Setting


async def _published_meeting(setting: Setting) -> Meeting:
    one = await Participant.create(event_id=setting.event.id, ticket_id=setting.tickets[0].id, visible=True)
    two = await Participant.create(event_id=setting.event.id, ticket_id=setting.tickets[1].id, visible=True)
    await MeetingRequest.create(
        event_id=setting.event.id, sender_id=one.id, receiver_id=two.id, status="accepted"
    )
    await meetings.run_schedule(setting.owner, setting.event, {"time_limit": 1})
    await meetings.publish(setting.owner, setting.event)
    return await Meeting.get().select_related("slot")


async def test_reminder_goes_once_before_the_first_meeting_in_each_language(
    app: object, partnering: Setting
) -> None:
    await Order.filter(id=partnering.tickets[1].order_id).update(locale="en")
    meeting = await _published_meeting(partnering)
    with clock.frozen(meeting.slot.starts_at - timedelta(hours=1)):
        assert await jobs.send_reminders() == 2
        await jobs.send_reminders()
    sent = await OutboxMessage.filter(kind="partnering_reminder").order_by("id")
    assert len(sent) == 2
    assert {m.locale for m in sent} == {"fr", "en"}
    french = next(m for m in sent if m.locale == "fr")
    assert "Vos rendez-vous B2B commencent" in french.subject


async def test_follow_up_asks_both_sides_months_after_a_held_meeting(
    app: object, partnering: Setting
) -> None:
    meeting = await _published_meeting(partnering)
    await Meeting.filter(id=meeting.id).update(status=MeetingStatus.HELD)
    with clock.frozen(meeting.slot.ends_at + timedelta(days=30)):
        assert await jobs.send_follow_ups() == 0
    with clock.frozen(meeting.slot.ends_at + timedelta(days=91)):
        await jobs.send_follow_ups()
        await jobs.send_follow_ups()
    assert await OutboxMessage.filter(kind="partnering_follow_up").count() == 2

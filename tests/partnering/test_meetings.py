"""Scheduling through the API, moves, publishing, the calendar, the table, no-shows, feedback, figures."""

from __future__ import annotations

from datetime import UTC, timedelta

import httpx
import vobject
from icalendar import Calendar

from events import clock
from events.catalogue.models import Session
from events.mail.models import OutboxMessage
from events.partnering import meetings
from events.partnering.models import Meeting, MeetingStatus, Slot
from events.ticketing.models import SessionBooking
from tests.factories import api_token, bearer, make_door_token
from tests.partnering.conftest import Setting, visible


async def _accepted(client: httpx.AsyncClient, setting: Setting, sender: int, receiver: int) -> int:
    target = await visible(client, setting, receiver)
    await visible(client, setting, sender)
    sent = await client.post(
        "/api/v1/partnering/me/requests", json={"to": target}, headers=setting.key(sender)
    )
    assert sent.status_code == 201, sent.text
    request_id = int(sent.json()["id"])
    answer = await client.post(
        f"/api/v1/partnering/me/requests/{request_id}/accept", headers=setting.key(receiver)
    )
    assert answer.status_code == 200
    return request_id


async def _schedule(client: httpx.AsyncClient, setting: Setting) -> dict[str, object]:
    token = await api_token(client, setting.owner.email)
    path = f"/api/v1/events/{setting.event.slug}/partnering/schedule"
    answer = await client.post(path, json={"time_limit": 2}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_meeting_avoids_a_session_either_person_booked(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    slots = await Slot.filter(event_id=partnering.event.id).order_by("starts_at")
    session = await Session.create(
        event_id=partnering.event.id, title="Atelier", starts_at=slots[0].starts_at, ends_at=slots[2].ends_at
    )
    await SessionBooking.create(ticket_id=partnering.tickets[0].id, session_id=session.id)
    await _accepted(client, partnering, 1, 0)
    result = await _schedule(client, partnering)
    assert result["scheduled"] == 1
    meeting = await Meeting.get().select_related("slot")
    assert meeting.slot.starts_at >= session.ends_at


async def test_rerun_keeps_placed_meetings_and_explains_the_rest(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    first = await Meeting.get()
    await _accepted(client, partnering, 2, 3)
    again = await _schedule(client, partnering)
    assert (again["scheduled"], again["total"]) == (1, 2)
    kept = await Meeting.get(id=first.id)
    assert (kept.slot_id, kept.table) == (first.slot_id, first.table)


async def test_unavailable_people_are_explained(client: httpx.AsyncClient, partnering: Setting) -> None:
    slots = await Slot.filter(event_id=partnering.event.id).order_by("starts_at")
    await visible(client, partnering, 0, available_slots=[slots[0].id])
    await visible(client, partnering, 1, available_slots=[slots[1].id])
    me = await client.get("/api/v1/partnering/me", headers=partnering.key(0))
    target = me.json()["profile"]["id"]
    sent = await client.post("/api/v1/partnering/me/requests", json={"to": target}, headers=partnering.key(1))
    await client.post(f"/api/v1/partnering/me/requests/{sent.json()['id']}/accept", headers=partnering.key(0))
    result = await _schedule(client, partnering)
    assert result["unscheduled"] == [{"request_id": sent.json()["id"], "reason": "no_common_slot"}]


async def test_move_onto_a_taken_table_is_409(client: httpx.AsyncClient, partnering: Setting) -> None:
    await _accepted(client, partnering, 1, 0)
    await _accepted(client, partnering, 2, 3)
    await _schedule(client, partnering)
    one, two = await Meeting.all().order_by("id")
    token = await api_token(client, partnering.owner.email)
    path = f"/api/v1/events/{partnering.event.slug}/partnering/meetings/{one.id}"
    clash = await client.patch(path, json={"slot_id": two.slot_id, "table": two.table}, headers=bearer(token))
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "conflict"


async def _feed(client: httpx.AsyncClient, setting: Setting, index: int) -> bytes:
    answer = await client.get(f"/agenda/{setting.tickets[index].agenda_token}.ics")
    assert answer.status_code == 200
    return answer.content


def _meeting_events(body: bytes) -> list[tuple[str, int, str, object]]:
    calendar = Calendar.from_ical(body)
    found = []
    for component in calendar.walk("VEVENT"):
        if "-meeting-" in str(component["uid"]):
            start = component.decoded("dtstart")
            found.append((str(component["uid"]), int(component["sequence"]), str(component["status"]), start))
    return found


async def test_published_meeting_moves_in_the_calendar_with_the_same_uid_and_a_higher_sequence(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    token = await api_token(client, partnering.owner.email)
    before = await _feed(client, partnering, 0)
    assert _meeting_events(before) == []
    published = await client.post(
        f"/api/v1/events/{partnering.event.slug}/partnering/publish", headers=bearer(token)
    )
    assert published.json()["participants"] == 2
    assert await OutboxMessage.filter(kind="partnering_agenda").count() == 2
    meeting = await Meeting.get().select_related("slot")
    ((uid, sequence, status, start),) = _meeting_events(await _feed(client, partnering, 0))
    assert status == "CONFIRMED" and start.astimezone(UTC) == meeting.slot.starts_at.astimezone(UTC)
    other_slot = (
        await Slot.filter(event_id=partnering.event.id)
        .exclude(id=meeting.slot_id)
        .order_by("-starts_at")
        .first()
    )
    assert other_slot is not None
    path = f"/api/v1/events/{partnering.event.slug}/partnering/meetings/{meeting.id}"
    moved = await client.patch(path, json={"slot_id": other_slot.id, "table": 2}, headers=bearer(token))
    assert moved.status_code == 200, moved.text
    body = await _feed(client, partnering, 1)
    ((uid_after, sequence_after, _status, start_after),) = _meeting_events(body)
    assert uid_after.replace("agenda-" + str(partnering.tickets[1].id), "") == uid.replace(
        "agenda-" + str(partnering.tickets[0].id), ""
    )
    assert sequence_after > sequence
    assert start_after.astimezone(UTC) == other_slot.starts_at.astimezone(UTC)
    parsed = vobject.readOne(body.decode())
    meetings_seen = [e for e in parsed.vevent_list if "-meeting-" in e.uid.value]
    assert meetings_seen[0].dtstart.value.astimezone(UTC) == other_slot.starts_at.astimezone(UTC)
    assert await OutboxMessage.filter(kind="partnering_meeting").count() == 2


async def test_cancelled_meeting_stays_in_the_calendar_as_cancelled(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    request_id = await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    token = await api_token(client, partnering.owner.email)
    await client.post(f"/api/v1/events/{partnering.event.slug}/partnering/publish", headers=bearer(token))
    await client.post(f"/api/v1/partnering/me/requests/{request_id}/cancel", headers=partnering.key(1))
    ((_uid, _sequence, status, _start),) = _meeting_events(await _feed(client, partnering, 0))
    assert status == "CANCELLED"


async def test_both_scans_at_the_table_make_the_meeting_held(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    meeting = await Meeting.get()
    door = await make_door_token(partnering.event)
    path = f"/api/v1/events/{partnering.event.slug}/partnering/meetings/{meeting.id}/checkin"
    stranger = await client.post(path, json={"secret": partnering.tickets[2].secret}, headers=bearer(door))
    forged = await client.post(path, json={"secret": "nonsense"}, headers=bearer(door))
    assert (stranger.json()["status"], forged.json()["status"]) == ("not_in_meeting", "invalid")
    for index in (0, 1):
        scan = await client.post(
            path, json={"secret": partnering.tickets[index].secret}, headers=bearer(door)
        )
        assert scan.json()["status"] == "ok"
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.HELD


async def test_slot_ended_without_both_scans_is_a_no_show_for_the_absent(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    meeting = await Meeting.get().select_related("slot", "sender")
    door = await make_door_token(partnering.event)
    path = f"/api/v1/events/{partnering.event.slug}/partnering/meetings/{meeting.id}/checkin"
    await client.post(path, json={"secret": partnering.tickets[0].secret}, headers=bearer(door))
    await meetings.mark_no_shows(meeting.slot.ends_at + timedelta(minutes=1))
    missed = await Meeting.get(id=meeting.id)
    assert missed.status == MeetingStatus.NO_SHOW
    assert missed.absent == [missed.sender_id]


async def test_feedback_once_and_only_after_the_meeting(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _accepted(client, partnering, 1, 0)
    await _schedule(client, partnering)
    meeting = await Meeting.get().select_related("slot")
    path = f"/api/v1/partnering/me/meetings/{meeting.id}/feedback"
    body = {"rating": 5, "outcome": "follow_up", "comment": "Très utile"}
    early = await client.post(path, json=body, headers=partnering.key(0))
    assert early.status_code == 409
    with clock.frozen(meeting.slot.ends_at + timedelta(minutes=5)):
        given = await client.post(path, json=body, headers=partnering.key(0))
        again = await client.post(path, json=body, headers=partnering.key(0))
        stranger = await client.post(path, json=body, headers=partnering.key(2))
    assert (given.status_code, again.status_code, stranger.status_code) == (201, 409, 404)
    token = await api_token(client, partnering.owner.email)
    stats = await client.get(
        f"/api/v1/events/{partnering.event.slug}/partnering/stats", headers=bearer(token)
    )
    assert stats.json()["outcomes"]["follow_up"] == 1
    assert stats.json()["meetings"]["scheduled"] == 1
    assert stats.json()["requests"]["accepted"] == 1

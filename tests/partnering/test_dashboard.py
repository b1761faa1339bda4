"""The organiser's partnering pages: set-up through the form, run, publish, move, tables, export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook

from events.partnering.models import Meeting, MeetingRequest, Participant, PartneringSetup
from tests.factories import csrf_from, login, make_organiser
from tests.partnering.conftest import Setting


async def _pair(setting: Setting) -> MeetingRequest:
    one = await Participant.create(event_id=setting.event.id, ticket_id=setting.tickets[0].id, visible=True)
    two = await Participant.create(event_id=setting.event.id, ticket_id=setting.tickets[1].id, visible=True)
    return await MeetingRequest.create(
        event_id=setting.event.id, sender_id=one.id, receiver_id=two.id, status="accepted"
    )


async def test_setup_form_saves_windows_tables_and_topics(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await login(client, partnering.owner.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    start = (partnering.event.starts_at + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Paris"))
    window = f"{start:%Y-%m-%d %H:%M} / {start + timedelta(hours=1):%Y-%m-%d %H:%M}"
    form = {"csrf_token": await csrf_from(client, base), "enabled": "on", "meeting_minutes": "20",
            "windows": window, "tables": "5", "max_meetings": "4",
            "topics": "Oncologie | Oncology\nDiagnostic | Diagnostics"}  # fmt: skip
    answer = await client.post(base, data=form)
    assert answer.status_code == 303, answer.text
    setup = await PartneringSetup.get(event_id=partnering.event.id)
    assert (setup.meeting_minutes, setup.tables) == (20, 5)
    assert setup.topics[1] == {"fr": "Diagnostic", "en": "Diagnostics"}


async def test_setup_form_shows_a_bad_window_beside_the_field(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await login(client, partnering.owner.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    form = {"csrf_token": await csrf_from(client, base), "enabled": "on", "meeting_minutes": "20",
            "windows": "2001-01-01 10:00 / 2001-01-01 12:00", "tables": "5", "max_meetings": "4"}  # fmt: skip
    answer = await client.post(base, data=form)
    assert answer.status_code == 422
    assert "field-error" in answer.text


async def test_run_publish_and_tables_pages(client: httpx.AsyncClient, partnering: Setting) -> None:
    await _pair(partnering)
    await login(client, partnering.owner.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    run = await client.post(f"{base}/schedule", data={"csrf_token": await csrf_from(client, base)})
    assert run.status_code == 303
    assert await Meeting.all().count() == 1
    page = await client.get(f"{base}/schedule")
    published = await client.post(
        f"{base}/publish", data={"csrf_token": await csrf_from(client, f"{base}/schedule")}
    )
    assert (page.status_code, published.status_code) == (200, 303)
    meeting = await Meeting.get()
    tables = await client.get(f"{base}/tables?slot={meeting.slot_id}")
    assert tables.status_code == 200
    assert partnering.tickets[0].attendee_name in tables.text


async def test_move_onto_a_taken_table_is_refused_on_the_page(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _pair(partnering)
    three = await Participant.create(
        event_id=partnering.event.id, ticket_id=partnering.tickets[2].id, visible=True
    )
    four = await Participant.create(
        event_id=partnering.event.id, ticket_id=partnering.tickets[3].id, visible=True
    )
    await MeetingRequest.create(
        event_id=partnering.event.id, sender_id=three.id, receiver_id=four.id, status="accepted"
    )
    await login(client, partnering.owner.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    await client.post(f"{base}/schedule", data={"csrf_token": await csrf_from(client, base)})
    one, two = await Meeting.all().order_by("id")
    token = await csrf_from(client, f"{base}/schedule")
    answer = await client.post(f"{base}/meetings/{one.id}", data={"csrf_token": token, "slot_id": two.slot_id,
                                                                 "table": two.table})  # fmt: skip
    assert answer.status_code == 409
    assert (await Meeting.get(id=one.id)).slot_id == one.slot_id


async def test_exports_list_meetings_without_email_addresses(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await _pair(partnering)
    await login(client, partnering.owner.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    await client.post(f"{base}/schedule", data={"csrf_token": await csrf_from(client, base)})
    as_csv = await client.get(f"{base}/meetings.csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1][5] == partnering.tickets[0].attendee_name
    assert "@" not in as_csv.text
    as_xlsx = await client.get(f"{base}/meetings.xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.cell(row=2, column=9).value == partnering.tickets[1].attendee_name


async def test_another_organisation_gets_404_on_every_partnering_page(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    stranger = await make_organiser()
    await login(client, stranger.email)
    base = f"/dashboard/events/{partnering.event.slug}/partnering"
    for path in (base, f"{base}/schedule", f"{base}/tables", f"{base}/meetings.csv"):
        assert (await client.get(path)).status_code == 404

"""The organiser's call-for-abstracts page: opening the call, deciding, scheduling, exporting."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook

from events.abstracts.models import Abstract, Call
from events.accounts.models import Role
from tests.factories import csrf_from, login, make_abstract, make_call, make_event, make_organiser


async def test_organiser_opens_a_call_from_the_dashboard(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True, starts_at="2031-07-10T09:00", ends_at="2031-07-11T18:00")
    await login(client, user.email)
    page = f"/dashboard/events/{event.slug}/abstracts"
    token = await csrf_from(client, page)
    form = {
        "csrf_token": token,
        "opens_at": "2031-01-10T09:00",
        "closes_at": "2031-03-31T23:59",
        "tracks": "Oncologie\nNeurosciences",
        "contribution_types": "oral\nposter",
        "max_words": "250",
        "review_questions": "Originalité | 5\nClarté | 10",
        "blind": "on",
    }
    answer = await client.post(f"{page}/call", data=form)
    assert answer.status_code == 303, answer.text
    call = await Call.get(event_id=event.id)
    assert call.blind and call.max_words == 250
    assert call.opens_at.isoformat() == "2031-01-10T08:00:00+00:00"
    bad = await client.post(f"{page}/call", data={**form, "closes_at": "2031-01-01T00:00"})
    assert bad.status_code == 422
    assert "Originalité | 5" in bad.text


async def test_decide_schedule_and_export_from_the_dashboard(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True, starts_at="2031-07-10T09:00", ends_at="2031-07-11T18:00")
    call = await make_call(event)
    track = (await call.tracks.all())[0]
    abstract = await make_abstract(event, track.id, title='=HYPERLINK("x") Immunothérapie')
    await login(client, user.email)
    page = f"/dashboard/events/{event.slug}/abstracts"
    token = await csrf_from(client, page)
    decided = await client.post(
        f"{page}/{abstract.id}/decision",
        data={
            "csrf_token": token,
            "decision": "accepted",
            "contribution_type": "oral",
            "track": str(track.id),
        },
    )
    assert decided.status_code == 303
    early = await client.post(
        f"{page}/{abstract.id}/schedule",
        data={
            "csrf_token": token,
            "starts_at": "2031-07-10T14:00",
            "ends_at": "2031-07-10T13:00",
            "room": "A",
        },
    )
    assert early.status_code == 422
    scheduled = await client.post(
        f"{page}/{abstract.id}/schedule",
        data={
            "csrf_token": token,
            "starts_at": "2031-07-10T14:00",
            "ends_at": "2031-07-10T14:30",
            "room": "A",
        },
    )
    assert scheduled.status_code == 303
    assert (await Abstract.get(id=abstract.id)).session_id is not None
    exported = await client.get(f"{page}.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")
    assert rows[1][4] == "accepted"
    workbook = load_workbook(io.BytesIO((await client.get(f"{page}.xlsx")).content))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.cell(row=2, column=1).value == abstract.code


async def test_another_organisation_and_door_staff_get_nothing(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    await make_call(event)
    stranger = await make_organiser()
    await login(client, stranger.email)
    assert (await client.get(f"/dashboard/events/{event.slug}/abstracts")).status_code == 404
    assert (await client.get(f"/dashboard/events/{event.slug}/abstracts.csv")).status_code == 404
    door = await make_organiser(user.organisation.name, role=Role.DOOR)
    await login(client, door.email)
    assert (await client.get(f"/dashboard/events/{event.slug}/abstracts.xlsx")).status_code == 403


async def test_enrolling_a_reviewer_without_a_track_is_explained_beside_the_tracks(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    await make_call(event)
    person = await make_organiser(user.organisation.name, role=Role.REVIEWER)
    await login(client, user.email)
    page = f"/dashboard/events/{event.slug}/abstracts"
    token = await csrf_from(client, page)
    answer = await client.post(f"{page}/reviewers", data={"csrf_token": token, "user_id": str(person.id)})
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.text
    assert "Oncologie\nImmunologie" in answer.text  # the call's settings keep their values

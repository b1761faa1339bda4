"""Programme pages: the public programme by day and room, and the organiser's pages to build it."""

from __future__ import annotations

import re

import httpx
import pytest

from events.accounts.models import User
from events.catalogue.models import Event, Session, SessionStatus
from events.catalogue.sessions import book_later, cancel_session
from tests.factories import csrf_from, login, make_event, make_organiser
from tests.ical.attendees import make_attendee, make_session


@pytest.fixture
async def organiser(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(organiser: User) -> Event:
    return await make_event(
        organiser,
        published=True,
        title="Forum Santé",
        starts_at="2031-07-15T09:00",
        ends_at="2031-07-16T18:00",
    )


# ------------------------------------------------------------------ public programme


async def test_public_programme_groups_sessions_by_day_and_room(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    await make_session(organiser, event, hour=9, title="Ouverture", room="Amphi")
    await make_session(organiser, event, hour=11, title="Atelier IA", room="Salle B", capacity=2)
    second_day = {"starts_at": "2031-07-16T10:00", "ends_at": "2031-07-16T11:00", "room": "Amphi"}
    await make_session(organiser, event, title="Clôture", **second_day)
    page = await client.get(f"/events/{event.slug}/programme", params={"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert html.index("Tuesday, July 15, 2031") < html.index("Ouverture") < html.index("Atelier IA")
    assert html.index("Atelier IA") < html.index("Wednesday, July 16, 2031") < html.index("Clôture")
    assert html.count("<h3>Amphi</h3>") == 2 and html.count("<h3>Salle B</h3>") == 1
    assert "9:00\u202fAM" in html or "9:00 AM" in html
    assert "2 places left" in html
    assert "Europe/Paris" in html


async def test_programme_is_a_time_grid_with_rooms_as_columns(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    """Two rooms in parallel: one column each; a two-hour session spans the rows of the shorter ones."""
    await make_session(
        organiser,
        event,
        title="Plénière",
        room="Amphi",
        starts_at="2031-07-15T09:00",
        ends_at="2031-07-15T11:00",
    )
    await make_session(
        organiser,
        event,
        title="Atelier A",
        room="Salle B",
        starts_at="2031-07-15T09:00",
        ends_at="2031-07-15T10:00",
    )
    await make_session(
        organiser,
        event,
        title="Atelier B",
        room="Salle B",
        starts_at="2031-07-15T10:00",
        ends_at="2031-07-15T11:00",
    )
    await make_session(
        organiser,
        event,
        title="Doublon",
        room="Salle B",
        starts_at="2031-07-15T10:30",
        ends_at="2031-07-15T11:00",
    )
    html = (await client.get(f"/events/{event.slug}/programme", params={"lang": "en"})).text
    grid = html[html.index('<table class="programme-grid') : html.index("</table>")]
    heads = re.findall(r'<th scope="col"><h3>([^<]+)</h3>', grid)
    assert heads == ["Amphi", "Salle B", "Salle B"], (
        "an overlapping session takes a second column of its room"
    )
    rows = re.findall(r"<tr>(.*?)</tr>", grid.split("<tbody>")[1], re.S)
    assert len(rows) == 3  # 09:00, 10:00, 10:30: every start and end opens a band
    assert re.search(r'rowspan="3"[^>]*id="session-\d+">.*?Plénière', rows[0], re.S)
    assert "Atelier A" in rows[0] and "Atelier B" in rows[1] and "Doublon" in rows[2]
    assert html.index("Atelier A") < html.index("Atelier B") < html.index("Doublon"), (
        "phones read it in time order"
    )


async def test_programme_shows_full_and_cancelled_sessions(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    full = await make_session(organiser, event, hour=10, title="Atelier complet", capacity=1)
    await book_later(await make_attendee(event), [full.id])
    gone = await make_session(organiser, event, hour=14, title="Atelier annulé")
    await cancel_session(organiser, event, gone)
    html = (await client.get(f"/events/{event.slug}/programme", params={"lang": "en"})).text
    assert re.search(r"Full</span>", html)
    assert re.search(r"Cancelled</span> <s>Atelier annulé</s>", html)


async def test_programme_uses_only_its_own_script_for_local_times(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    session = await make_session(organiser, event)
    html = (await client.get(f"/events/{event.slug}/programme")).text
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert scripts == [""]
    assert '<script src="http://testserver/static/js/localtime.js" defer>' in html
    assert f'data-start="{session.starts_at.isoformat()}"' in html
    assert 'data-event-timezone="Europe/Paris"' in html
    assert (await client.get("/static/js/localtime.js")).status_code == 200


async def test_programme_offers_calendar_links_and_hides_drafts(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    html = (await client.get(f"/events/{event.slug}/programme")).text
    assert f"webcal://testserver/events/{event.slug}.ics" in html
    draft = await make_event(organiser)
    assert (await client.get(f"/events/{draft.slug}/programme")).status_code == 404


# ------------------------------------------------------------------ organiser pages

FORM = {
    "title": "Atelier bio-informatique",
    "starts_at": "2031-07-15T14:00",
    "ends_at": "2031-07-15T15:30",
    "room": "Salle Curie",
    "speakers": "Pr Anne Leroy",
    "description": "",
    "capacity": "12",
}


async def _signed_in(client: httpx.AsyncClient, user: User, event: Event) -> str:
    await login(client, user.email)
    return await csrf_from(client, f"/dashboard/events/{event.slug}/programme")


async def test_organiser_adds_edits_cancels_and_restores_a_session(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    token = await _signed_in(client, organiser, event)
    page = f"/dashboard/events/{event.slug}/programme"
    added = await client.post(page, data={**FORM, "csrf_token": token})
    assert added.status_code == 303
    session = await Session.get(event_id=event.id)
    assert (session.capacity, session.starts_at.isoformat()) == (12, "2031-07-15T12:00:00+00:00")
    listing = (await client.get(page)).text
    assert "Atelier bio-informatique" in listing and "0 / 12" in listing

    edit_page = await client.get(f"{page}/{session.id}")
    assert 'value="2031-07-15T14:00"' in edit_page.text
    edited = await client.post(f"{page}/{session.id}", data={**FORM, "room": "Amphi", "csrf_token": token})
    assert edited.status_code == 303
    await client.post(f"{page}/{session.id}/cancel", data={"csrf_token": token})
    await session.refresh_from_db()
    assert (session.room, session.status) == ("Amphi", SessionStatus.CANCELLED)
    await client.post(f"{page}/{session.id}/restore", data={"csrf_token": token})
    await session.refresh_from_db()
    assert (session.status, session.sequence) == (SessionStatus.SCHEDULED, 3)


async def test_invalid_session_form_is_shown_again_with_messages(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    token = await _signed_in(client, organiser, event)
    bad = {**FORM, "title": "", "ends_at": "2031-07-15T13:00", "csrf_token": token}
    answer = await client.post(f"/dashboard/events/{event.slug}/programme", data=bad)
    assert answer.status_code == 422
    assert 'id="e-title"' in answer.text and 'id="e-ends_at"' in answer.text
    assert 'value="2031-07-15T14:00"' in answer.text
    assert await Session.all().count() == 0


async def test_another_organisation_programme_is_404(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    session = await make_session(organiser, event)
    intruder = await make_organiser()
    await login(client, intruder.email)
    token = await csrf_from(client, "/dashboard")
    base = f"/dashboard/events/{event.slug}/programme"
    assert (await client.get(base)).status_code == 404
    assert (await client.get(f"{base}/{session.id}")).status_code == 404
    answer = await client.post(f"{base}/{session.id}/cancel", data={"csrf_token": token})
    assert answer.status_code == 404
    await session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


async def test_programme_pages_need_a_signed_in_organiser(client: httpx.AsyncClient, event: Event) -> None:
    answer = await client.get(f"/dashboard/events/{event.slug}/programme")
    assert answer.status_code == 303
    assert "/login" in answer.headers["location"]

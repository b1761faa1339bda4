"""The programme in the JSON API: sessions of an event, their validation, audit and sequence."""

from __future__ import annotations

import httpx
import pytest

from events.audit.models import AuditEntry
from events.catalogue.models import Event, Session
from events.catalogue.sessions import book_later
from events.mail.models import OutboxMessage
from tests.factories import api_token, bearer, make_event, make_organiser
from tests.ical.attendees import make_attendee, session_data

Auth = tuple[dict[str, str], Event]


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> Auth:
    user = await make_organiser(email="programme@example.org")
    event = await make_event(user, published=True, starts_at="2031-07-10T09:00", ends_at="2031-07-11T18:00")
    return bearer(await api_token(client, user.email)), event


def _url(event: Event, session_id: int | None = None) -> str:
    base = f"/api/v1/events/{event.slug}/sessions"
    return base if session_id is None else f"{base}/{session_id}"


async def test_organiser_adds_lists_and_changes_sessions(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    body = {
        "title": "Atelier IA & imagerie médicale",
        "starts_at": "2031-07-10T14:00",
        "ends_at": "2031-07-10T15:30",
        "room": "Salle Pasteur",
        "speakers": "Dr Claire Martin, Pr Paul Durand",
        "description": "Cas pratiques.",
        "capacity": 20,
    }
    created = await client.post(_url(event), json=body, headers=headers)
    assert created.status_code == 201, created.text
    session = created.json()
    assert session == {
        "id": session["id"],
        **body,
        "starts_at": "2031-07-10T14:00:00+02:00",
        "ends_at": "2031-07-10T15:30:00+02:00",
        "status": "scheduled",
        "ticket_types": [],
        "booked": 0,
        "available": 20,
        "translations": {
            "title": {"fr": body["title"], "en": body["title"]},
            "description": {"fr": body["description"], "en": body["description"]},
        },
    }
    moved = await client.patch(
        _url(event, session["id"]),
        json={"starts_at": "2031-07-10T16:00", "ends_at": "2031-07-10T17:00"},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"] == "2031-07-10T16:00:00+02:00"
    listed = (await client.get(_url(event), headers=headers)).json()["sessions"]
    assert [s["title"] for s in listed] == ["Atelier IA & imagerie médicale"]
    assert (await client.get(_url(event, session["id"]), headers=headers)).json() == moved.json()


async def test_every_change_raises_the_sequence_and_is_audited(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    created = (await client.post(_url(event), json=session_data(event), headers=headers)).json()
    await client.patch(_url(event, created["id"]), json={"room": "Salle B"}, headers=headers)
    await client.patch(_url(event, created["id"]), json={"status": "cancelled"}, headers=headers)
    await client.patch(_url(event, created["id"]), json={"status": "scheduled"}, headers=headers)
    stored = await Session.get(id=created["id"])
    assert stored.sequence == 3
    actions = await AuditEntry.filter(object_type="session").order_by("id").values_list("action", flat=True)
    assert actions == ["session.created", "session.updated", "session.cancelled", "session.restored"]
    moved = await AuditEntry.filter(action="session.updated").get()
    assert (moved.before["room"], moved.after["room"]) == ("Salle A", "Salle B")


async def test_time_without_offset_is_read_in_the_event_time_zone(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(
        user, timezone="America/Montreal", starts_at="2031-12-03T08:00", ends_at="2031-12-03T18:00"
    )
    headers = bearer(await api_token(client, user.email))
    body = {"title": "Panel", "starts_at": "2031-12-03T09:00", "ends_at": "2031-12-03T10:00"}
    session = (await client.post(_url(event), json=body, headers=headers)).json()
    assert session["starts_at"] == "2031-12-03T09:00:00-05:00"
    stored = await Session.get(id=session["id"])
    assert stored.starts_at.utctimetuple()[3] == 14


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"ends_at": "2031-07-10T09:00"}, "ends_at"),
        ({"ends_at": "2031-07-11T11:00"}, "ends_at"),
        ({"starts_at": "2031-07-01T10:00", "ends_at": "2031-07-01T11:00"}, "starts_at"),
        ({"starts_at": "2031-07-13T10:00", "ends_at": "2031-07-13T11:00"}, "starts_at"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "twenty"}, "capacity"),
        ({"status": "postponed"}, "status"),
        ({"room": "x" * 121}, "room"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_bad_session_input_is_422_with_field_errors_and_nothing_stored(
    client: httpx.AsyncClient, auth: Auth, change: dict[str, object], field: str
) -> None:
    headers, event = auth
    body = {"title": "Atelier", "starts_at": "2031-07-10T10:00", "ends_at": "2031-07-10T11:00", **change}
    answer = await client.post(_url(event), json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
    assert field in answer.json()["error"]["details"]
    assert await Session.all().count() == 0


async def test_control_characters_are_dropped_not_a_500(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    body = {"title": "Ate\x00lier\x1b", "starts_at": "2031-07-10T10:00", "ends_at": "2031-07-10T11:00",
            "description": "Ligne 1\nLigne 2\x00"}  # fmt: skip
    answer = await client.post(_url(event), json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["title"], answer.json()["description"]) == ("Atelier", "Ligne 1\nLigne 2")


async def test_a_session_may_start_the_day_before_the_event(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    body = {"title": "Pré-conférence", "starts_at": "2031-07-09T08:00", "ends_at": "2031-07-09T12:00"}
    assert (await client.post(_url(event), json=body, headers=headers)).status_code == 201


async def test_capacity_cannot_drop_below_the_places_booked(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    session = (await client.post(_url(event), json=session_data(event, capacity=5), headers=headers)).json()
    for _ in range(3):
        await book_later(await make_attendee(event), [session["id"]])
    lowered = await client.patch(_url(event, session["id"]), json={"capacity": 2}, headers=headers)
    assert lowered.status_code == 422
    assert "capacity" in lowered.json()["error"]["details"]
    assert (await Session.get(id=session["id"])).capacity == 5
    fine = await client.patch(_url(event, session["id"]), json={"capacity": 3}, headers=headers)
    assert (fine.json()["booked"], fine.json()["available"]) == (3, 0)


async def test_cancelling_a_session_writes_to_each_attendee_once(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, event = auth
    session = (await client.post(_url(event), json=session_data(event, capacity=5), headers=headers)).json()
    booked = [await make_attendee(event, locale=locale) for locale in ("fr", "en")]
    for ticket in booked:
        await book_later(ticket, [session["id"]])
    await make_attendee(event)
    cancelled = await client.patch(_url(event, session["id"]), json={"status": "cancelled"}, headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    await client.patch(_url(event, session["id"]), json={"room": "Salle B"}, headers=headers)
    mails = await OutboxMessage.filter(kind="session_cancelled").order_by("id")
    assert sorted(m.to_address for m in mails) == sorted(t.attendee_email for t in booked)
    assert sorted(m.locale for m in mails) == ["en", "fr"]
    assert all(session["title"] in m.subject and session["title"] in m.text_body for m in mails)


async def test_a_cancelled_event_has_a_frozen_programme(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    session = (await client.post(_url(event), json=session_data(event), headers=headers)).json()
    await client.post(f"/api/v1/events/{event.slug}/cancel", headers=headers)
    answer = await client.patch(_url(event, session["id"]), json={"room": "Salle B"}, headers=headers)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "event_not_editable"


async def test_another_organisation_sessions_are_404(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    session = (await client.post(_url(event), json=session_data(event), headers=headers)).json()
    intruder = await make_organiser()
    theirs = bearer(await api_token(client, intruder.email))
    calls = [
        client.get(_url(event), headers=theirs),
        client.post(_url(event), json=session_data(event), headers=theirs),
        client.get(_url(event, session["id"]), headers=theirs),
        client.patch(_url(event, session["id"]), json={"title": "hijacked"}, headers=theirs),
    ]
    for call in calls:
        answer = await call
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    assert (await Session.get(id=session["id"])).title != "hijacked"


async def test_a_session_is_only_found_under_its_own_event(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    own_other = (await client.post("/api/v1/events", json={
        "title": "Autre", "starts_at": "2031-07-10T09:00", "ends_at": "2031-07-10T18:00"
    }, headers=headers)).json()  # fmt: skip
    session = (await client.post(_url(event), json=session_data(event), headers=headers)).json()
    answer = await client.get(f"/api/v1/events/{own_other['slug']}/sessions/{session['id']}", headers=headers)
    assert answer.status_code == 404


async def test_sessions_need_a_bearer_token(client: httpx.AsyncClient, auth: Auth) -> None:
    _headers, event = auth
    assert (await client.get(_url(event))).status_code == 401


async def test_openapi_describes_the_session_endpoints(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    assert {"get", "post"} <= set(document["paths"]["/api/v1/events/{slug}/sessions"])
    assert {"get", "patch"} <= set(document["paths"]["/api/v1/events/{slug}/sessions/{id}"])
    assert "SessionInput" in document["components"]["schemas"]
    schemas = document["components"]["schemas"]
    assert {"ticket_types"} <= set(schemas["SessionInput"]["properties"]) & set(
        schemas["SessionOut"]["properties"]
    )

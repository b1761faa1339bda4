from __future__ import annotations

import httpx

from events.accounts.models import Role
from events.catalogue.models import Event
from tests.factories import csrf_from, login, make_event, make_organiser

FORM = {
    "title": "Rencontres B2B MedTech",
    "description": "Rendez-vous d'affaires entre start-up et industriels.",
    "starts_at": "2027-06-15T09:00",
    "ends_at": "2027-06-15T18:30",
    "timezone": "Europe/Paris",
    "currency": "EUR",
    "venue": "Cité de l'espace",
    "city": "Toulouse",
    "country": "FR",
    "capacity": "120",
}


async def _signed_in(client: httpx.AsyncClient) -> str:
    user = await make_organiser()
    await login(client, user.email)
    return await csrf_from(client, "/dashboard/events/new")


async def test_organiser_creates_edits_publishes_and_cancels_through_the_pages(
    client: httpx.AsyncClient,
) -> None:
    token = await _signed_in(client)
    created = await client.post("/dashboard/events", data={**FORM, "csrf_token": token})
    assert created.status_code == 303
    page = created.headers["location"]
    assert page.endswith("/dashboard/events/rencontres-b2b-medtech")
    event = await Event.get(slug="rencontres-b2b-medtech")
    assert (event.status, event.capacity) == ("draft", 120)
    assert event.starts_at.isoformat() == "2027-06-15T07:00:00+00:00"

    edited = await client.post(page, data={**FORM, "capacity": "150", "csrf_token": token})
    assert edited.status_code == 303
    await event.refresh_from_db()
    assert event.capacity == 150

    await client.post(f"{page}/publish", data={"csrf_token": token})
    await event.refresh_from_db()
    assert event.status == "published"
    assert "Rencontres B2B MedTech" in (await client.get("/")).text

    await client.post(f"{page}/cancel", data={"csrf_token": token})
    await event.refresh_from_db()
    assert event.status == "cancelled"
    assert "Rencontres B2B MedTech" not in (await client.get("/")).text


async def test_invalid_form_is_shown_again_with_messages_and_values(
    client: httpx.AsyncClient,
) -> None:
    token = await _signed_in(client)
    data = {**FORM, "title": "", "ends_at": "2027-06-14T09:00", "capacity": "-3"}
    answer = await client.post("/dashboard/events", data={**data, "csrf_token": token})
    assert answer.status_code == 422
    assert "This field is required." in answer.text
    assert "Enter a number of at least 1." in answer.text
    assert 'value="Cité de l&#39;espace"' in answer.text
    assert await Event.all().count() == 0


async def test_field_errors_are_in_the_visitor_language(client: httpx.AsyncClient) -> None:
    token = await _signed_in(client)
    answer = await client.post("/dashboard/events?lang=fr", data={**FORM, "title": "", "csrf_token": token})
    assert answer.status_code == 422
    assert "Ce champ est obligatoire." in answer.text


async def test_another_organisation_event_is_404_in_the_dashboard(
    client: httpx.AsyncClient,
) -> None:
    theirs = await make_event(await make_organiser())
    token = await _signed_in(client)
    page = f"/dashboard/events/{theirs.slug}"
    assert (await client.get(page)).status_code == 404
    for path in (page, f"{page}/publish", f"{page}/cancel"):
        answer = await client.post(path, data={**FORM, "csrf_token": token})
        assert answer.status_code == 404
    await theirs.refresh_from_db()
    assert theirs.status == "draft"
    assert theirs.title != FORM["title"]


async def test_door_staff_cannot_open_the_dashboard(client: httpx.AsyncClient) -> None:
    door = await make_organiser(role=Role.DOOR)
    await login(client, door.email)
    assert (await client.get("/dashboard")).status_code == 403


async def test_visitor_sees_published_events_only(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    draft = await make_event(user, title="Atelier confidentiel")
    public = await make_event(user, published=True, title="Forum ouvert")
    home = (await client.get("/")).text
    assert "Forum ouvert" in home
    assert "Atelier confidentiel" not in home
    assert (await client.get(f"/events/{draft.slug}")).status_code == 404
    assert (await client.get(f"/events/{public.slug}")).status_code == 200


async def test_the_form_takes_each_text_in_french_and_english_side_by_side(
    client: httpx.AsyncClient,
) -> None:
    token = await _signed_in(client)
    form = (await client.get("/dashboard/events/new")).text
    assert 'name="title_en"' in form and 'name="venue_en"' in form
    english = {"title_en": "B2B MedTech Meetings", "venue_en": "Space city"}
    created = await client.post("/dashboard/events", data={**FORM, **english, "csrf_token": token})
    assert created.status_code == 303
    event = await Event.get(slug="rencontres-b2b-medtech")
    assert (event.title, event.title_en, event.venue_en) == (
        "Rencontres B2B MedTech",
        "B2B MedTech Meetings",
        "Space city",
    )
    page = created.headers["location"]
    edited = await client.post(
        page, data={**FORM, "title": "", "title_en": "MedTech B2B", "csrf_token": token}
    )
    assert edited.status_code == 303
    await event.refresh_from_db()
    assert (event.title, event.title_en) == ("", "MedTech B2B")
    both_empty = await client.post(
        edited.headers["location"], data={**FORM, "title": "", "csrf_token": token}
    )
    assert both_empty.status_code == 422
    await event.refresh_from_db()
    assert event.title_en == "MedTech B2B"

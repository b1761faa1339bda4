from __future__ import annotations

import httpx
import pytest

from events.audit.models import AuditEntry
from events.catalogue.models import Event
from tests.factories import api_token, bearer, event_data, make_event, make_organiser


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> dict[str, str]:
    user = await make_organiser(email="api@example.org")
    return bearer(await api_token(client, user.email))


async def test_organiser_creates_edits_publishes_and_cancels_an_event(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    data = event_data(title="Journée Vieillissement & Santé", timezone="Europe/Paris")
    created = await client.post("/api/v1/events", json=data, headers=auth)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["status"] == "draft"
    assert event["slug"] == "journee-vieillissement-sante"
    assert event["url"] == "http://testserver/events/journee-vieillissement-sante"
    assert event["ical_url"].endswith("/events/journee-vieillissement-sante.ics")
    slug = event["slug"]

    patched = await client.patch(f"/api/v1/events/{slug}", json={"capacity": 300}, headers=auth)
    assert patched.status_code == 200
    assert patched.json()["capacity"] == 300
    assert patched.json()["title"] == "Journée Vieillissement & Santé"

    published = await client.post(f"/api/v1/events/{slug}/publish", headers=auth)
    assert published.json()["status"] == "published"
    cancelled = await client.post(f"/api/v1/events/{slug}/cancel", headers=auth)
    assert cancelled.json()["status"] == "cancelled"

    listed = (await client.get("/api/v1/events", headers=auth)).json()["events"]
    assert [e["slug"] for e in listed] == [slug]
    actions = await AuditEntry.all().order_by("id").values_list("action", flat=True)
    assert actions == ["event.created", "event.updated", "event.published", "event.cancelled"]


async def test_time_without_offset_is_read_in_the_event_time_zone(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    data = event_data(timezone="America/Montreal", starts_at="2027-07-14T09:00", ends_at="2027-07-14T17:00")
    event = (await client.post("/api/v1/events", json=data, headers=auth)).json()
    assert event["starts_at"] == "2027-07-14T09:00:00-04:00"
    stored = await Event.get(slug=event["slug"])
    assert stored.starts_at.utctimetuple()[3] == 13


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at"),
        ({"capacity": -5}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"country": "XX"}, "country"),
        ({"currency": "ZZZ"}, "currency"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"price": "1.00"}, "price"),
    ],
)
async def test_bad_event_input_is_422_with_field_errors_and_nothing_stored(
    client: httpx.AsyncClient, auth: dict[str, str], change: dict[str, object], field: str
) -> None:
    answer = await client.post("/api/v1/events", json=event_data(**change), headers=auth)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["details"]
    assert await Event.all().count() == 0


async def test_missing_required_fields_are_each_named(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    answer = await client.post("/api/v1/events", json={}, headers=auth)
    assert answer.status_code == 422
    assert {"title", "starts_at", "ends_at"} <= set(answer.json()["error"]["details"])


async def test_malformed_json_is_422_not_500(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    answer = await client.post("/api/v1/events", content=b"{nope", headers=auth)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_bad_patch_leaves_the_event_unchanged(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    slug = (await client.post("/api/v1/events", json=event_data(), headers=auth)).json()["slug"]
    before = (await client.get(f"/api/v1/events/{slug}", headers=auth)).json()
    answer = await client.patch(f"/api/v1/events/{slug}", json={"title": "", "capacity": 10}, headers=auth)
    assert answer.status_code == 422
    assert (await client.get(f"/api/v1/events/{slug}", headers=auth)).json() == before


async def test_taken_slug_is_a_field_error(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    await client.post("/api/v1/events", json=event_data(slug="forum"), headers=auth)
    again = await client.post("/api/v1/events", json=event_data(slug="forum"), headers=auth)
    assert again.status_code == 422
    assert "slug" in again.json()["error"]["details"]


async def test_derived_slugs_stay_unique(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    first = await client.post("/api/v1/events", json=event_data(title="Forum"), headers=auth)
    second = await client.post("/api/v1/events", json=event_data(title="Forum"), headers=auth)
    assert (first.json()["slug"], second.json()["slug"]) == ("forum", "forum-2")


async def test_cancelled_event_cannot_be_published_or_edited(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    slug = (await client.post("/api/v1/events", json=event_data(), headers=auth)).json()["slug"]
    await client.post(f"/api/v1/events/{slug}/cancel", headers=auth)
    publish = await client.post(f"/api/v1/events/{slug}/publish", headers=auth)
    assert publish.status_code == 409
    assert publish.json()["error"]["code"] == "invalid_transition"
    edit = await client.patch(f"/api/v1/events/{slug}", json={"title": "x"}, headers=auth)
    assert edit.json()["error"]["code"] == "event_not_editable"


async def test_api_needs_a_valid_bearer_token(client: httpx.AsyncClient) -> None:
    for headers in ({}, bearer("col_forged"), {"Authorization": "Basic abc"}):
        answer = await client.get("/api/v1/events", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthenticated"


async def test_another_organisation_event_is_404_in_the_api(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    theirs = await make_event(owner)
    intruder = await make_organiser()
    auth = bearer(await api_token(client, intruder.email))
    base = f"/api/v1/events/{theirs.slug}"
    calls = [
        client.get(base, headers=auth),
        client.patch(base, json={"title": "hijacked"}, headers=auth),
        client.post(f"{base}/publish", headers=auth),
        client.post(f"{base}/cancel", headers=auth),
    ]
    for call in calls:
        answer = await call
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    assert (await client.get("/api/v1/events", headers=auth)).json() == {"events": []}
    await theirs.refresh_from_db()
    assert (theirs.title, theirs.status) != ("hijacked", "published")


async def test_public_catalogue_lists_only_published_upcoming_events_soonest_first(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    await make_event(user, title="Brouillon")
    later = await make_event(user, published=True, starts_at="2031-05-01T09:00", ends_at="2031-05-01T18:00")
    sooner = await make_event(user, published=True, starts_at="2030-05-01T09:00", ends_at="2030-05-01T18:00")
    await make_event(user, published=True, starts_at="2020-05-01T09:00", ends_at="2020-05-01T18:00")
    listed = (await client.get("/api/v1/public/events")).json()["events"]
    assert [e["slug"] for e in listed] == [sooner.slug, later.slug]
    assert (await client.get(f"/api/v1/public/events/{sooner.slug}")).status_code == 200


async def test_public_api_hides_drafts(client: httpx.AsyncClient) -> None:
    draft = await make_event(await make_organiser())
    answer = await client.get(f"/api/v1/public/events/{draft.slug}")
    assert answer.status_code == 404


async def test_openapi_describes_every_api_route(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert {"post"} <= set(paths["/api/v1/auth/token"])
    assert {"get", "post"} <= set(paths["/api/v1/events"])
    assert {"get", "patch"} <= set(paths["/api/v1/events/{slug}"])
    assert "EventInput" in document["components"]["schemas"]


async def test_event_page_shows_a_change_at_once(client: httpx.AsyncClient) -> None:
    from events.catalogue.schemas import EventPatch
    from events.catalogue.services import update_event

    user = await make_organiser()
    event = await make_event(user, published=True, title="Ancien titre")
    assert "Ancien titre" in (await client.get(f"/events/{event.slug}")).text
    await update_event(user, event, EventPatch(title="Nouveau titre"))
    assert "Nouveau titre" in (await client.get(f"/events/{event.slug}")).text


async def test_event_dates_outside_2000_to_2199_are_invalid(client: httpx.AsyncClient) -> None:
    """Found by the fuzzer: a year 765 start was stored and answered with a `+00:09:21` offset."""
    user = await make_organiser()
    auth = bearer(await api_token(client, user.email))
    body = {"title": "Ancien", "starts_at": "0765-03-24T13:08:31Z", "ends_at": "0797-03-08T15:03:30Z"}
    answer = await client.post("/api/v1/events", json=body, headers=auth)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"
    assert "starts_at" in answer.json()["error"]["details"]

"""Event texts in French and English: API input shapes, the reader's language, fallback, pages."""

from __future__ import annotations

import httpx
import pytest

from events import i18n
from events.catalogue.models import Event
from events.demo import DEMO_SLUG, load_demo
from events.texts import localized
from tests.factories import api_token, bearer, event_data, make_organiser


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> dict[str, str]:
    user = await make_organiser(email="bilingual@example.org")
    return bearer(await api_token(client, user.email))


async def _create(client: httpx.AsyncClient, auth: dict[str, str], **fields: object) -> dict[str, object]:
    answer = await client.post("/api/v1/events", json=event_data(**fields), headers=auth)
    assert answer.status_code == 201, answer.text
    result: dict[str, object] = answer.json()
    return result


async def test_an_object_sets_each_language_and_answers_follow_the_request_language(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    event = await _create(
        client,
        auth,
        title={"fr": "Journée Santé", "en": "Health Day"},
        venue={"fr": "Palais des congrès", "en": "Convention centre"},
    )
    slug = event["slug"]
    assert event["translations"]["title"] == {"fr": "Journée Santé", "en": "Health Day"}  # type: ignore[index]
    english = await client.get(f"/api/v1/events/{slug}?lang=en", headers=auth)
    assert english.json()["title"] == "Health Day"
    assert english.json()["venue"] == "Convention centre"
    client.cookies.clear()  # the page language chosen by ?lang= is remembered in the session
    french = await client.get(f"/api/v1/events/{slug}", headers={**auth, "Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.json()["title"] == "Journée Santé"
    client.cookies.clear()
    by_header = await client.get(
        f"/api/v1/events/{slug}", headers={**auth, "Accept-Language": "en-GB,en;q=0.9"}
    )
    assert by_header.json()["title"] == "Health Day"


async def test_a_plain_string_sets_both_languages_also_in_a_patch(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    event = await _create(client, auth, title={"fr": "Colloque", "en": "Conference"})
    slug = event["slug"]
    patched = await client.patch(f"/api/v1/events/{slug}", json={"title": "BioForum"}, headers=auth)
    assert patched.status_code == 200, patched.text
    assert patched.json()["translations"]["title"] == {"fr": "BioForum", "en": "BioForum"}
    one = await client.patch(
        f"/api/v1/events/{slug}", json={"description": {"en": "Only English"}}, headers=auth
    )
    assert one.json()["translations"]["description"] == {"fr": "", "en": "Only English"}
    assert one.json()["translations"]["title"] == {"fr": "BioForum", "en": "BioForum"}


async def test_a_text_in_one_language_falls_back_to_it(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    event = await _create(client, auth, title={"en": "Health Day"})
    french = await client.get(f"/api/v1/events/{event['slug']}?lang=fr", headers=auth)
    assert french.json()["title"] == "Health Day"
    stored = await Event.get(slug=event["slug"])
    with i18n.use_locale("fr"):
        assert localized(stored, "title") == "Health Day"


async def test_a_title_is_needed_in_at_least_one_language(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    answer = await client.post("/api/v1/events", json=event_data(title={"fr": "", "en": ""}), headers=auth)
    assert answer.status_code == 422
    assert "title" in answer.json()["error"]["details"]
    wrong = await client.post("/api/v1/events", json=event_data(title={"de": "Tag"}), headers=auth)
    assert wrong.status_code == 422
    assert await Event.all().count() == 0


async def test_the_public_page_shows_the_visitors_language(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    event = await _create(client, auth, title={"fr": "Journée Santé", "en": "Health Day"})
    slug = event["slug"]
    assert (await client.post(f"/api/v1/events/{slug}/publish", headers=auth)).status_code == 200
    english = await client.get(f"/events/{slug}?lang=en")
    assert "Health Day" in english.text
    assert "Journée Santé" not in english.text
    french = await client.get(f"/events/{slug}?lang=fr")
    assert "Journée Santé" in french.text
    public = await client.get(f"/api/v1/public/events/{slug}?lang=en")
    assert public.json()["title"] == "Health Day"
    assert "translations" not in public.json()


async def test_ticket_type_names_are_bilingual_and_a_patch_keeps_the_other_text(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    event = await _create(client, auth)
    slug = event["slug"]
    created = await client.post(
        f"/api/v1/events/{slug}/ticket-types",
        json={"name": {"fr": "Pass 2 jours", "en": "2-day pass"}, "price": "100.00"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    assert created.json()["translations"]["name"] == {"fr": "Pass 2 jours", "en": "2-day pass"}
    type_id = created.json()["id"]
    patched = await client.patch(
        f"/api/v1/events/{slug}/ticket-types/{type_id}?lang=en",
        json={"description": {"fr": "Accès aux deux jours", "en": "Both days"}},
        headers=auth,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "2-day pass"
    assert patched.json()["description"] == "Both days"
    assert (await client.post(f"/api/v1/events/{slug}/publish", headers=auth)).status_code == 200
    public = await client.get(f"/api/v1/public/events/{slug}?lang=fr")
    assert public.json()["ticket_types"][0]["name"] == "Pass 2 jours"
    assert "translations" not in public.json()["ticket_types"][0]
    page = await client.get(f"/events/{slug}?lang=en")
    assert "2-day pass" in page.text
    assert "Pass 2 jours" not in page.text


async def test_the_event_feed_follows_lang(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    event = await _create(client, auth, title={"fr": "Journée Santé", "en": "Health Day"})
    slug = event["slug"]
    assert (await client.post(f"/api/v1/events/{slug}/publish", headers=auth)).status_code == 200
    english = await client.get(f"/events/{slug}.ics?lang=en")
    assert b"SUMMARY:Health Day" in english.content
    french = await client.get(f"/events/{slug}.ics?lang=fr")
    assert "SUMMARY:Journée Santé".encode() in french.content


async def test_the_demo_speaks_each_visitor_language(client: httpx.AsyncClient) -> None:
    await load_demo("demo password 2027")
    english = (await client.get(f"/api/v1/public/events/{DEMO_SLUG}?lang=en")).json()
    assert "Health innovation" in english["title"]
    assert "Deux jours" not in english["description"]
    assert "2-day pass" in {t["name"] for t in english["ticket_types"]}
    french = (await client.get(f"/api/v1/public/events/{DEMO_SLUG}?lang=fr")).json()
    assert "Two days" not in french["description"]
    assert "Pass 2 jours" in {t["name"] for t in french["ticket_types"]}

"""Questions, their options and programme sessions in French and English, with options keyed for answers."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from events.catalogue.models import Event, Question
from events.demo import DEMO_SLUG, load_demo
from events.ticketing.models import Ticket
from tests.factories import api_token, bearer, login, make_event, make_organiser, make_ticket_type, order_body

Auth = tuple[dict[str, str], Event]


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> Auth:
    user = await make_organiser(email="content@example.org")
    event = await make_event(user, published=True)
    return bearer(await api_token(client, user.email)), event


async def _question(client: httpx.AsyncClient, auth: Auth, **body: object) -> dict[str, object]:
    headers, event = auth
    answer = await client.post(f"/api/v1/events/{event.slug}/questions", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, object] = answer.json()
    return result


async def _order(client: httpx.AsyncClient, event: Event, answers: dict[str, object], **extra: object) -> str:
    pass_ = await make_ticket_type(event)
    body = order_body(pass_.id, **extra)
    body["tickets"][0]["answers"] = answers
    placed = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert placed.status_code == 201, placed.text
    return str(placed.json()["code"])


DIET = {
    "label": {"fr": "Régime alimentaire", "en": "Dietary requirements"},
    "kind": "choice",
    "options": [{"fr": "Végétarien", "en": "Vegetarian"}, {"fr": "Sans gluten", "en": "Gluten-free"}],
}


async def test_a_question_and_its_options_answer_in_the_request_language(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, event = auth
    created = await _question(client, auth, **DIET)
    assert created["translations"] == {"label": {"fr": "Régime alimentaire", "en": "Dietary requirements"}}
    assert [{k: o[k] for k in ("key", "fr", "en")} for o in created["options"]] == [  # type: ignore[attr-defined]
        {"key": "vegetarien", "fr": "Végétarien", "en": "Vegetarian"},
        {"key": "sans-gluten", "fr": "Sans gluten", "en": "Gluten-free"},
    ]
    client.cookies.clear()
    english = await client.get(
        f"/api/v1/events/{event.slug}/questions", headers={**headers, "Accept-Language": "en-GB"}
    )
    [question] = english.json()["questions"]
    assert question["label"] == "Dietary requirements"
    assert [o["label"] for o in question["options"]] == ["Vegetarian", "Gluten-free"]
    french = await client.get(f"/api/v1/events/{event.slug}/questions?lang=fr", headers=headers)
    assert french.json()["questions"][0]["label"] == "Régime alimentaire"


async def test_a_question_in_one_language_falls_back_to_it(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    await _question(
        client,
        auth,
        label={"fr": "Atelier"},
        kind="multiple",
        options=[{"fr": "Bioproduction"}, {"en": "Imaging"}],
    )
    english = await client.get(f"/api/v1/events/{event.slug}/questions?lang=en", headers=headers)
    [question] = english.json()["questions"]
    assert question["label"] == "Atelier"
    assert [o["label"] for o in question["options"]] == ["Bioproduction", "Imaging"]
    french = await client.get(f"/api/v1/events/{event.slug}/questions?lang=fr", headers=headers)
    assert [o["label"] for o in french.json()["questions"][0]["options"]] == ["Bioproduction", "Imaging"]


async def test_a_label_is_needed_in_at_least_one_language(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    answer = await client.post(
        f"/api/v1/events/{event.slug}/questions", json={"label": {"fr": "", "en": ""}}, headers=headers
    )
    assert answer.status_code == 422
    assert "label" in answer.json()["error"]["details"]


async def test_the_registration_form_offers_options_in_the_visitor_language_and_stores_keys(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    _headers, event = auth
    question = await _question(client, auth, **DIET)
    pass_ = await make_ticket_type(event)
    form = await client.get(f"/events/{event.slug}/register?type-{pass_.id}=1&lang=en")
    assert "Dietary requirements" in form.text and "Gluten-free" in form.text
    assert "Sans gluten" not in form.text
    assert 'value="sans-gluten"' in form.text
    code = await _order(client, event, {str(question["id"]): "sans-gluten"})
    ticket = await Ticket.get(order__code=code)
    assert ticket.answers == {str(question["id"]): "sans-gluten"}


async def test_an_answer_given_as_an_option_text_is_stored_as_its_key(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    _headers, event = auth
    question = await _question(client, auth, **{**DIET, "kind": "multiple"})
    code = await _order(client, event, {str(question["id"]): ["Gluten-free", "Végétarien"]})
    ticket = await Ticket.get(order__code=code)
    assert ticket.answers == {str(question["id"]): ["vegetarien", "sans-gluten"]}


async def test_answers_survive_renaming_and_translating_an_option(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, event = auth
    question = await _question(client, auth, label="Régime", kind="choice", options=["Végétarien", "Vegan"])
    code = await _order(client, event, {str(question["id"]): "Végétarien"})
    renamed = await client.patch(
        f"/api/v1/events/{event.slug}/questions/{question['id']}",
        json={
            "options": [{"key": "Végétarien", "fr": "Végétarien (sans viande)", "en": "Vegetarian"}, "Vegan"]
        },
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert [o["key"] for o in renamed.json()["options"]] == ["Végétarien", "Vegan"]
    ticket = await Ticket.get(order__code=code)
    assert ticket.answers == {str(question["id"]): "Végétarien"}
    await login(client, "content@example.org")
    page = await client.get(f"/dashboard/events/{event.slug}/orders/{code}?lang=en")
    assert page.status_code == 200
    assert "Vegetarian" in page.text
    french = await client.get(f"/dashboard/events/{event.slug}/orders/{code}?lang=fr")
    assert "Végétarien (sans viande)" in french.text
    export = await client.get(f"/api/v1/events/{event.slug}/exports/attendees.csv?lang=en", headers=headers)
    assert "Vegetarian" in export.text


async def test_a_patch_with_plain_texts_keeps_the_keys_of_the_same_texts(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, event = auth
    question = await _question(client, auth, **DIET)
    again = await client.patch(
        f"/api/v1/events/{event.slug}/questions/{question['id']}",
        json={"label": "Régime", "options": ["Sans gluten", "Végétarien", "Halal"]},
        headers=headers,
    )
    assert again.status_code == 200, again.text
    assert [o["key"] for o in again.json()["options"]] == ["sans-gluten", "vegetarien", "Halal"]
    assert again.json()["translations"]["label"] == {"fr": "Régime", "en": "Régime"}


async def test_another_organisations_question_is_404(client: httpx.AsyncClient, auth: Auth) -> None:
    _headers, event = auth
    question = await _question(client, auth, **DIET)
    intruder = await make_organiser(email="intruder@example.org")
    other = bearer(await api_token(client, intruder.email))
    answer = await client.patch(
        f"/api/v1/events/{event.slug}/questions/{question['id']}", json={"label": "X"}, headers=other
    )
    assert answer.status_code == 404
    mine = await make_event(intruder)
    crossed = await client.patch(
        f"/api/v1/events/{mine.slug}/questions/{question['id']}", json={"label": "X"}, headers=other
    )
    assert crossed.status_code == 404


# ------------------------------------------------------------------ sessions


def _session(event: Event, **overrides: object) -> dict[str, object]:
    start = event.starts_at.astimezone(ZoneInfo(event.timezone)).replace(hour=14, minute=0)
    return {
        "title": {"fr": "Atelier bioproduction", "en": "Bioprocessing workshop"},
        "description": {"fr": "Cas pratiques en salle blanche.", "en": "Hands-on cases in a clean room."},
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=90)).isoformat(),
        "capacity": 20,
        **overrides,
    }


async def _create_session(client: httpx.AsyncClient, auth: Auth, **overrides: object) -> dict[str, object]:
    headers, event = auth
    created = await client.post(
        f"/api/v1/events/{event.slug}/sessions", json=_session(event, **overrides), headers=headers
    )
    assert created.status_code == 201, created.text
    result: dict[str, object] = created.json()
    return result


async def test_a_session_answers_in_the_request_language(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    created = await _create_session(client, auth)
    assert created["translations"] == {
        "title": {"fr": "Atelier bioproduction", "en": "Bioprocessing workshop"},
        "description": {"fr": "Cas pratiques en salle blanche.", "en": "Hands-on cases in a clean room."},
    }
    english = await client.get(
        f"/api/v1/events/{event.slug}/sessions/{created['id']}?lang=en", headers=headers
    )
    assert english.json()["title"] == "Bioprocessing workshop"
    assert english.json()["description"] == "Hands-on cases in a clean room."
    public = (await client.get(f"/api/v1/public/events/{event.slug}?lang=fr")).json()
    assert public["sessions"][0]["title"] == "Atelier bioproduction"
    assert "translations" not in public["sessions"][0]


async def test_a_plain_session_title_in_a_patch_sets_both_and_keeps_the_description(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers, event = auth
    created = await _create_session(client, auth)
    patched = await client.patch(
        f"/api/v1/events/{event.slug}/sessions/{created['id']}",
        json={"title": "Masterclass"},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["translations"]["title"] == {"fr": "Masterclass", "en": "Masterclass"}
    assert patched.json()["translations"]["description"]["en"] == "Hands-on cases in a clean room."


async def test_a_session_in_one_language_falls_back_to_it(client: httpx.AsyncClient, auth: Auth) -> None:
    _headers, event = auth
    await _create_session(client, auth, title={"en": "Keynote"}, description={"fr": "Ouverture"})
    public = (await client.get(f"/api/v1/public/events/{event.slug}?lang=fr")).json()
    assert (public["sessions"][0]["title"], public["sessions"][0]["description"]) == ("Keynote", "Ouverture")
    english = (await client.get(f"/api/v1/public/events/{event.slug}?lang=en")).json()
    assert english["sessions"][0]["description"] == "Ouverture"


async def test_a_session_title_is_needed_in_one_language(client: httpx.AsyncClient, auth: Auth) -> None:
    headers, event = auth
    answer = await client.post(
        f"/api/v1/events/{event.slug}/sessions",
        json=_session(event, title={"fr": " ", "en": ""}),
        headers=headers,
    )
    assert answer.status_code == 422
    assert "title" in answer.json()["error"]["details"]


async def test_the_programme_page_and_the_feed_follow_the_language(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    _headers, event = auth
    await _create_session(client, auth)
    english = await client.get(f"/events/{event.slug}/programme?lang=en")
    assert "Bioprocessing workshop" in english.text and "clean room" in english.text
    assert "Atelier bioproduction" not in english.text
    french = await client.get(f"/events/{event.slug}/programme?lang=fr")
    assert "Atelier bioproduction" in french.text
    for lang, title in (("en", "Bioprocessing workshop"), ("fr", "Atelier bioproduction")):
        feed = await client.get(f"/events/{event.slug}.ics?lang={lang}")
        calendar = icalendar.Calendar.from_ical(feed.content)
        assert title in [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


async def test_the_dashboard_session_form_has_both_languages(client: httpx.AsyncClient, auth: Auth) -> None:
    _headers, event = auth
    created = await _create_session(client, auth)
    await login(client, "content@example.org")
    page = await client.get(f"/dashboard/events/{event.slug}/programme/{created['id']}")
    assert 'name="title_en"' in page.text and 'value="Bioprocessing workshop"' in page.text
    assert 'name="description_en"' in page.text


async def test_the_demo_programme_and_questions_speak_each_visitor_language(
    client: httpx.AsyncClient,
) -> None:
    await load_demo("demo password 2027")
    english = (await client.get(f"/api/v1/public/events/{DEMO_SLUG}?lang=en")).json()
    titles = {s["title"] for s in english["sessions"]}
    assert "Workshop: AI for medical imaging" in titles and "Lunch" in titles
    french = (await client.get(f"/api/v1/public/events/{DEMO_SLUG}?lang=fr")).json()
    assert "Déjeuner" in {s["title"] for s in french["sessions"]}
    diet = await Question.get(event__slug=DEMO_SLUG, kind="choice")
    assert (diet.label, diet.label_en) == ("Régime alimentaire", "Dietary requirements")
    assert {"key": "vegetarian", "fr": "Végétarien", "en": "Vegetarian"} in diet.options


async def test_control_characters_are_taken_out_of_question_texts(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await _question(
        client,
        auth,
        label={"fr": "Ré\x00gime", "en": "Diet\x07"},
        kind="choice",
        options=["Un\x00", {"fr": "Deux\x1f"}],
    )
    assert created["translations"] == {"label": {"fr": "Régime", "en": "Diet"}}
    assert [o["fr"] for o in created["options"]] == ["Un", "Deux"]  # type: ignore[attr-defined]

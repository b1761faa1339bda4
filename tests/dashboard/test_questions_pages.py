"""The organiser's registration questions: listing and adding them through the page."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue.models import Event, Question
from tests.factories import csrf_from, login, make_event, make_organiser


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True)


async def _post(client: httpx.AsyncClient, owner: User, event: Event, **fields: str) -> httpx.Response:
    await login(client, owner.email)
    path = f"/dashboard/events/{event.slug}/questions"
    return await client.post(path, data={"csrf_token": await csrf_from(client, path), **fields})


async def test_organiser_adds_a_choice_question_with_options_in_both_languages(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    answer = await _post(
        client, owner, event, label="Atelier choisi", label_en="Chosen workshop", kind="choice",
        required="on", **{
            "option-0-fr": "Bioproduction", "option-0-en": "Bioprocessing",
            "option-1-fr": "  ", "option-1-en": "",
            "option-2-fr": "  Dispositifs médicaux ", "option-2-en": "Medical devices",
            "option-3-fr": "IA en santé",
        },
    )  # fmt: skip
    assert answer.status_code == 303
    question = await Question.get(event_id=event.id)
    assert (question.label, question.label_en) == ("Atelier choisi", "Chosen workshop")
    assert question.options == [
        {"key": "bioproduction", "fr": "Bioproduction", "en": "Bioprocessing"},
        {"key": "dispositifs-medicaux", "fr": "Dispositifs médicaux", "en": "Medical devices"},
        {"key": "ia-en-sante", "fr": "IA en santé", "en": ""},
    ]
    assert (question.kind, question.required, question.sensitive) == ("choice", True, False)
    assert await AuditEntry.filter(action="question.created").exists()
    page = (await client.get(answer.headers["location"] + "&lang=fr")).text
    assert "Atelier choisi" in page and "Dispositifs médicaux" in page
    english = (await client.get(answer.headers["location"] + "&lang=en")).text
    assert "Chosen workshop" in english and "Medical devices" in english
    assert "IA en santé" in english  # no English text: the French one


async def test_sensitive_question_is_marked_and_explained_at_registration(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    from tests.factories import make_ticket_type

    pass_ = await make_ticket_type(event)
    await _post(client, owner, event, label="Régime alimentaire", kind="textarea", sensitive="on")
    assert (await Question.get(event_id=event.id)).sensitive is True
    form = (await client.get(f"/events/{event.slug}/register?type-{pass_.id}=1")).text
    assert "Régime alimentaire" in form and "deleted after the event" in form


async def test_choice_without_two_options_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    answer = await _post(client, owner, event, label="Atelier", kind="multiple", **{"option-0-fr": "Un seul"})
    assert answer.status_code == 422
    assert "Give at least two options." in answer.text
    assert "Un seul" in answer.text
    assert await Question.all().count() == 0


@pytest.mark.parametrize("fields", [{"label": "", "kind": "text"}, {"label": "Pays", "kind": "date"}])
async def test_missing_label_or_unknown_kind_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event, fields: dict[str, str]
) -> None:
    answer = await _post(client, owner, event, **fields)
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.text
    assert await Question.all().count() == 0


async def test_another_organisation_questions_are_404(client: httpx.AsyncClient, event: Event) -> None:
    intruder = await make_organiser()
    mine = await make_event(intruder)
    await login(client, intruder.email)
    token = await csrf_from(client, f"/dashboard/events/{mine.slug}/questions")
    path = f"/dashboard/events/{event.slug}/questions"
    assert (await client.get(path)).status_code == 404
    answer = await client.post(path, data={"csrf_token": token, "label": "Intrus", "kind": "text"})
    assert answer.status_code == 404
    assert await Question.all().count() == 0

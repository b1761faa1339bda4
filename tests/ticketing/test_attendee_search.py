"""The attendee search folds case and accents, and the list filters by an answer to a question."""

from __future__ import annotations

from typing import Any

import httpx

from events.catalogue import offers
from events.ticketing.models import Ticket
from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

PEOPLE = [
    ("Hélène Dupont", "Université de Toulouse"),
    ("HÉLÈNE MARTIN", "Inserm"),
    ("helene roux", "Æsculap SAS"),
    ("Hélio Vargas", "Œuvre Santé"),
    ("Bob Smith", "Straße Labs"),
]


async def _event(client: httpx.AsyncClient) -> tuple[Any, Any, str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    kind = await make_ticket_type(event, name="Pass")
    for n, (name, organisation) in enumerate(PEOPLE):
        attendee = {"name": name, "email": f"p{n}@example.org", "organisation": organisation}
        await make_order(event, kind.id, tickets=[{"ticket_type": kind.id, "attendee": attendee}])
    return owner, event, await api_token(client, owner.email)


async def _names(client: httpx.AsyncClient, event: Any, token: str, **params: Any) -> list[str]:
    answer = await client.get(f"/api/v1/events/{event.slug}/attendees", params=params, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["attendees"])
    return sorted(row["name"] for row in body["attendees"])


async def test_search_without_accents_finds_every_spelling(client: httpx.AsyncClient) -> None:
    _owner, event, token = await _event(client)
    expected = ["HÉLÈNE MARTIN", "Hélène Dupont", "helene roux"]
    assert await _names(client, event, token, q="helene") == expected
    assert await _names(client, event, token, q="HÉLÈNE") == expected
    assert await _names(client, event, token, q="Hélène Dup") == ["Hélène Dupont"]


async def test_search_folds_organisations_and_letters_without_a_base_letter(
    client: httpx.AsyncClient,
) -> None:
    _owner, event, token = await _event(client)
    assert await _names(client, event, token, q="universite") == ["Hélène Dupont"]
    assert await _names(client, event, token, q="aesculap") == ["helene roux"]
    assert await _names(client, event, token, q="oeuvre") == ["Hélio Vargas"]
    assert await _names(client, event, token, q="strasse") == ["Bob Smith"]
    assert await _names(client, event, token, q="P3@EXAMPLE.ORG") == ["Hélio Vargas"]


async def test_changed_details_are_searched_at_once(client: httpx.AsyncClient) -> None:
    _owner, event, token = await _event(client)
    ticket = await Ticket.get(event_id=event.id, attendee_name="Bob Smith")
    ticket.attendee_name = "Zoé Lefèvre"
    await ticket.save(update_fields=["attendee_name"])
    assert await _names(client, event, token, q="lefevre") == ["Zoé Lefèvre"]
    assert await _names(client, event, token, q="smith") == []


async def _answers_event(client: httpx.AsyncClient) -> tuple[Any, Any, dict[str, Any], str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    kind = await make_ticket_type(event, name="Pass")
    questions = {
        "diet": await offers.create_question(
            owner, event, {"label": "Régime", "kind": "choice", "options": ["Aucun", "Végétarien"]}
        ),
        "workshops": await offers.create_question(
            owner, event, {"label": "Ateliers", "kind": "multiple", "options": ["Bio-impression", "IA"]}
        ),
        "dinner": await offers.create_question(owner, event, {"label": "Dîner", "kind": "checkbox"}),
        "lab": await offers.create_question(owner, event, {"label": "Laboratoire", "kind": "text"}),
    }
    rows = [
        ("Ana", {"diet": "Végétarien", "workshops": ["Bio-impression", "IA"], "dinner": True, "lab": "CRCT"}),
        ("Ben", {"diet": "Aucun", "workshops": ["IA"], "dinner": False, "lab": "LAAS-CNRS"}),
        ("Cléo", {"diet": "Végétarien", "workshops": [], "lab": "crct équipe 4"}),
    ]
    for name, given in rows:
        answers = {str(questions[key].id): value for key, value in given.items()}
        ticket = {"ticket_type": kind.id, "attendee": {"name": name}, "answers": answers}
        await make_order(event, kind.id, tickets=[ticket])
    return owner, event, questions, await api_token(client, owner.email)


async def test_list_filters_by_each_kind_of_answer(client: httpx.AsyncClient) -> None:
    _owner, event, questions, token = await _answers_event(client)

    async def having(key: str, value: str) -> list[str]:
        return await _names(client, event, token, question=questions[key].id, answer=value)

    assert await having("diet", "Végétarien") == ["Ana", "Cléo"]
    assert await having("workshops", "Bio-impression") == ["Ana"]
    assert await having("workshops", "IA") == ["Ana", "Ben"]
    assert await having("dinner", "yes") == ["Ana"]
    assert await having("dinner", "non") == ["Ben", "Cléo"]
    assert await having("lab", "crct") == ["Ana", "Cléo"]


async def test_answer_filter_combines_with_the_search(client: httpx.AsyncClient) -> None:
    _owner, event, questions, token = await _answers_event(client)
    found = await _names(client, event, token, q="cleo", question=questions["diet"].id, answer="Végétarien")
    assert found == ["Cléo"]


async def test_bad_answer_filters_are_invalid(client: httpx.AsyncClient) -> None:
    owner, event, questions, token = await _answers_event(client)
    other = await make_event(owner, published=True)
    foreign = await offers.create_question(owner, other, {"label": "Autre", "kind": "text"})
    url = f"/api/v1/events/{event.slug}/attendees"
    cases = [
        ({"question": questions["diet"].id, "answer": "Carnivore"}, "answer"),
        ({"question": questions["dinner"].id, "answer": "maybe"}, "answer"),
        ({"question": questions["diet"].id}, "answer"),
        ({"answer": "Aucun"}, "question"),
        ({"question": foreign.id, "answer": "x"}, "question"),
        ({"question": "abc", "answer": "x"}, "question"),
    ]
    for params, field in cases:
        answer = await client.get(url, params=params, headers=bearer(token))
        assert answer.status_code == 422, (params, answer.text)
        assert field in answer.json()["error"]["details"]


async def test_dashboard_and_export_filter_by_an_answer(client: httpx.AsyncClient) -> None:
    owner, event, questions, _token = await _answers_event(client)
    await login(client, owner.email)
    params = {"question": str(questions["diet"].id), "answer": "Aucun"}
    page = await client.get(f"/dashboard/events/{event.slug}/attendees", params=params)
    assert page.status_code == 200
    assert ">Ben</a>" in page.text and ">Ana</a>" not in page.text
    export = await client.get(f"/dashboard/events/{event.slug}/exports/attendees.csv", params=params)
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Ben" in lines[1]
    wrong = await client.get(
        f"/dashboard/events/{event.slug}/attendees", params={**params, "answer": "Carnivore"}
    )
    assert wrong.status_code == 200 and 'id="e-answer"' in wrong.text and ">Ana</a>" in wrong.text

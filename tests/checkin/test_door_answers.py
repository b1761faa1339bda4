"""Answers shown at the door: only questions marked "show at the door", only for attendees who agreed,
online, in a batch and in the offline pack (with names), and gone once the sensitive retention ran."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

import httpx

from events import clock
from events.catalogue import offers
from events.catalogue import services as catalogue
from events.catalogue.models import Question
from events.catalogue.schemas import EventPatch
from events.checkin import offline
from events.privacy.jobs import apply_retention
from events.privacy.models import ConsentRecord
from events.ticketing.models import Ticket
from events.ticketing.orders import place_order
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer, order_body


def _hash(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()


async def _questions(door: Door) -> tuple[Question, Question, Question]:
    diet = await offers.create_question(
        door.user, door.event,
        {"label": "Régime", "kind": "choice", "options": ["Aucun", "Végétarien"], "show_at_door": True},
    )  # fmt: skip
    access = await offers.create_question(
        door.user, door.event, {"label": "Accessibilité", "kind": "text", "show_at_door": True}
    )
    lab = await offers.create_question(door.user, door.event, {"label": "Laboratoire", "kind": "text"})
    return diet, access, lab


async def _ticket(door: Door, answers: dict[str, object], agreed: bool) -> Ticket:
    body: dict[str, Any] = order_body(door.pass_type.id)
    body["tickets"][0]["answers"] = answers
    body["tickets"][0]["attendee"]["consents"] = {"door": agreed}
    order = await place_order(door.event.slug, body)
    return await Ticket.get(order_id=order.id)


async def _scan(client: httpx.AsyncClient, door: Door, ticket: Ticket, nonce: str) -> dict[str, Any]:
    answer = await client.post(door.url, json={"secret": ticket.secret, "nonce": nonce}, headers=door.headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_a_question_is_marked_show_at_the_door_through_the_api_and_is_then_sensitive(
    client: httpx.AsyncClient, door: Door
) -> None:
    headers = bearer(await api_token(client, door.user.email))
    url = f"/api/v1/events/{door.event.slug}/questions"
    created = await client.post(url, json={"label": "Mobilité", "show_at_door": True}, headers=headers)
    assert created.status_code == 201, created.text
    assert (created.json()["show_at_door"], created.json()["sensitive"]) == (True, True)
    plain = await client.post(url, json={"label": "Laboratoire"}, headers=headers)
    assert plain.json()["show_at_door"] is False
    listed = (await client.get(url, headers=headers)).json()["questions"]
    assert [q["show_at_door"] for q in listed] == [True, False]
    refused = await client.post(url, json={"label": "X", "show_at_door": "maybe"}, headers=headers)
    assert refused.status_code == 422
    assert "show_at_door" in refused.json()["error"]["details"]


async def test_the_scan_shows_door_answers_only_of_an_attendee_who_agreed(
    client: httpx.AsyncClient, door: Door
) -> None:
    diet, access, lab = await _questions(door)
    answers = {str(diet.id): "Végétarien", str(access.id): "Fauteuil roulant", str(lab.id): "U1037"}
    agreed = await _ticket(door, answers, agreed=True)
    refused = await _ticket(door, answers, agreed=False)

    shown = await _scan(client, door, agreed, "n-1")
    hidden = await _scan(client, door, refused, "n-2")

    assert shown["status"] == "ok"
    assert shown["ticket"]["door_answers"] == [
        {"question_id": diet.id, "question": "Régime", "answer": "Végétarien"},
        {"question_id": access.id, "question": "Accessibilité", "answer": "Fauteuil roulant"},
    ]
    assert hidden["status"] == "ok"
    assert hidden["ticket"]["door_answers"] == []
    again = await _scan(client, door, agreed, "n-1")  # the nonce's stored answer, shown the same
    assert again["ticket"]["door_answers"] == shown["ticket"]["door_answers"]


async def test_the_agreement_is_recorded_on_the_ticket_and_as_a_consent_row(
    client: httpx.AsyncClient, door: Door
) -> None:
    diet, _access, _lab = await _questions(door)
    agreed = await _ticket(door, {str(diet.id): "Aucun"}, agreed=True)
    refused = await _ticket(door, {str(diet.id): "Aucun"}, agreed=False)

    assert (agreed.door_consent, refused.door_consent) == (True, False)
    rows = (
        await ConsentRecord.filter(purpose="door").order_by("id").values_list("order_id", "email", "granted")
    )
    assert rows == [
        (agreed.order_id, agreed.attendee_email, True),
        (refused.order_id, refused.attendee_email, False),
    ]


async def test_an_agreement_means_nothing_at_an_event_without_door_questions(door: Door) -> None:
    ticket = await _ticket(door, {}, agreed=True)

    assert ticket.door_consent is False
    assert await ConsentRecord.filter(purpose="door").count() == 0


async def test_batch_results_show_the_door_answers_of_attendees_who_agreed(
    client: httpx.AsyncClient, door: Door
) -> None:
    diet, _access, _lab = await _questions(door)
    agreed = await _ticket(door, {str(diet.id): "Végétarien"}, agreed=True)
    refused = await _ticket(door, {str(diet.id): "Végétarien"}, agreed=False)
    at = (clock.now() - timedelta(minutes=5)).isoformat()
    scans = [{"secret": t.secret, "nonce": f"b-{t.id}", "scanned_at": at} for t in (agreed, refused)]

    answer = await client.post(f"{door.url}/batch", json={"scans": scans}, headers=door.headers)

    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["ok", "ok"]
    assert [r["ticket"]["door_answers"] for r in results] == [
        [{"question_id": diet.id, "question": "Régime", "answer": "Végétarien"}],
        [],
    ]


async def test_the_offline_pack_holds_door_answers_only_with_names_allowed_and_agreement(
    client: httpx.AsyncClient, door: Door
) -> None:
    diet, _access, _lab = await _questions(door)
    agreed = await _ticket(door, {str(diet.id): "Végétarien"}, agreed=True)
    refused = await _ticket(door, {str(diet.id): "Végétarien"}, agreed=False)

    without_names = await offline.pack(door.event)
    assert "Végétarien" not in str(without_names)
    assert all("door_answers" not in entry for entry in without_names["tickets"].values())
    await catalogue.update_event(door.user, door.event, EventPatch(offline_names=True))
    tickets = (await client.get(f"{door.url}/offline", headers=door.headers)).json()["tickets"]

    assert tickets[_hash(agreed.secret)]["door_answers"] == [
        {"question_id": diet.id, "question": "Régime", "answer": "Végétarien"}
    ]
    assert tickets[_hash(refused.secret)]["door_answers"] == []


async def test_door_answers_are_erased_by_the_sensitive_retention(
    client: httpx.AsyncClient, door: Door
) -> None:
    diet, _access, lab = await _questions(door)
    ticket = await _ticket(door, {str(diet.id): "Végétarien", str(lab.id): "U1037"}, agreed=True)
    assert (await _scan(client, door, ticket, "before"))["ticket"]["door_answers"] != []

    with clock.frozen(door.event.ends_at + timedelta(days=door.event.sensitive_retention_days, seconds=1)):
        assert await apply_retention() == 1

    kept = await Ticket.get(id=ticket.id)
    assert kept.answers == {str(lab.id): "U1037"}
    pack = await client.get(f"{door.url}/offline", headers=door.headers)
    assert "Végétarien" not in pack.text
    assert (await _scan(client, door, ticket, "before"))["ticket"]["door_answers"] == []

"""The call for abstracts and submissions: the window, the word limit, editing until the deadline."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import pytest

from events import clock
from events.abstracts.models import Abstract
from events.audit.models import AuditEntry
from events.catalogue.models import Event
from events.mail.models import OutboxMessage
from tests.factories import (
    api_token,
    bearer,
    call_data,
    make_call,
    make_event,
    make_organiser,
    submission_body,
)


@pytest.fixture
async def event() -> Event:
    user = await make_organiser(email="comite@example.org")
    return await make_event(user, published=True)


async def _track(event: Event) -> int:
    call = await make_call(event)
    await call.fetch_related("tracks")
    return int(sorted(call.tracks, key=lambda t: t.position)[0].id)


async def test_organiser_puts_the_call_and_gets_ids_back_and_an_audit_row(
    client: httpx.AsyncClient, event: Event
) -> None:
    headers = bearer(await api_token(client, "comite@example.org"))
    url = f"/api/v1/events/{event.slug}/call-for-abstracts"
    answer = await client.put(url, json=call_data(), headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [t["name"] for t in body["tracks"]] == ["Oncologie", "Immunologie"]
    assert all(isinstance(q["id"], int) for q in body["review_questions"])
    renamed = [{"id": body["tracks"][0]["id"], "name": "Oncologie clinique"}, {"name": "Imagerie"}]
    again = await client.put(url, json=call_data(tracks=renamed), headers=headers)
    assert [t["name"] for t in again.json()["tracks"]] == ["Oncologie clinique", "Imagerie"]
    assert again.json()["tracks"][0]["id"] == body["tracks"][0]["id"]
    assert (await client.get(url, headers=headers)).json()["tracks"] == again.json()["tracks"]
    actions = await AuditEntry.filter(object_type="call_for_abstracts").values_list("action", flat=True)
    assert sorted(actions) == ["call.created", "call.updated"]


async def test_a_call_window_centuries_away_is_refused_beside_its_field_and_nothing_is_stored(
    client: httpx.AsyncClient, event: Event
) -> None:
    """Found by the fuzzer: a year like 1056 came back with a local-mean-time offset no reader accepts."""
    headers = bearer(await api_token(client, "comite@example.org"))
    url = f"/api/v1/events/{event.slug}/call-for-abstracts"
    answer = await client.put(url, json=call_data(opens_at="1056-07-16T09:27:45Z"), headers=headers)
    assert answer.status_code == 422
    assert "opens_at" in answer.json()["error"]["details"]
    assert (await client.get(url, headers=headers)).status_code == 404


async def test_public_event_json_carries_the_call(client: httpx.AsyncClient, event: Event) -> None:
    await make_call(event)
    public = (await client.get(f"/api/v1/public/events/{event.slug}")).json()
    assert public["call_for_abstracts"]["max_words"] == 50
    assert [t["name"] for t in public["call_for_abstracts"]["tracks"]] == ["Oncologie", "Immunologie"]


async def test_submission_is_accepted_and_confirmed_in_the_submitters_language(
    client: httpx.AsyncClient, event: Event
) -> None:
    track = await _track(event)
    answer = await client.post(f"/api/v1/events/{event.slug}/abstracts", json=submission_body(track))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "submitted"
    assert body["manage_url"] == f"http://testserver/abstracts/{body['code']}/{body['secret']}"
    mail = await OutboxMessage.get(kind="abstract_submitted")
    assert mail.locale == "fr"
    assert body["manage_url"] in mail.text_body
    assert "Bonjour" in mail.text_body


@pytest.mark.parametrize("moment", [timedelta(days=-2), timedelta(days=31)])
async def test_submission_outside_the_window_is_closed(
    client: httpx.AsyncClient, event: Event, moment: timedelta
) -> None:
    track = await _track(event)
    with clock.frozen(clock.now() + moment):
        answer = await client.post(f"/api/v1/events/{event.slug}/abstracts", json=submission_body(track))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "closed"
    assert await Abstract.all().count() == 0


async def test_body_over_the_word_limit_is_refused_beside_the_field(
    client: httpx.AsyncClient, event: Event
) -> None:
    track = await _track(event)
    body = submission_body(track, body=" ".join(["mot"] * 51))
    answer = await client.post(f"/api/v1/events/{event.slug}/abstracts", json=body)
    assert answer.status_code == 422
    assert set(answer.json()["error"]["details"]) == {"body"}
    exactly = submission_body(track, body=" ".join(["mot"] * 50))
    assert (await client.post(f"/api/v1/events/{event.slug}/abstracts", json=exactly)).status_code == 201


async def test_unknown_track_and_type_are_refused(client: httpx.AsyncClient, event: Event) -> None:
    await _track(event)
    body = submission_body(999_999, contribution_type="keynote")
    answer = await client.post(f"/api/v1/events/{event.slug}/abstracts", json=body)
    assert answer.status_code == 422
    assert set(answer.json()["error"]["details"]) == {"track", "contribution_type"}


async def test_a_draft_event_has_no_call_to_submit_to(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    draft = await make_event(user)
    await make_call(draft)
    answer = await client.post(f"/api/v1/events/{draft.slug}/abstracts", json=submission_body(1))
    assert answer.status_code == 404


async def test_submitter_edits_until_the_deadline_then_it_is_closed(
    client: httpx.AsyncClient, event: Event
) -> None:
    track = await _track(event)
    created = (
        await client.post(f"/api/v1/events/{event.slug}/abstracts", json=submission_body(track))
    ).json()
    url = f"/api/v1/abstracts/{created['code']}/{created['secret']}"
    edited = await client.patch(url, json={"title": "Titre corrigé"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Titre corrigé"
    too_long = await client.patch(url, json={"body": " ".join(["mot"] * 60)})
    assert too_long.status_code == 422
    with clock.frozen(clock.now() + timedelta(days=31)):
        late = await client.patch(url, json={"title": "Trop tard"})
        assert late.status_code == 409
        assert late.json()["error"]["code"] == "closed"
        assert (await client.post(f"{url}/withdraw")).status_code == 409
    assert (await client.get(url)).json()["title"] == "Titre corrigé"


async def test_submitter_withdraws_and_can_no_longer_edit(client: httpx.AsyncClient, event: Event) -> None:
    track = await _track(event)
    created = (
        await client.post(f"/api/v1/events/{event.slug}/abstracts", json=submission_body(track))
    ).json()
    url = f"/api/v1/abstracts/{created['code']}/{created['secret']}"
    withdrawn = await client.post(f"{url}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    assert (await client.patch(url, json={"title": "Retour"})).status_code == 409


async def test_wrong_or_oversized_secret_is_not_found(client: httpx.AsyncClient, event: Event) -> None:
    track = await _track(event)
    created = (
        await client.post(f"/api/v1/events/{event.slug}/abstracts", json=submission_body(track))
    ).json()
    assert (await client.get(f"/api/v1/abstracts/{created['code']}/{'x' * 32}")).status_code == 404
    assert (await client.get(f"/api/v1/abstracts/{created['code']}/{'x' * 500}")).status_code == 404
    assert (await client.get(f"/api/v1/abstracts/{'Z' * 40}/{created['secret']}")).status_code == 404


async def test_another_organisation_sees_no_call(client: httpx.AsyncClient, event: Event) -> None:
    await make_call(event)
    other = await make_organiser(email="autre@example.org")
    headers = bearer(await api_token(client, other.email))
    answer = await client.get(f"/api/v1/events/{event.slug}/call-for-abstracts", headers=headers)
    assert answer.status_code == 404
    assert (await client.get(f"/api/v1/events/{event.slug}/abstracts", headers=headers)).status_code == 404


async def test_submissions_are_throttled_per_address(
    client: httpx.AsyncClient, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    from events.abstracts import services

    monkeypatch.setattr(services, "settings", dataclasses.replace(services.settings, order_throttle=2))
    track = await _track(event)
    url = f"/api/v1/events/{event.slug}/abstracts"
    refused = await client.post(url, json=submission_body(track, body=" ".join(["mot"] * 99)))
    assert refused.status_code == 422
    answers = [await client.post(url, json=submission_body(track)) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "throttled"
    assert "Retry-After" in answers[2].headers

"""Review: assignment through the API, reviewers see only their own, blind review hides the authors."""

from __future__ import annotations

import json

import httpx

from events.accounts.models import Organisation, Role
from events.audit.models import AuditEntry
from tests.abstracts.scenario import committee, submit
from tests.factories import api_token, bearer, login, make_organiser, make_reviewer


async def test_assignment_gives_each_abstract_reviewers_of_its_track_without_conflict(
    client: httpx.AsyncClient,
) -> None:
    c = await committee(client)
    onco = await submit(client, c, c.tracks[0])
    immuno = await submit(client, c, c.tracks[1])
    answer = await client.post(c.url("/abstracts/assign"), json={"per_abstract": 2}, headers=c.owner)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # Oncologie: only `onco` (the Inserm reviewer shares the authors' domain); Immunologie: only `immuno`.
    assert body["assigned"] == 2
    assert {u["abstract_id"] for u in body["unassigned"]} == {onco["id"], immuno["id"]}
    mine = (await client.get("/api/v1/reviews", headers=c.reviewers["onco"][0])).json()["assignments"]
    assert [a["abstract"]["id"] for a in mine] == [onco["id"]]
    assert (await client.get("/api/v1/reviews", headers=c.reviewers["inserm"][0])).json()["assignments"] == []
    again = await client.post(c.url("/abstracts/assign"), json={"per_abstract": 2}, headers=c.owner)
    assert again.json()["assigned"] == 0
    assert await AuditEntry.filter(action="abstracts.assigned").count() == 2


async def test_manual_assignment_refuses_a_conflict_of_interest(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    change = {"abstract_id": abstract["id"], "reviewer_id": c.reviewers["inserm"][1]}
    answer = await client.post(c.url("/assignments"), json=change, headers=c.owner)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "conflict_of_interest"


async def test_reviewer_scores_an_assigned_abstract(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    headers = c.reviewers["onco"][0]
    review = {
        "scores": {str(c.questions[0]): 4, str(c.questions[1]): 9},
        "comment": "Solide.",
        "recommendation": "accept_oral",
    }
    answer = await client.put(f"/api/v1/abstracts/{abstract['id']}/review", json=review, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["review"]["scores"] == review["scores"]
    listed = (await client.get(c.url("/abstracts"), headers=c.owner)).json()["abstracts"]
    assert listed[0]["reviews"]["count"] == 1
    assert listed[0]["reviews"]["mean_score"] == 13


async def test_scores_out_of_range_or_missing_and_unknown_recommendation_are_invalid(
    client: httpx.AsyncClient,
) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    headers = c.reviewers["onco"][0]
    review = {"scores": {str(c.questions[0]): 6}, "recommendation": "accept_keynote"}
    answer = await client.put(f"/api/v1/abstracts/{abstract['id']}/review", json=review, headers=headers)
    assert answer.status_code == 422
    assert set(answer.json()["error"]["details"]) == {f"scores.{c.questions[0]}", f"scores.{c.questions[1]}"}


async def test_reviewer_cannot_see_or_score_an_abstract_not_assigned_to_them(
    client: httpx.AsyncClient,
) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    review = {"scores": {str(c.questions[0]): 1, str(c.questions[1]): 1}, "recommendation": "reject"}
    for other in ("immuno", "inserm"):
        headers = c.reviewers[other][0]
        answer = await client.put(f"/api/v1/abstracts/{abstract['id']}/review", json=review, headers=headers)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
        listed = (await client.get("/api/v1/reviews", headers=headers)).text
        assert abstract["code"] not in listed


async def test_blind_review_leaks_no_author_data_to_reviewers(client: httpx.AsyncClient) -> None:
    c = await committee(client, blind=True)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    headers = c.reviewers["onco"][0]
    private = (await client.get(f"/api/v1/abstracts/{abstract['code']}/{abstract['secret']}")).json()
    secrets_of_authors = [a["name"] for a in private["authors"]] + [a["email"] for a in private["authors"]]
    secrets_of_authors += ["Inserm", "CNRS", private["submitter"]["email"], abstract["secret"]]
    listed = await client.get("/api/v1/reviews", headers=headers)
    review = {"scores": {str(c.questions[0]): 3, str(c.questions[1]): 3}, "recommendation": "accept_poster"}
    saved = await client.put(f"/api/v1/abstracts/{abstract['id']}/review", json=review, headers=headers)
    assert listed.status_code == saved.status_code == 200
    assert "authors" not in listed.json()["assignments"][0]["abstract"]
    for answer in (listed, saved):
        text = json.dumps(answer.json(), ensure_ascii=False)
        leaked = [item for item in secrets_of_authors if item in text]
        assert leaked == []


async def test_open_review_shows_the_authors(client: httpx.AsyncClient) -> None:
    c = await committee(client, blind=False)
    await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    listed = (await client.get("/api/v1/reviews", headers=c.reviewers["onco"][0])).json()
    assert listed["assignments"][0]["abstract"]["authors"][0]["affiliation"] == "Inserm"


async def test_a_reviewer_token_is_refused_by_every_organiser_call(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    headers = c.reviewers["onco"][0]
    for path in ("", "/abstracts", "/call-for-abstracts", "/reviewers", "/sessions"):
        answer = await client.get(c.url(path), headers=headers)
        assert answer.status_code == 403, path
    assert (await client.get("/api/v1/events", headers=headers)).status_code == 403
    notify = await client.post(c.url("/abstracts/notify"), headers=headers)
    assert notify.status_code == 403


async def test_reviewer_calls_refuse_organisers_door_staff_and_anonymous(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    assert (await client.get("/api/v1/reviews", headers=c.owner)).status_code == 403
    assert (await client.get("/api/v1/reviews")).status_code == 401
    assert (await client.get("/api/v1/reviews", headers=bearer("door_x" * 8))).status_code == 403


async def test_only_reviewers_of_the_organisation_can_be_enrolled(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    stranger = await make_reviewer("Une autre organisation", "ailleurs@univ.fr")
    organisation = await Organisation.get(id=c.event.organisation_id)
    manager = await make_organiser(organisation.name, role=Role.MANAGER)
    for user_id in (stranger.id, manager.id):
        body = {"user_id": user_id, "tracks": [c.tracks[0]]}
        answer = await client.post(c.url("/reviewers"), json=body, headers=c.owner)
        assert answer.status_code == 422
        assert set(answer.json()["error"]["details"]) == {"user_id"}


async def test_a_reviewer_session_is_refused_by_the_dashboard(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    await login(client, "onco@chu-toulouse.fr")
    assert (await client.get("/dashboard")).status_code == 403
    assert (await client.get(f"/dashboard/events/{c.event.slug}")).status_code == 403


async def test_anonymous_and_door_staff_get_nothing_of_the_committee(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    organisation = await Organisation.get(id=c.event.organisation_id)
    door = await make_organiser(organisation.name, role=Role.DOOR)
    door_headers = bearer(await api_token(client, door.email))
    calls = [
        ("GET", c.url("/abstracts")),
        ("GET", c.url("/call-for-abstracts")),
        ("POST", c.url("/abstracts/assign")),
        ("POST", c.url(f"/abstracts/{abstract['id']}/decision")),
        ("GET", "/api/v1/reviews"),
    ]
    for method, path in calls:
        assert (await client.request(method, path, json={})).status_code == 401, path
        assert (await client.request(method, path, json={}, headers=door_headers)).status_code == 403, path
    review = {"scores": {}, "recommendation": "reject"}
    denied = await client.put(f"/api/v1/abstracts/{abstract['id']}/review", json=review, headers=door_headers)
    assert denied.status_code == 403

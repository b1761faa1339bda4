"""A call with reviewers and abstracts, built through the API as the committee would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from events.catalogue.models import Event
from tests.factories import api_token, bearer, make_event, make_organiser, make_reviewer, submission_body


@dataclass
class Committee:
    event: Event
    owner: dict[str, str]
    tracks: list[int]
    questions: list[int]
    # reviewer name -> (headers, reviewer id)
    reviewers: dict[str, tuple[dict[str, str], int]]

    def url(self, tail: str = "") -> str:
        return f"/api/v1/events/{self.event.slug}{tail}"


async def committee(
    client: httpx.AsyncClient, *, blind: bool = False, event: dict[str, Any] | None = None, **call: Any
) -> Committee:
    """Owner, a published event, a call (Oncologie, Immunologie), three reviewers:
    `onco` (CHU), `inserm` (Oncologie, an Inserm address: conflicted with Inserm authors), `immuno`."""
    owner = await make_organiser()
    event_row = await make_event(owner, published=True, **(event or {}))
    headers = bearer(await api_token(client, owner.email))
    body = {
        "opens_at": "2020-01-01T00:00:00+00:00",
        "closes_at": "2099-01-01T00:00:00+00:00",
        "tracks": [{"name": "Oncologie"}, {"name": "Immunologie"}],
        "contribution_types": ["oral", "poster"],
        "max_words": 200,
        "blind": blind,
        "review_questions": [{"text": "Originalité", "max_score": 5}, {"text": "Méthode", "max_score": 10}],
        **call,
    }
    answer = await client.put(
        f"/api/v1/events/{event_row.slug}/call-for-abstracts", json=body, headers=headers
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    tracks = [t["id"] for t in data["tracks"]]
    questions = [q["id"] for q in data["review_questions"]]
    people = {
        "onco": ("onco@chu-toulouse.fr", [tracks[0]], "CHU Toulouse"),
        "inserm": ("relectrice@inserm.fr", [tracks[0]], "Inserm"),
        "immuno": ("immuno@pasteur.fr", [tracks[1]], "Institut Pasteur"),
    }
    name = owner.organisation.name
    reviewers: dict[str, tuple[dict[str, str], int]] = {}
    for key, (email, on, affiliation) in people.items():
        person = await make_reviewer(name, email)
        seat = await client.post(
            f"/api/v1/events/{event_row.slug}/reviewers",
            json={"user_id": person.id, "tracks": on, "affiliation": affiliation},
            headers=headers,
        )
        assert seat.status_code == 201, seat.text
        reviewers[key] = (bearer(await api_token(client, email)), seat.json()["id"])
    return Committee(event_row, headers, tracks, questions, reviewers)


async def submit(client: httpx.AsyncClient, c: Committee, track: int, **overrides: Any) -> dict[str, Any]:
    """The creation answer, with the title and authors that were sent."""
    sent = submission_body(track, **overrides)
    answer = await client.post(c.url("/abstracts"), json=sent)
    assert answer.status_code == 201, answer.text
    return {"title": sent["title"], "authors": sent["authors"], **answer.json()}

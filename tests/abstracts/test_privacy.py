"""A person's abstracts data: exported for them, erased on request, within one organisation only."""

from __future__ import annotations

import httpx

from events.abstracts import privacy
from events.abstracts.models import Abstract
from tests.abstracts.scenario import committee, submit


async def test_export_finds_the_person_as_submitter_author_and_reviewer(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    author = abstract["authors"][1]["email"]
    found = await privacy.export(c.event.organisation_id, author.upper())
    assert [s["code"] for s in found["submissions"]] == [abstract["code"]]
    assert found["submissions"][0]["submitter"] is False
    reviewer = await privacy.export(c.event.organisation_id, "onco@chu-toulouse.fr")
    assert reviewer["reviewing"][0]["affiliation"] == "CHU Toulouse"
    assert (await privacy.export(c.event.organisation_id + 1000, author))["submissions"] == []


async def test_erasure_anonymises_the_person_and_the_private_link_stops_working(
    client: httpx.AsyncClient,
) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    submitter = abstract["authors"][0]["email"]
    counts = await privacy.erase(c.event.organisation_id, submitter)
    assert counts == {"abstract_submitters": 1, "abstract_authors": 1, "reviewers": 0}
    stored = await Abstract.get(id=abstract["id"])
    assert submitter not in str(stored.authors) and stored.submitter_email == ""
    assert stored.authors[1]["email"] == abstract["authors"][1]["email"]
    link = f"/api/v1/abstracts/{abstract['code']}/{abstract['secret']}"
    assert (await client.get(link)).status_code == 404
    assert (await privacy.export(c.event.organisation_id, submitter))["submissions"] == []


async def test_the_privacy_api_covers_abstracts(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    author = abstract["authors"][1]["email"]
    people = await client.post("/api/v1/privacy/people", json={"email": author}, headers=c.owner)
    assert people.status_code == 200, people.text
    assert [row["code"] for row in people.json()["abstracts"]] == [abstract["code"]]
    erased = await client.post("/api/v1/privacy/erase", json={"email": author}, headers=c.owner)
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["abstract_authors"] == 1
    assert author not in str((await Abstract.get(id=abstract["id"])).authors)

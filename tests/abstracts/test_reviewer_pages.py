"""The reviewer's pages: only their assignments, no author data when blind, the review form."""

from __future__ import annotations

import httpx

from events.abstracts.models import Assignment
from tests.abstracts.scenario import committee, submit
from tests.factories import csrf_from, login


async def test_blind_review_pages_show_no_author_data(client: httpx.AsyncClient) -> None:
    c = await committee(client, blind=True)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    await login(client, "onco@chu-toulouse.fr")
    pages = [await client.get("/reviews"), await client.get(f"/reviews/{abstract['id']}")]
    assert [p.status_code for p in pages] == [200, 200]
    private = [a["name"] for a in abstract["authors"]] + [a["email"] for a in abstract["authors"]]
    private += ["Inserm", "CNRS"]
    for page in pages:
        assert [item for item in private if item in page.text] == []
    assert abstract["title"] in pages[1].text


async def test_reviewer_saves_a_review_from_the_page(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    await login(client, "onco@chu-toulouse.fr")
    token = await csrf_from(client, f"/reviews/{abstract['id']}")
    form = {
        "csrf_token": token,
        f"score_{c.questions[0]}": "4",
        f"score_{c.questions[1]}": "11",
        "comment": "Bien.",
        "recommendation": "accept_poster",
    }
    refused = await client.post(f"/reviews/{abstract['id']}", data=form)
    assert refused.status_code == 422
    assert f'id="e-score_{c.questions[1]}"' in refused.text
    saved = await client.post(f"/reviews/{abstract['id']}", data={**form, f"score_{c.questions[1]}": "8"})
    assert saved.status_code == 303
    row = await Assignment.get(abstract_id=abstract["id"])
    assert row.scores == {str(c.questions[0]): 4, str(c.questions[1]): 8}
    assert row.recommendation == "accept_poster"


async def test_another_reviewer_and_an_organiser_cannot_open_the_review(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    await client.post(c.url("/abstracts/assign"), json={"per_abstract": 1}, headers=c.owner)
    await login(client, "immuno@pasteur.fr")
    assert (await client.get(f"/reviews/{abstract['id']}")).status_code == 403
    token = await csrf_from(client, "/reviews")
    posted = await client.post(
        f"/reviews/{abstract['id']}", data={"csrf_token": token, "recommendation": "reject"}
    )
    assert posted.status_code == 403
    assert abstract["title"] not in (await client.get("/reviews")).text
    client.cookies.clear()
    assert (await client.get("/reviews")).status_code in (303, 401)

"""The demo event shows the scientific programme: a closed call, reviewed abstracts, two accepted talks."""

from __future__ import annotations

import httpx

from events import clock
from events.abstracts.models import Abstract, Assignment, Call
from events.demo import DEMO_SLUG, load_demo


async def test_demo_has_a_closed_call_reviewed_abstracts_and_two_talks_in_its_programme(
    client: httpx.AsyncClient,
) -> None:
    await load_demo("demo password 2027")
    call = await Call.get(event__slug=DEMO_SLUG)
    assert call.closes_at < clock.now()
    assert await Assignment.filter(reviewed_at__isnull=False).count() >= 4
    talks = await Abstract.filter(status="accepted", session_id__isnull=False)
    assert len(talks) == 2
    programme = (await client.get(f"/api/v1/public/events/{DEMO_SLUG}")).json()["sessions"]
    titles = {s["title"] for s in programme}
    assert {t.title for t in talks} <= titles
    book = await client.get(f"/events/{DEMO_SLUG}/abstracts.pdf")
    assert book.status_code == 200

"""Found by the fuzzer: partnering calls on an event without partnering set up are 404, never a 500."""

from __future__ import annotations

import httpx

from tests.factories import api_token, bearer, make_event, make_organiser


async def test_publishing_a_schedule_without_partnering_is_404(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    auth = bearer(await api_token(client, user.email))
    answer = await client.post(f"/api/v1/events/{event.slug}/partnering/publish", headers=auth)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_found"


async def test_moving_an_unknown_meeting_is_404(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    auth = bearer(await api_token(client, user.email))
    answer = await client.patch(
        f"/api/v1/events/{event.slug}/partnering/meetings/999999998",
        headers=auth,
        json={"pinned": True, "slot_id": 1, "table": 1},
    )
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_found"

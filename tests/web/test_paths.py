"""Row ids in paths: text or a number too large for the column is a 404, never a database error."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import api_token, bearer, make_event, make_order, make_organiser, make_ticket_type


@pytest.mark.parametrize("bad_id", ["abc", "99999999999999999999", "-1"])
async def test_bad_row_ids_in_paths_are_404(client: httpx.AsyncClient, bad_id: str) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    auth = bearer(await api_token(client, user.email))
    api = f"/api/v1/events/{event.slug}"
    buyer = f"/orders/{order.code}/{order.secret}"
    answers = [
        await client.patch(f"{api}/ticket-types/{bad_id}", json={"name": "x"}, headers=auth),
        await client.get(f"{api}/sessions/{bad_id}", headers=auth),
        await client.get(f"{buyer}/tickets/{bad_id}.png"),
        await client.get(f"{buyer}/tickets/{bad_id}/attendee"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert answers[0].json()["error"]["code"] == "not_found"


async def test_openapi_shows_plain_path_parameters(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    assert "/api/v1/events/{slug}/ticket-types/{id}" in paths
    assert not [path for path in paths if ":" in path]

"""The audit trail's reader: filters, cursor pages, organisation isolation, and the viewer page."""

from __future__ import annotations

from typing import Any

import httpx

from events.accounts.models import Role
from tests.factories import api_token, bearer, login, make_event, make_organiser


async def _entries(client: httpx.AsyncClient, token: str, **params: Any) -> httpx.Response:
    return await client.get("/api/v1/audit", params=params, headers=bearer(token))


async def test_audit_lists_entries_with_event_and_actor_and_pages_once(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    events = [await make_event(owner) for _ in range(5)]
    token = await api_token(client, owner.email)
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        body = (await _entries(client, token, limit=2, **({"cursor": cursor} if cursor else {}))).json()
        seen += body["entries"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    created = [e for e in seen if e["object_type"] == "event"]
    assert len({e["id"] for e in seen}) == len(seen)
    assert sorted(e["event"] for e in created) == sorted(e.slug for e in events)
    assert all(e["actor"] == {"id": owner.id, "name": owner.name} for e in created)
    one = (await _entries(client, token, object_type="event", object_id=str(events[0].id))).json()["entries"]
    assert [e["event"] for e in one] == [events[0].slug]


async def test_audit_filters_by_person_and_period(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    colleague = await make_organiser(organisation=owner.organisation.name, role=Role.MANAGER)
    await make_event(owner)
    await make_event(colleague)
    token = await api_token(client, owner.email)
    mine = (await _entries(client, token, actor=colleague.id)).json()["entries"]
    assert mine and {e["actor"]["id"] for e in mine} == {colleague.id}
    future = (await _entries(client, token, since="2999-01-01T00:00:00+00:00")).json()["entries"]
    assert future == []


async def test_audit_is_only_the_callers_organisation(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    await make_event(owner)
    stranger = await make_organiser()
    body = (await _entries(client, await api_token(client, stranger.email))).json()
    assert all(e["event"] is None for e in body["entries"])
    assert not [e for e in body["entries"] if e["object_type"] == "event"]


async def test_audit_refuses_door_reviewer_anonymous_and_bad_values(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    for role in (Role.DOOR, Role.REVIEWER):
        other = await make_organiser(organisation=owner.organisation.name, role=role)
        assert (await _entries(client, await api_token(client, other.email))).status_code == 403
    assert (await client.get("/api/v1/audit")).status_code == 401
    token = await api_token(client, owner.email)
    for params in ({"limit": "0"}, {"since": "yesterday"}, {"cursor": "x"}, {"actor": "me"}):
        answer = await _entries(client, token, **params)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid"


async def test_audit_page_shows_before_and_after(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    event = await make_event(owner)
    await login(client, owner.email)
    page = await client.get("/dashboard/audit", params={"object_type": "event"})
    assert page.status_code == 200 and event.slug in page.text
    door = await make_organiser(organisation=owner.organisation.name, role=Role.DOOR)
    client.cookies.clear()
    await login(client, door.email)
    assert (await client.get("/dashboard/audit")).status_code == 403

"""The redeem service and API: every status, entry and exit, nonces, lists, and who may scan."""

from __future__ import annotations

import httpx

from events.checkin.models import Checkin
from tests.checkin.conftest import Door


async def test_first_scan_of_a_paid_badge_is_ok_with_the_attendee(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    answer = await client.post(door.url, json={"secret": ticket.secret}, headers=door.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert body["ticket"]["id"] == ticket.id
    assert body["ticket"]["attendee_name"] == ticket.attendee_name
    assert body["ticket"]["ticket_type"] == "Pass congrès"
    assert body["checked_in_at"] is not None
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1

"""Offline scans sent back in one batch: scanned_at order, each at its own time, nonces counted once,
conflicts kept for the organiser, junk secrets refused alone, malformed batches refused whole."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from events import clock
from events.checkin import services
from events.checkin.models import Checkin, CheckinConflict
from events.ticketing import secrets
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer, make_door_token, make_event


def _at(minutes: int) -> str:
    return (clock.now() - timedelta(hours=1) + timedelta(minutes=minutes)).isoformat()


def _scan(secret: str, nonce: str, minutes: int, **extra: object) -> dict[str, object]:
    return {"secret": secret, "nonce": nonce, "scanned_at": _at(minutes), **extra}


async def _sync(client: httpx.AsyncClient, door: Door, *scans: dict[str, object]) -> list[dict[str, object]]:
    answer = await client.post(f"{door.url}/batch", json={"scans": list(scans)}, headers=door.headers)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, object]] = answer.json()["results"]
    return results


async def test_batch_decides_in_scanned_at_order_not_in_the_order_sent(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    later, earlier = _scan(ticket.secret, "door-b-1", 10), _scan(ticket.secret, "door-a-1", 0)

    results = await _sync(client, door, later, earlier)

    assert [r["nonce"] for r in results] == ["door-b-1", "door-a-1"]
    assert [r["status"] for r in results] == ["already_redeemed", "ok"]
    assert datetime.fromisoformat(str(results[1]["checked_in_at"])) == datetime.fromisoformat(
        str(earlier["scanned_at"])
    )
    assert results[0]["checked_in_at"] == results[1]["checked_in_at"]


async def test_entry_made_offline_is_recorded_at_the_scan_time(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    scan = _scan(ticket.secret, "n-1", 5)

    await _sync(client, door, scan)

    checkin = await Checkin.get(ticket_id=ticket.id)
    assert checkin.created_at == datetime.fromisoformat(str(scan["scanned_at"]))


async def test_nonce_sent_twice_counts_once_in_a_batch_and_across_batches(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    scan = _scan(ticket.secret, "same-nonce", 0)

    first = await _sync(client, door, scan, scan)
    again = await _sync(client, door, scan)

    assert [r["status"] for r in first] == ["ok", "ok"]
    assert again == first[:1]
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1


async def test_offline_entry_already_made_elsewhere_comes_back_as_a_conflict(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket(name="Camille Dupont")
    online = await client.post(door.url, json={"secret": ticket.secret}, headers=door.headers)
    assert online.json()["status"] == "ok"

    results = await _sync(client, door, _scan(ticket.secret, "offline-1", 0))

    assert (results[0]["status"], results[0]["conflict"]) == ("already_redeemed", True)
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1
    token = await api_token(client, door.user.email)
    listed = (await client.get(f"{door.url}/conflicts", headers=bearer(token))).json()["conflicts"]
    assert [(c["ticket_id"], c["attendee_name"]) for c in listed] == [(ticket.id, "Camille Dupont")]
    stats = (await client.get(f"{door.url}/stats", headers=door.headers)).json()["lists"]
    assert stats[0]["conflicts"] == 1


async def test_conflict_sent_again_is_one_conflict(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    await client.post(door.url, json={"secret": ticket.secret}, headers=door.headers)
    scan = _scan(ticket.secret, "offline-1", 0)

    await _sync(client, door, scan)
    again = await _sync(client, door, scan)

    assert again[0]["conflict"] is True
    assert await CheckinConflict.filter(ticket_id=ticket.id).count() == 1


async def test_junk_secret_is_invalid_for_that_scan_only(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    middle = len(ticket.secret) // 2
    flipped = "B" if ticket.secret[middle] == "A" else "A"
    forged = ticket.secret[:middle] + flipped + ticket.secret[middle + 1 :]

    results = await _sync(
        client, door, _scan("not a badge", "junk", 0), _scan(forged, "forged", 1),
        _scan(ticket.secret, "good", 2),
    )  # fmt: skip

    assert [r["status"] for r in results] == ["invalid", "invalid", "ok"]
    assert results[0]["ticket"] is None


async def test_short_code_typed_offline_is_decided_in_the_batch(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    results = await _sync(client, door, _scan(secrets.short_code(ticket.secret), "typed", 0))
    assert results[0]["status"] == "ok"


async def test_malformed_batch_is_refused_whole(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    body = {"scans": [_scan(ticket.secret, "good", 0), {"secret": ticket.secret, "nonce": "no-time"}]}

    answer = await client.post(f"{door.url}/batch", json=body, headers=door.headers)

    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"
    assert await Checkin.filter(ticket_id=ticket.id).count() == 0


async def test_batch_holds_at_most_five_thousand_scans(client: httpx.AsyncClient, door: Door) -> None:
    scans = [_scan("x", f"n{i}", 0) for i in range(5001)]
    answer = await client.post(f"{door.url}/batch", json={"scans": scans}, headers=door.headers)
    assert answer.status_code == 422


async def test_batch_naming_another_events_list_is_refused(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True)
    foreign = await services.main_list(other)
    ticket = await door.ticket()
    answer = await client.post(
        f"{door.url}/batch",
        json={"scans": [_scan(ticket.secret, "n", 0, list=foreign.id)]},
        headers=door.headers,
    )
    assert answer.status_code == 422


async def test_door_token_of_another_event_cannot_sync(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True)
    token = await make_door_token(other)
    ticket = await door.ticket()
    answer = await client.post(
        f"{door.url}/batch",
        json={"scans": [_scan(ticket.secret, "n", 0)]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 404

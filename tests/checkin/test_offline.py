"""The offline pack: every ticket by the hash of its secret, with its standing; names only when allowed,
never an e-mail; a door token reads only its own event's pack. And the short code typed by hand."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from events.catalogue import services as catalogue
from events.catalogue.schemas import EventPatch
from events.ticketing import lifecycle, secrets
from events.ticketing.models import Ticket
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer, make_door_token, make_event, make_order, make_ticket_type


def _hash(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()


async def _pack(client: httpx.AsyncClient, door: Door) -> dict[str, object]:
    answer = await client.get(f"{door.url}/offline", headers=door.headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


async def test_pack_lists_every_ticket_by_the_hash_of_its_secret_with_its_standing(
    client: httpx.AsyncClient, door: Door
) -> None:
    valid = await door.ticket()
    cancelled = await door.ticket()
    await lifecycle.cancel_by_organiser(door.user, await cancelled.order)
    paid_type = await make_ticket_type(door.event, name="Pass industriel", price="350.00")
    unpaid = await Ticket.get(order_id=(await make_order(door.event, paid_type.id)).id)

    pack = await _pack(client, door)

    tickets = pack["tickets"]
    assert isinstance(tickets, dict)
    assert {key: entry["status"] for key, entry in tickets.items()} == {
        _hash(valid.secret): "valid",
        _hash(cancelled.secret): "cancelled",
        _hash(unpaid.secret): "unpaid",
    }
    assert tickets[_hash(valid.secret)]["ticket_id"] == valid.id
    assert tickets[_hash(valid.secret)]["ticket_type"] == door.pass_type.id


async def test_pack_holds_no_secret_no_email_and_no_name_by_default(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket(name="Camille Dupont", organisation="Inserm")

    text = json.dumps(await _pack(client, door))

    assert ticket.secret not in text
    assert "@" not in text
    assert "Camille Dupont" not in text
    assert "Inserm" not in text


async def test_pack_names_attendees_only_when_the_event_allows_it(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket(name="Camille Dupont", organisation="Inserm")
    await catalogue.update_event(door.user, door.event, EventPatch(offline_names=True))

    pack = await _pack(client, door)

    tickets = pack["tickets"]
    assert isinstance(tickets, dict)
    entry = tickets[_hash(ticket.secret)]
    assert (entry["name"], entry["organisation"]) == ("Camille Dupont", "Inserm")
    assert "@" not in json.dumps(pack)


async def test_offline_names_is_set_through_the_event_api(client: httpx.AsyncClient, door: Door) -> None:
    token = await api_token(client, door.user.email)
    answer = await client.patch(
        f"/api/v1/events/{door.event.slug}", json={"offline_names": True}, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["offline_names"] is True


async def test_pack_public_key_verifies_the_badges_it_lists(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()

    pack = await _pack(client, door)

    raw = base64.urlsafe_b64decode(ticket.secret + "=" * (-len(ticket.secret) % 4))
    key = str(pack["public_key"])
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
    public.verify(raw[21:], raw[:21])  # payload (version, event id, 16 random bytes) then signature


async def test_door_token_of_another_event_cannot_read_the_pack(
    client: httpx.AsyncClient, door: Door
) -> None:
    other = await make_event(door.user, published=True)
    other_token = await make_door_token(other)

    answer = await client.get(f"{door.url}/offline", headers={"Authorization": f"Bearer {other_token}"})

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


async def test_pack_needs_a_token(client: httpx.AsyncClient, door: Door) -> None:
    answer = await client.get(f"{door.url}/offline")
    assert answer.status_code == 401


async def test_short_code_typed_by_hand_checks_the_badge_in(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    typed = secrets.short_code(ticket.secret).lower().replace("-", " ")

    answer = await client.post(door.url, json={"secret": typed}, headers=door.headers)

    assert answer.json()["status"] == "ok"
    assert answer.json()["ticket"]["id"] == ticket.id


async def test_short_code_naming_nothing_is_invalid(client: httpx.AsyncClient, door: Door) -> None:
    await door.ticket()
    answer = await client.post(door.url, json={"secret": "ZZZZZ-ZZZZZ"}, headers=door.headers)
    assert answer.json()["status"] == "invalid"

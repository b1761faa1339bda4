"""The README's door section is what a third-party scanner is built from: its layout of the ticket secret
verifies a real badge with nothing but an Ed25519 library, and its tables name exactly the pack's fields."""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from events.catalogue import offers
from events.catalogue import services as catalogue
from events.catalogue.schemas import EventPatch
from tests.checkin.conftest import Door

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The door: badges any scanner can verify")
    return text[start : text.index("\n## ", start + 1)]


def _table(after: str) -> set[str]:
    """The field names in the first column of the table that follows `after` in the section."""
    section = _section()
    rows = section[section.index(after) :].split("\n\n")[1].splitlines()[2:]
    return {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def _pack(client: httpx.AsyncClient, door: Door) -> dict[str, Any]:
    answer = await client.get(f"{door.url}/offline", headers=door.headers)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


async def test_a_badge_verifies_by_the_readme_s_layout_alone(client: httpx.AsyncClient, door: Door) -> None:
    secret = (await door.ticket()).secret
    pack = await _pack(client, door)
    assert "114 characters of unpadded base64url" in _section() and "of 85 bytes" in _section()

    raw = _unb64(secret)
    assert (len(secret), len(raw)) == (114, 85)
    version, event_id = struct.unpack(">BI", raw[:5])
    assert (version, event_id) == (1, door.event.id)
    public = Ed25519PublicKey.from_public_bytes(_unb64(pack["public_key"]))
    public.verify(raw[21:], raw[:21])
    forged = raw[:5] + bytes(16) + raw[21:]
    with pytest.raises(InvalidSignature):
        public.verify(forged[21:], forged[:21])
    key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()
    assert key in pack["tickets"]


async def test_the_readme_s_tables_name_exactly_the_pack_s_fields(
    client: httpx.AsyncClient, door: Door
) -> None:
    await offers.create_question(door.user, door.event, {"label": "Régime", "show_at_door": True})
    await door.ticket()
    await catalogue.update_event(door.user, door.event, EventPatch(offline_names=True))

    pack = await _pack(client, door)

    assert set(pack) == _table("Its top-level fields:")
    (entry,) = pack["tickets"].values()
    assert set(entry) == _table("Each entry of `tickets`:")

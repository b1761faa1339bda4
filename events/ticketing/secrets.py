"""Ticket secrets: the text inside a QR code.

A secret is `base64url(payload ‖ signature)` where the payload is a version byte, the event id
(4 bytes) and 16 random bytes from `secrets` (128 bits), and the signature is Ed25519 over the payload
with the event's private key. A scanner holding the event's public key can tell a genuine badge from a
forged or mutated one without asking the server; the server checks the signature before any lookup.

Two texts are derived from a secret and hold nothing of it: its `pack_key`, the unpadded base64url
SHA-256 by which the offline pack lists the ticket, and its `short_code`, the first 50 bits of that hash
in Crockford base32 (`7KQ2M-XD4PA`), printed under the QR for a person to type when the code is damaged.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import secrets
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from tortoise.exceptions import IntegrityError

from events.catalogue.models import Event
from events.ticketing.models import EventKey

VERSION = 1
_PAYLOAD = struct.Struct(">BI16s")
_SIGNATURE_LENGTH = 64
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_CHARACTERS = 10
SECRET_LENGTH = len(base64.urlsafe_b64encode(b"\0" * (_PAYLOAD.size + _SIGNATURE_LENGTH)).rstrip(b"="))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_pair() -> tuple[str, str]:
    """A fresh Ed25519 pair as (private, public), each base64url of its 32 raw bytes."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw_private), _b64(raw_public)


_keys: dict[tuple[int, str], EventKey] = {}


async def event_key(event: Event) -> EventKey:
    """The event's key pair, made on first use; a key never changes, so each process keeps it."""
    cache_key = (event.id, f"{event.slug}@{event.created_at.isoformat()}")
    key = _keys.get(cache_key)
    if key is not None:
        return key
    key = await EventKey.get_or_none(event_id=event.id)
    if key is None:
        private, public = new_key_pair()
        try:
            key = await EventKey.create(event_id=event.id, private_key=private, public_key=public)
        except IntegrityError:  # another process made it first
            key = await EventKey.get(event_id=event.id)
    _keys[cache_key] = key
    return key


def issue(key: EventKey) -> str:
    payload = _PAYLOAD.pack(VERSION, key.event_id, secrets.token_bytes(16))
    signer = Ed25519PrivateKey.from_private_bytes(_unb64(key.private_key))
    return _b64(payload + signer.sign(payload))


def event_id_of(secret: str) -> int | None:
    """The event a secret claims to belong to (unverified), or None when it is not even well formed."""
    if len(secret) != SECRET_LENGTH:
        return None
    try:
        raw = _unb64(secret)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _PAYLOAD.size + _SIGNATURE_LENGTH or _b64(raw) != secret:
        return None
    version, event_id, _nonce = _PAYLOAD.unpack(raw[: _PAYLOAD.size])
    return int(event_id) if version == VERSION else None


def verify(secret: str, public_key: str) -> bool:
    """True only for a well-formed secret signed by the holder of `public_key`'s private key."""
    if event_id_of(secret) is None:
        return False
    raw = _unb64(secret)
    try:
        _verifier(public_key).verify(raw[_PAYLOAD.size :], raw[: _PAYLOAD.size])
    except (InvalidSignature, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=256)
def _verifier(public_key: str) -> Ed25519PublicKey:
    """The key object of an event's public key, made once (every scan of the event verifies with it)."""
    return Ed25519PublicKey.from_public_bytes(_unb64(public_key))


def pack_key(secret: str) -> str:
    """The name of a ticket in the offline pack: a scanner hashes what it read and looks it up."""
    return _b64(hashlib.sha256(secret.encode()).digest())


def short_code(secret: str) -> str:
    """Ten characters a person can read aloud and type (no I, L, O or U), split in two groups of five."""
    digest = int.from_bytes(hashlib.sha256(secret.encode()).digest()[:8], "big") >> 14
    characters = "".join(
        _CROCKFORD[(digest >> (5 * shift)) & 31] for shift in reversed(range(SHORT_CODE_CHARACTERS))
    )
    return f"{characters[:5]}-{characters[5:]}"


def normal_short_code(text: str) -> str | None:
    """A typed short code as printed (case, spaces and the dash do not matter; O reads as 0, I and L
    as 1), or None when the text is not one."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != SHORT_CODE_CHARACTERS or any(c not in _CROCKFORD for c in cleaned):
        return None
    return f"{cleaned[:5]}-{cleaned[5:]}"

"""Forged and mutated secrets are `invalid`, whatever is done to them, and never a server error.

The pure verification path (the one a scan takes before any lookup) sees 100,000 mutations of genuine
secrets; the HTTP path sees a few hundred, each one through the whole app.
"""

from __future__ import annotations

import base64
import random
from types import SimpleNamespace

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.checkin import redeem as scans
from events.checkin.models import Checkin
from events.ticketing import secrets
from tests.checkin.conftest import Door

EVENT_ID = 4242
PRIVATE, PUBLIC = secrets.new_key_pair()
OTHER_PRIVATE, _OTHER_PUBLIC = secrets.new_key_pair()
GENUINE = [secrets.issue(SimpleNamespace(event_id=EVENT_ID, private_key=PRIVATE)) for _ in range(20)]  # type: ignore[arg-type]
BATCH = 50
EXAMPLES = 2_000  # × BATCH = 100,000 mutated secrets


def _flip_bit(secret: str, rng: random.Random) -> str:
    raw = bytearray(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4)))
    position = rng.randrange(len(raw) * 8)
    raw[position // 8] ^= 1 << (position % 8)
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def _flip_char(secret: str, rng: random.Random) -> str:
    position = rng.randrange(len(secret))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    replacement = rng.choice(alphabet.replace(secret[position], ""))
    return secret[:position] + replacement + secret[position + 1 :]


def _truncate(secret: str, rng: random.Random) -> str:
    return secret[: rng.randrange(len(secret))]


def _extend(secret: str, rng: random.Random) -> str:
    return secret + rng.choice(["A", "=", " x", secret[:4]])


def _other_key(secret: str, rng: random.Random) -> str:
    """A well-formed secret for this event id, signed with another event's key."""
    return secrets.issue(SimpleNamespace(event_id=EVENT_ID, private_key=OTHER_PRIVATE))  # type: ignore[arg-type]


def _other_event(secret: str, rng: random.Random) -> str:
    """A genuine secret of another event (its own key): this event's key must refuse it."""
    return secrets.issue(SimpleNamespace(event_id=EVENT_ID + 1, private_key=OTHER_PRIVATE))  # type: ignore[arg-type]


def _random_text(secret: str, rng: random.Random) -> str:
    length = rng.choice([0, 1, 22, len(secret) - 1, len(secret), len(secret) + 1, 200])
    return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(length))


def _swap_halves(secret: str, rng: random.Random) -> str:
    cut = rng.randrange(1, len(secret))
    return secret[cut:] + secret[:cut]


MUTATIONS = [_flip_bit, _flip_char, _truncate, _extend, _other_key, _other_event, _random_text, _swap_halves]


def _mutants(seed: int) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(BATCH):
        original = rng.choice(GENUINE)
        mutated = rng.choice(MUTATIONS)(original, rng)
        if mutated != original:
            found.append(mutated)
    return found


def test_genuine_secrets_verify() -> None:
    assert all(secrets.verify(s, PUBLIC) for s in GENUINE)


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(min_value=0, max_value=2**63))
def test_one_hundred_thousand_mutated_secrets_never_verify(seed: int) -> None:
    for mutated in _mutants(seed):
        assert not secrets.verify(mutated, PUBLIC), mutated
        claimed = secrets.event_id_of(mutated)
        assert claimed is None or isinstance(claimed, int)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    mutation=st.sampled_from(MUTATIONS),
    seed=st.integers(min_value=0, max_value=2**32),
    text=st.text(max_size=300),
    use_text=st.booleans(),
)
async def test_mutated_secrets_over_http_are_invalid_never_5xx(
    client: httpx.AsyncClient,
    door: Door,
    monkeypatch: pytest.MonkeyPatch,
    mutation: object,
    seed: int,
    text: str,
    use_text: bool,
) -> None:
    monkeypatch.setattr(scans, "INVALID_LIMIT", 10**9)  # the throttle has its own tests
    genuine = getattr(door, "_badge", None)
    if genuine is None:
        genuine = (await door.ticket()).secret
        door._badge = genuine  # type: ignore[attr-defined]
    candidate = text if use_text else mutation(genuine, random.Random(seed))  # type: ignore[operator]
    if candidate.strip() == genuine:
        return
    answer = await client.post(door.url, json={"secret": candidate}, headers=door.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "invalid"
    assert answer.json()["ticket"] is None
    assert await Checkin.all().count() == 0

"""A person's rights for the organisation's owner: everything held about them, and its erasure.

Both ask every contributor of `events.privacy.registry` (ticketing, check-in, mail, consents, and any
area that plugs in later), only within the caller's organisation, and both are audited. The audit row
names the person by a keyed digest of the address, never the address: after an erasure the trail must
not be the one place the person is still named, yet the same person's requests still line up.
"""

from __future__ import annotations

import hashlib
import hmac

from tortoise.transactions import in_transaction

from events.accounts.models import Role, User
from events.audit import services as audit
from events.errors import Forbidden
from events.privacy import registry
from events.privacy.schemas import EXPORT_KINDS, PersonIn
from settings import settings


def _owner(user: User) -> None:
    if user.role != Role.OWNER:
        raise Forbidden()


def person_ref(email: str) -> str:
    return hmac.new(settings.secret_key.encode(), email.encode(), hashlib.sha256).hexdigest()[:32]


async def person_data(user: User, person: PersonIn) -> dict[str, object]:
    """Everything the organisation holds about the person: API.md's keys, each a list of rows."""
    _owner(user)
    email = person.email
    found: dict[str, object] = {"email": email, **{kind: [] for kind in EXPORT_KINDS}}
    for contributor in registry.load():
        found.update(await contributor.export(email, user.organisation_id))
    counts = {kind: len(rows) for kind, rows in found.items() if isinstance(rows, list)}
    async with in_transaction():
        await audit.record(
            user, user.organisation_id, "privacy.export", "person", person_ref(email), after=counts
        )
    return found


async def erase_person(user: User, person: PersonIn) -> dict[str, int]:
    """Anonymise the person everywhere in the organisation, in one transaction; counts by kind."""
    _owner(user)
    email = person.email
    erased: dict[str, int] = {}
    async with in_transaction():
        for contributor in registry.load():
            erased.update(await contributor.erase(email, user.organisation_id))
        await audit.record(
            user, user.organisation_id, "privacy.erase", "person", person_ref(email), after=erased
        )
    return erased

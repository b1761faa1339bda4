"""Door tokens, and who may scan at an event's door.

A door token is a named, revocable link for staff without an account (a volunteer's phone, a rented
laptop). It opens one event's scanner page and check-in API and nothing else: only its SHA-256 is stored,
and a token of event A presented at event B's door, or on any organiser route, gets nowhere.

Who may scan (`Scanner`): a door token of the event; an organiser (owner or manager) of the event's
organisation by API token or session; a `door` user of that organisation (scanners only, no dashboard).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from events import clock
from events.accounts import passwords
from events.accounts import services as accounts
from events.accounts.auth import DOOR_TOKEN_PREFIX
from events.accounts.models import Role, User
from events.audit import services as audit
from events.cache import TtlCache
from events.catalogue.models import Event
from events.checkin.models import DoorToken
from events.checkin.schemas import DoorTokenIn, DoorUserIn
from events.errors import N_, Forbidden, Invalid, NotFound, Unauthenticated
from events.i18n import gettext
from events.validation import validate


@dataclass(frozen=True)
class Scanner:
    """Who is scanning at `event`'s door: the check-in rows name the `device`; throttling counts per `key`."""

    event: Event
    device: str
    key: str


DOOR_CACHE_SECONDS = 2.0
_door_tokens: TtlCache[str, Scanner] = TtlCache(DOOR_CACHE_SECONDS)
"""Door tokens recently seen, per process: a scan is answered with one query less. A revocation takes
effect at once in the process that made it, and within `DOOR_CACHE_SECONDS` in the others."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def door_tokens(event: Event) -> list[DoorToken]:
    return await DoorToken.filter(event_id=event.id).order_by("-created_at", "-id")


async def create_door_token(user: User, event: Event, data: object) -> tuple[DoorToken, str]:
    """A new door token and its text, which is shown once and never stored."""
    values = validate(DoorTokenIn, data)
    token = DOOR_TOKEN_PREFIX + secrets.token_urlsafe(24)
    async with in_transaction():
        created = await DoorToken.create(event_id=event.id, name=values.name, token_hash=_hash(token))
        await audit.record(
            user, event.organisation_id, "door_token.created", "door_token", created.id,
            after={"name": created.name, "event": event.slug},
        )  # fmt: skip
    return created, token


async def revoke_door_token(user: User, event: Event, token_id: int) -> DoorToken:
    found = await DoorToken.get_or_none(id=token_id, event_id=event.id) if 0 < token_id < 2**31 else None
    if found is None:
        raise NotFound()
    if found.revoked_at is not None:
        return found
    async with in_transaction():
        found.revoked_at = clock.now()
        await found.save(update_fields=["revoked_at"])
        await audit.record(
            user, event.organisation_id, "door_token.revoked", "door_token", found.id,
            before={"revoked_at": None}, after={"revoked_at": found.revoked_at.isoformat()},
        )  # fmt: skip
    _door_tokens.clear()
    return found


async def door_users(user: User) -> list[User]:
    """The organisation's door staff accounts (active ones first)."""
    return await User.filter(organisation_id=user.organisation_id, role=Role.DOOR).order_by(
        "-is_active", "email"
    )


async def create_door_user(user: User, data: object) -> User:
    """A `door` account in the organiser's organisation: it opens scanners, never the dashboard."""
    values = validate(DoorUserIn, data)
    errors = {
        field: gettext(message)
        for field, message in accounts.validate_new_account(values.email, values.password).items()
    }
    if errors:
        raise Invalid(errors)
    email = accounts.normalise_email(values.email)
    async with in_transaction():
        if await User.filter(email=email).exists():
            raise Invalid({"email": gettext(N_("An account with this e-mail already exists."))})
        created = await User.create(
            organisation_id=user.organisation_id, email=email, name=values.name,
            password_hash=passwords.hash_password(values.password), role=Role.DOOR,
        )  # fmt: skip
        await audit.record(
            user, user.organisation_id, "door_user.created", "user", created.id,
            after={"email": email, "role": str(Role.DOOR)},
        )  # fmt: skip
    return created


async def deactivate_door_user(user: User, user_id: int) -> User:
    """The account stops working at once: its sessions and API tokens are refused from now on."""
    found = None
    if 0 < user_id < 2**31:
        found = await User.get_or_none(id=user_id, organisation_id=user.organisation_id, role=Role.DOOR)
    if found is None:
        raise NotFound()
    if not found.is_active:
        return found
    async with in_transaction():
        found.is_active = False
        found.session_epoch += 1
        await found.save(update_fields=["is_active", "session_epoch"])
        await audit.record(
            user, user.organisation_id, "door_user.deactivated", "user", found.id,
            before={"is_active": True}, after={"is_active": False},
        )  # fmt: skip
    return found


async def _door_scanner(token: str, slug: str) -> Scanner:
    digest = _hash(token)
    door = _door_tokens.get(digest)
    if door is None:
        found = await DoorToken.get_or_none(token_hash=digest, revoked_at=None).select_related("event")
        if found is None:
            raise Unauthenticated()
        door = _door_tokens.put(digest, Scanner(event=found.event, device=found.name, key=f"door:{found.id}"))
    if door.event.slug != slug:
        raise NotFound()
    return door


async def user_scanner(user: User, slug: str) -> Scanner:
    """Any active user of the event's organisation (owner, manager or door staff)."""
    event = await Event.get_or_none(slug=slug, organisation_id=user.organisation_id)
    if event is None:
        raise NotFound()
    return Scanner(event=event, device=user.email, key=f"user:{user.id}")


async def token_scanner(token: str, slug: str) -> Scanner:
    """The scanner behind a bearer token: a door token (by its prefix) or a user's API token."""
    if token.startswith(DOOR_TOKEN_PREFIX):
        return await _door_scanner(token, slug)
    return await user_scanner(await accounts.user_for_token(token), slug)


async def door_event(token: str, slug: str) -> Scanner:
    """For the scanner page opened with `?token=`: the same check as the API makes, told in words."""
    try:
        return await _door_scanner(token, slug)
    except Unauthenticated:
        raise Forbidden(DOOR_LINK_INVALID) from None


DOOR_LINK_INVALID = N_("This door link is not valid (revoked or mistyped). Ask the organisers for a new one.")

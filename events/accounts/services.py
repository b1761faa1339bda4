"""Organisations, organisers, signing in and API tokens. No HTTP here."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from tortoise.transactions import in_transaction

from events import clock
from events.accounts import passwords, throttle
from events.accounts.models import ApiToken, Organisation, Role, User
from events.errors import N_, Conflict, Invalid, InvalidCredentials, Unauthenticated
from events.validation import EMAIL_LENGTH, EMAIL_PATTERN

LOGIN_SCOPE = "login"
LOGIN_LIMIT = 10
LOGIN_WINDOW = timedelta(minutes=15)
TOKEN_PREFIX = "col_"  # noqa: S105 — a visible prefix, not a secret


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "x"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_new_account(email: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not EMAIL_PATTERN.match(normalise_email(email)):
        errors["email"] = N_("Enter a valid e-mail address.")
    if len(password) < passwords.MIN_LENGTH:
        errors["password"] = N_("Use at least 8 characters.")
    elif len(password) > passwords.MAX_LENGTH:
        errors["password"] = N_("Use at most 256 characters.")
    return errors


async def create_organiser(
    organisation_name: str, email: str, password: str, name: str = "", role: Role = Role.OWNER
) -> User:
    """Create (or reuse, by name) an organisation and a user in it."""
    errors = validate_new_account(email, password)
    if not organisation_name.strip():
        errors["organisation"] = N_("This field is required.")
    if errors:
        raise Invalid(errors)
    async with in_transaction():
        if await User.filter(email=normalise_email(email)).exists():
            raise Conflict(N_("An account with this e-mail already exists."))
        organisation = await Organisation.get_or_none(name=organisation_name.strip())
        if organisation is None:
            organisation = await Organisation.create(
                name=organisation_name.strip(), slug=await _free_org_slug(organisation_name)
            )
        return await User.create(
            organisation=organisation,
            email=normalise_email(email),
            name=name.strip(),
            password_hash=passwords.hash_password(password),
            role=role,
        )


async def _free_org_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while await Organisation.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


async def authenticate(email: str, password: str, client_ip: str) -> User:
    """Check a password, throttled per account and address.

    An unknown e-mail and a wrong password give the same error, after the same work.
    """
    address = normalise_email(email)
    key = f"{address}|{client_ip}"
    await throttle.check(LOGIN_SCOPE, key, LOGIN_LIMIT, LOGIN_WINDOW)
    # An address longer than the column cannot be anyone's (and the query would refuse it).
    known = len(address) <= EMAIL_LENGTH
    user = await User.get_or_none(email=address, is_active=True) if known else None
    if not passwords.verify_password(user.password_hash if user else None, password):
        await throttle.hit(LOGIN_SCOPE, key)
        raise InvalidCredentials()
    assert user is not None
    await throttle.clear(LOGIN_SCOPE, key)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        await user.save(update_fields=["password_hash"])
    return user


async def end_login_sessions(user: User) -> None:
    """Sign the user out everywhere: older session cookies no longer match."""
    user.session_epoch += 1
    await user.save(update_fields=["session_epoch"])


async def user_for_login_session(user_id: object, epoch: object) -> User | None:
    if not isinstance(user_id, int) or not isinstance(epoch, int):
        return None
    user = await User.get_or_none(id=user_id, is_active=True).select_related("organisation")
    if user is None or user.session_epoch != epoch:
        return None
    return user


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(user: User) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(user=user, token_hash=token_hash(token))
    return token


async def user_for_token(token: str) -> User:
    record = await ApiToken.get_or_none(token_hash=token_hash(token), revoked_at=None).select_related(
        "user__organisation"
    )
    if record is None or not record.user.is_active:
        raise Unauthenticated()
    now = clock.now()
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=5):
        record.last_used_at = now
        await record.save(update_fields=["last_used_at"])
    return record.user

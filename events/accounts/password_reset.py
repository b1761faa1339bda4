"""Choosing a new password from an e-mailed link, for organisers who forgot theirs. No HTTP here.

Asking always gives the same answer, whether or not the address has an account, so the form tells
nobody who is a customer. Asking is throttled per address and per client; a link works once, for an
hour, and choosing a password signs the person out everywhere else.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from pydantic import BaseModel, Field
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import passwords, throttle
from events.accounts.models import PasswordReset, User
from events.accounts.services import normalise_email, validate_new_account
from events.errors import N_, Invalid, NotFound
from events.mail import services as mail

RESET_SCOPE = "password_reset"
RESET_LIMIT = 5
RESET_WINDOW = timedelta(hours=1)
LINK_LIFETIME = timedelta(hours=1)
TOKEN_LENGTH = 43  # token_urlsafe(32)


class ResetRequest(BaseModel):
    email: str = Field(max_length=254)


class NewPassword(BaseModel):
    password: str = Field(max_length=passwords.MAX_LENGTH)
    confirm: str = Field(max_length=passwords.MAX_LENGTH)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def request_reset(
    request: ResetRequest, client_ip: str, link: Callable[[str], str], locale: str
) -> None:
    """E-mail a link to the account's address, if there is an account; the caller answers the same."""
    email = normalise_email(request.email)
    for key in (f"email|{email}", f"ip|{client_ip}"):
        await throttle.check(RESET_SCOPE, key, RESET_LIMIT, RESET_WINDOW)
    for key in (f"email|{email}", f"ip|{client_ip}"):
        await throttle.hit(RESET_SCOPE, key)
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with in_transaction():
        await PasswordReset.filter(user=user, used_at=None).update(used_at=now)
        await PasswordReset.create(
            user=user, token_hash=_digest(token), created_at=now, expires_at=now + LINK_LIFETIME
        )
        await mail.enqueue_template(
            "mail/password_reset",
            to=user.email,
            locale=locale,
            context={"name": user.name or user.email, "url": link(token)},
            kind="password_reset",
            organisation_id=user.organisation_id,
        )


async def open_reset(token: str) -> PasswordReset:
    """The reset a link stands for, while it may still be used; anything else is not found."""
    if len(token) != TOKEN_LENGTH:
        raise NotFound()
    reset = await PasswordReset.get_or_none(token_hash=_digest(token), used_at=None).select_related("user")
    if reset is None or reset.expires_at <= clock.now() or not reset.user.is_active:
        raise NotFound()
    return reset


async def choose_password(token: str, choice: NewPassword) -> User:
    """Set the new password, spend the link and end every other session of the account."""
    reset = await open_reset(token)
    errors = validate_new_account(reset.user.email, choice.password)
    if not errors and choice.password != choice.confirm:
        errors["confirm"] = N_("The two passwords differ.")
    if errors:
        raise Invalid(errors)
    user = reset.user
    async with in_transaction():
        spent = await PasswordReset.filter(id=reset.id, used_at=None).update(used_at=clock.now())
        if not spent:
            raise NotFound()
        user.password_hash = passwords.hash_password(choice.password)
        user.session_epoch += 1
        await user.save(update_fields=["password_hash", "session_epoch"])
    return user

"""API tokens as the dashboard shows them: named, listed without their secret, revoked at once.

Only a token's SHA-256 is stored, so its text is shown once, when it is made. An owner sees and revokes
every token of the organisation (a departing colleague's script); a manager only their own.
"""

from __future__ import annotations

import secrets

from pydantic import BaseModel, ConfigDict, Field
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import ApiToken, Role, User
from events.accounts.services import TOKEN_PREFIX, token_hash
from events.audit import services as audit
from events.errors import NotFound
from events.validation import ID_MAX, validate


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)


def _visible(user: User) -> QuerySet[ApiToken]:
    """The tokens `user` may see: the organisation's for an owner, their own otherwise."""
    if user.role == Role.OWNER:
        return ApiToken.filter(user__organisation_id=user.organisation_id)
    return ApiToken.filter(user_id=user.id)


async def tokens(user: User) -> list[ApiToken]:
    """Newest first, revoked ones too (marked), each with its owner's account."""
    return await _visible(user).select_related("user").order_by("-created_at", "-id")


async def create_token(user: User, data: object) -> tuple[ApiToken, str]:
    """A new named token for `user` and its text, which is shown once and never stored."""
    values = validate(TokenIn, data)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with in_transaction():
        created = await ApiToken.create(user=user, name=values.name, token_hash=token_hash(token))
        await audit.record(
            user, user.organisation_id, "api_token.created", "api_token", created.id,
            after={"name": created.name, "user": user.email},
        )  # fmt: skip
    return created, token


async def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one visible token; a token `user` may not see is not found (DESIGN rule 11)."""
    found = await _visible(user).get_or_none(id=token_id) if 0 < token_id <= ID_MAX else None
    if found is None:
        raise NotFound()
    if found.revoked_at is not None:
        return found
    async with in_transaction():
        found.revoked_at = clock.now()
        await found.save(update_fields=["revoked_at"])
        await audit.record(
            user, user.organisation_id, "api_token.revoked", "api_token", found.id,
            before={"revoked": False}, after={"revoked": True, "name": found.name},
        )  # fmt: skip
    return found

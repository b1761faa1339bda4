"""The organisation's team: members and their roles, invitations by e-mail, deactivation.

Only owners change the team. The organisation always keeps at least one active owner: demoting or
deactivating the last one is a conflict. An invitation's link is shown once (in its e-mail); only its
hash is kept, and neither the token nor a password hash is ever written into the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tortoise.transactions import in_transaction

from events import cache, clock
from events.accounts import passwords
from events.accounts.branding import ORGANISATION
from events.accounts.models import Invitation, Role, User
from events.accounts.services import normalise_email, validate_new_account
from events.audit import services as audit
from events.errors import N_, Conflict, Forbidden, Invalid, NotFound
from events.i18n import gettext
from events.mail import services as mail
from events.validation import EMAIL_PATTERN, validate
from events.web import links

INVITATION_DAYS = 7
TOKEN_LENGTH = 43


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    role: Role

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(normalise_email(value)):
            raise ValueError(N_("Enter a valid e-mail address."))
        return normalise_email(value)


class AcceptIn(BaseModel):
    """The invited person's name and password (the password's rules are the sign-up's, in `accept`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=passwords.MAX_LENGTH + 1)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None


def _owner(user: User) -> None:
    if user.role != Role.OWNER:
        raise Forbidden()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def member_out(member: User) -> dict[str, object]:
    return {
        "id": member.id,
        "name": member.name,
        "email": member.email,
        "role": str(member.role),
        "active": member.is_active,
    }


def invitation_out(invitation: Invitation) -> dict[str, object]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": str(invitation.role),
        "expires_at": invitation.expires_at.isoformat(),
    }


async def members(user: User) -> list[User]:
    return await User.filter(organisation_id=user.organisation_id).order_by("id")


async def pending_invitations(user: User) -> list[Invitation]:
    return await Invitation.filter(
        organisation_id=user.organisation_id, accepted_at=None, expires_at__gt=clock.now()
    ).order_by("-id")


async def invite(user: User, data: object, locale: str = "fr") -> Invitation:
    """Invite someone by e-mail with a role; the e-mail carries the one-time link."""
    _owner(user)
    wanted = validate(InvitationIn, data)
    if await User.filter(email=wanted.email).exists():
        raise Conflict(N_("An account with this e-mail already exists."))
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        invitation = await Invitation.create(
            organisation_id=user.organisation_id,
            email=wanted.email,
            role=wanted.role,
            token_hash=_hash(token),
            invited_by_id=user.id,
            expires_at=clock.now() + timedelta(days=INVITATION_DAYS),
        )
        await user.fetch_related("organisation")
        await mail.enqueue_template(
            "mail/invitation",
            to=wanted.email,
            locale=locale,
            context={
                "organisation": user.organisation.name,
                "inviter": user.name or user.email,
                "role": str(wanted.role),
                "url": links.absolute("invitation", token=token),
                "days": INVITATION_DAYS,
            },
            kind="invitation",
            dedupe_key=f"invitation:{invitation.id}",
            organisation_id=user.organisation_id,
        )
        await audit.record(
            user, user.organisation_id, "invitation.created", "invitation", invitation.id,
            after={"email": wanted.email, "role": str(wanted.role)},
        )  # fmt: skip
    return invitation


async def open_invitation(token: str) -> Invitation:
    """The invitation behind a link still usable: unknown, used or expired links are not found."""
    if not 16 <= len(token) <= TOKEN_LENGTH:
        raise NotFound()
    invitation = await Invitation.get_or_none(token_hash=_hash(token)).select_related("organisation")
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= clock.now():
        raise NotFound(N_("This invitation link is no longer valid. Ask for a new one."))
    return invitation


async def accept(token: str, name: str, password: str) -> User:
    """Make the invited person's account (argon2id, the sign-up rules); the link then stops working."""
    invitation = await open_invitation(token)
    errors = {
        key: gettext(message) for key, message in validate_new_account(invitation.email, password).items()
    }
    if not name.strip():
        errors["name"] = gettext(N_("This field is required."))
    elif len(name) > 200:
        errors["name"] = gettext(
            N_("This text is too long (at most {max_length} characters)."), max_length=200
        )
    if errors:
        raise Invalid(errors)
    async with in_transaction():
        used = await Invitation.filter(id=invitation.id, accepted_at=None).update(accepted_at=clock.now())
        if not used or await User.filter(email=invitation.email).exists():
            raise NotFound(N_("This invitation link is no longer valid. Ask for a new one."))
        member = await User.create(
            organisation_id=invitation.organisation_id,
            email=invitation.email,
            name=name.strip(),
            password_hash=passwords.hash_password(password),
            role=invitation.role,
        )
        await audit.record(
            member, invitation.organisation_id, "member.joined", "member", member.id,
            after={"email": member.email, "role": str(member.role), "invitation": invitation.id},
        )  # fmt: skip
    return member


async def organisation_member(user: User, member_id: int) -> User:
    member = await User.get_or_none(id=member_id, organisation_id=user.organisation_id)
    if member is None:
        raise NotFound()
    return member


async def update_member(user: User, member: User, data: object) -> User:
    """Change a member's role or deactivate them; the last active owner stays an active owner."""
    _owner(user)
    wanted = validate(MemberIn, data)
    role = wanted.role if wanted.role is not None else member.role
    active = wanted.active if wanted.active is not None else member.is_active
    before = {"role": str(member.role), "active": member.is_active}
    after = {"role": str(role), "active": active}
    if before == after:
        return member
    async with in_transaction():
        # Write first (it takes SQLite's write lock; select_for_update alone is dropped there), then count.
        await User.filter(id=member.id).update(role=member.role)
        owners = await User.filter(
            organisation_id=user.organisation_id, role=Role.OWNER, is_active=True
        ).select_for_update()
        still_owner = role == Role.OWNER and active
        leaving = member.role == Role.OWNER and member.is_active and not still_owner
        if leaving and not [owner for owner in owners if owner.id != member.id]:
            raise Conflict(N_("The organisation needs at least one active owner."))
        member.role = role
        member.is_active = active
        if not active:
            member.session_epoch += 1  # signed out everywhere
        await member.save(update_fields=["role", "is_active", "session_epoch"])
        await audit.record(
            user, user.organisation_id, "member.updated", "member", member.id, before=before, after=after
        )
    cache.forget(ORGANISATION)  # the owner whose address the messages give may have changed
    return member

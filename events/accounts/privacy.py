"""What the organisation's team holds about a person who is (or was invited to be) one of its members,
and how it is erased. A contributor of `events.privacy.registry`.

Erasing a member deactivates the account and anonymises it in place (the row stays, so the audit trail's
actor ids still point somewhere): the address becomes one that cannot receive mail, the name is blanked,
the password can no longer be used, every session and API token stops working and any password reset
link dies. The person's invitations lose their address and their link. Inside the trail, the team's
entries (invitations, members) have the address replaced. The organisation keeps an owner: erasing its
last active owner is the same conflict as deactivating them, and nothing at all is erased then (stage
10: it runs before every other area, inside the one transaction).
"""

from __future__ import annotations

import hashlib
import secrets

from events import cache, clock
from events.accounts import passwords
from events.accounts.branding import ORGANISATION
from events.accounts.models import ApiToken, Invitation, PasswordReset, Role, User
from events.audit.models import AuditEntry
from events.errors import N_, Conflict
from events.privacy.registry import register

ERASED_NAME = "—"
TEAM_OBJECTS = ("member", "invitation")


def _member_row(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": str(user.role),
        "active": user.is_active,
        "created_at": user.created_at.isoformat(),
    }


def _invitation_row(invitation: Invitation) -> dict[str, object]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": str(invitation.role),
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
    }


def _without(value: object, email: str) -> object:
    """`value` (an audit entry's before or after) with the address blanked wherever it appears."""
    if isinstance(value, dict):
        return {key: _without(item, email) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, email) for item in value]
    return "" if isinstance(value, str) and value.lower() == email else value


async def _keep_an_owner(member: User) -> None:
    if member.role != Role.OWNER or not member.is_active:
        return
    await User.filter(id=member.id).update(is_active=True)  # the write lock first, then count
    others = await User.filter(
        organisation_id=member.organisation_id, role=Role.OWNER, is_active=True
    ).exclude(id=member.id)
    if not others:
        raise Conflict(N_("The organisation needs at least one active owner."))


async def _anonymise(member: User) -> None:
    member.email = f"erased-{member.id}-{secrets.token_hex(8)}@erased.invalid"
    member.name = ERASED_NAME
    member.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    member.is_active = False
    member.session_epoch += 1  # signed out everywhere
    await member.save(update_fields=["email", "name", "password_hash", "is_active", "session_epoch"])
    cache.forget(ORGANISATION)  # an erased owner's address leaves the messages' footer at once
    await ApiToken.filter(user_id=member.id, revoked_at__isnull=True).update(revoked_at=clock.now())
    await PasswordReset.filter(user_id=member.id, used_at__isnull=True).update(used_at=clock.now())


async def _scrub_trail(email: str, organisation_id: int) -> None:
    entries = await AuditEntry.filter(organisation_id=organisation_id, object_type__in=TEAM_OBJECTS)
    for entry in entries:
        before, after = _without(entry.before, email), _without(entry.after, email)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            await entry.save(update_fields=["before", "after"])


class TeamData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        members = await User.filter(email=email, organisation_id=organisation_id)
        invitations = await Invitation.filter(email=email, organisation_id=organisation_id).order_by("id")
        return {
            "team": [_member_row(member) for member in members],
            "invitations": [_invitation_row(invitation) for invitation in invitations],
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        members = await User.filter(email=email, organisation_id=organisation_id)
        for member in members:
            await _keep_an_owner(member)
            await _anonymise(member)
        invitations = await Invitation.filter(email=email, organisation_id=organisation_id)
        for invitation in invitations:
            invitation.email = ""
            invitation.token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
            invitation.expires_at = min(invitation.expires_at, clock.now())
            await invitation.save(update_fields=["email", "token_hash", "expires_at"])
        await _scrub_trail(email, organisation_id)
        return {"team": len(members), "invitations": len(invitations)}


register(TeamData(), stage=10)

"""The team: invitations by e-mail with a role, accepting once, roles, deactivation, the last owner."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from events import clock
from events.accounts.models import Role, User
from events.audit.models import AuditEntry
from events.mail.models import OutboxMessage
from tests.factories import PASSWORD, api_token, bearer, csrf_from, login, make_organiser


async def _invite(client: httpx.AsyncClient, token: str, email: str, role: str = "manager") -> httpx.Response:
    return await client.post(
        "/api/v1/organisation/invitations", json={"email": email, "role": role}, headers=bearer(token)
    )


async def _link(email: str) -> str:
    message = await OutboxMessage.get(kind="invitation", to_address=email)
    found = re.search(r"http://testserver(/invitations/[\w-]+)", message.text_body)
    assert found
    return found.group(1)


async def _accept(client: httpx.AsyncClient, link: str, name: str = "Nouvelle Collègue") -> httpx.Response:
    token = await csrf_from(client, link)
    return await client.post(
        link, data={"csrf_token": token, "name": name, "password": "un mot de passe sûr"}
    )


async def test_invitation_is_accepted_once_with_its_role(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    token = await api_token(client, owner.email)
    answer = await _invite(client, token, "New.Person@Example.org", "door")
    assert answer.status_code == 201
    body = answer.json()
    assert body["email"] == "new.person@example.org" and body["role"] == "door" and body["expires_at"]
    link = await _link("new.person@example.org")
    accepted = await _accept(client, link)
    assert accepted.status_code == 303
    member = await User.get(email="new.person@example.org")
    assert member.role == Role.DOOR and member.organisation_id == owner.organisation_id
    assert member.password_hash.startswith("$argon2id$")
    reused = await client.get(link)
    assert reused.status_code == 404
    members = (await client.get("/api/v1/organisation/members", headers=bearer(token))).json()["members"]
    assert {m["email"]: m["role"] for m in members}["new.person@example.org"] == "door"


async def test_expired_invitation_is_not_found(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    token = await api_token(client, owner.email)
    await _invite(client, token, "late@example.org")
    link = await _link("late@example.org")
    with clock.frozen(clock.now() + timedelta(days=7, minutes=1)):
        assert (await client.get(link)).status_code == 404
    assert not await User.filter(email="late@example.org").exists()


async def test_accept_with_a_short_password_shows_the_field_error(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    await _invite(client, await api_token(client, owner.email), "short@example.org")
    link = await _link("short@example.org")
    token = await csrf_from(client, link)
    answer = await client.post(link, data={"csrf_token": token, "name": "X", "password": "short"})
    assert answer.status_code == 422 and 'id="e-password"' in answer.text
    assert (await client.get(link)).status_code == 200  # still usable


async def test_audit_never_holds_the_token_or_password_hash(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    await _invite(client, await api_token(client, owner.email), "secret@example.org")
    link = await _link("secret@example.org")
    await _accept(client, link)
    member = await User.get(email="secret@example.org")
    for entry in await AuditEntry.filter(organisation_id=owner.organisation_id):
        text = f"{entry.before} {entry.after}"
        assert (
            link.rsplit("/", 1)[1] not in text and member.password_hash not in text and "argon2" not in text
        )


async def test_last_active_owner_cannot_be_demoted_or_deactivated(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    token = await api_token(client, owner.email)
    before = await AuditEntry.filter(action="member.updated").count()
    for change in ({"role": "manager"}, {"active": False}):
        answer = await client.patch(
            f"/api/v1/organisation/members/{owner.id}", json=change, headers=bearer(token)
        )
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "conflict"
    assert await AuditEntry.filter(action="member.updated").count() == before
    second = await make_organiser(organisation=owner.organisation.name, role=Role.OWNER)
    answer = await client.patch(
        f"/api/v1/organisation/members/{second.id}", json={"active": False}, headers=bearer(token)
    )
    assert answer.status_code == 200 and answer.json()["active"] is False
    assert await AuditEntry.filter(action="member.updated", object_id=str(second.id)).count() == 1


async def test_deactivated_member_can_no_longer_sign_in(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    colleague = await make_organiser(organisation=owner.organisation.name, role=Role.MANAGER)
    token = await api_token(client, owner.email)
    colleague_token = await api_token(client, colleague.email)
    await client.patch(
        f"/api/v1/organisation/members/{colleague.id}", json={"active": False}, headers=bearer(token)
    )
    assert (await client.get("/api/v1/events", headers=bearer(colleague_token))).status_code == 401
    assert (
        await client.post("/api/v1/auth/token", json={"email": colleague.email, "password": PASSWORD})
    ).status_code == 401


@pytest.mark.parametrize("role", [Role.MANAGER, Role.DOOR, Role.REVIEWER])
async def test_only_owners_change_the_team(client: httpx.AsyncClient, role: Role) -> None:
    owner = await make_organiser()
    other = await make_organiser(organisation=owner.organisation.name, role=role)
    token = await api_token(client, other.email)
    assert (await _invite(client, token, "x@example.org")).status_code == 403
    answer = await client.patch(
        f"/api/v1/organisation/members/{owner.id}", json={"role": "door"}, headers=bearer(token)
    )
    assert answer.status_code == 403
    assert not await AuditEntry.filter(action__in=["invitation.created", "member.updated"]).exists()


async def test_another_organisations_member_is_not_found(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    stranger = await make_organiser()
    token = await api_token(client, owner.email)
    answer = await client.patch(
        f"/api/v1/organisation/members/{stranger.id}", json={"role": "door"}, headers=bearer(token)
    )
    assert answer.status_code == 404
    members = (await client.get("/api/v1/organisation/members", headers=bearer(token))).json()["members"]
    assert [m["id"] for m in members] == [owner.id]
    assert (await client.get("/api/v1/organisation/members")).status_code == 401


async def test_dashboard_team_page_invites_and_changes_roles(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    colleague = await make_organiser(organisation=owner.organisation.name, role=Role.MANAGER)
    await login(client, owner.email)
    token = await csrf_from(client, "/dashboard/team")
    bad = await client.post(
        "/dashboard/team/invitations", data={"csrf_token": token, "email": "nope", "role": "door"}
    )
    assert bad.status_code == 422 and 'id="e-email"' in bad.text
    sent = await client.post(
        "/dashboard/team/invitations", data={"csrf_token": token, "email": "d@example.org", "role": "door"}
    )
    assert sent.status_code == 303 and await OutboxMessage.filter(kind="invitation").count() == 1
    changed = await client.post(
        f"/dashboard/team/members/{colleague.id}", data={"csrf_token": token, "role": "door", "active": "on"}
    )
    assert changed.status_code == 303 and (await User.get(id=colleague.id)).role == Role.DOOR

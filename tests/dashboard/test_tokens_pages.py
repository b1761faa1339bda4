"""API tokens in the dashboard: made with a name, listed without their secret, revoked with an audit row."""

from __future__ import annotations

import re

import httpx
import pytest

from events.accounts.models import ApiToken, Role, User
from events.audit.models import AuditEntry
from tests.factories import api_token, bearer, csrf_from, login, make_organiser


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


async def _make(client: httpx.AsyncClient, name: str) -> str:
    token = await csrf_from(client, "/dashboard/tokens")
    answer = await client.post("/dashboard/tokens", data={"name": name, "csrf_token": token})
    assert answer.status_code == 303
    page = (await client.get(answer.headers["location"])).text
    shown = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page)
    assert shown, "the new token is not shown"
    return shown.group(1)


async def test_token_made_in_the_dashboard_opens_the_api_and_is_shown_once(
    client: httpx.AsyncClient, owner: User
) -> None:
    await login(client, owner.email)
    secret = await _make(client, "Imprimante à badges")
    assert (await client.get("/api/v1/events", headers=bearer(secret))).status_code == 200
    page = (await client.get("/dashboard/tokens")).text
    assert "Imprimante à badges" in page
    assert secret not in page
    assert await AuditEntry.filter(action="api_token.created", object_type="api_token").exists()


async def test_token_list_shows_when_each_was_last_used(client: httpx.AsyncClient, owner: User) -> None:
    await login(client, owner.email)
    secret = await _make(client, "Synchro CRM")
    await _make(client, "Jamais servi")
    await client.get("/api/v1/events", headers=bearer(secret))
    page = (await client.get("/dashboard/tokens?lang=en")).text
    rows = {
        name: row
        for row in re.findall(r"<tr>\s*<td>.*?</tr>", page, re.S)
        for name in ["Synchro CRM" if "Synchro CRM" in row else "Jamais servi"]
    }
    assert len(rows) == 2
    assert ">Never<" in rows["Jamais servi"]
    assert ">Never<" not in rows["Synchro CRM"]


async def test_revoked_token_no_longer_opens_the_api(client: httpx.AsyncClient, owner: User) -> None:
    await login(client, owner.email)
    secret = await _make(client, "Script de test")
    made = await ApiToken.get(name="Script de test")
    csrf = await csrf_from(client, "/dashboard/tokens")
    answer = await client.post(
        "/dashboard/tokens/revoke", data={"token_id": str(made.id), "csrf_token": csrf}
    )
    assert answer.status_code == 303
    assert (await client.get("/api/v1/events", headers=bearer(secret))).status_code == 401
    entry = await AuditEntry.get(action="api_token.revoked", object_id=str(made.id))
    assert entry.after is not None and entry.after["revoked"] is True
    assert "Revoked" in (await client.get("/dashboard/tokens?lang=en")).text


async def test_empty_token_name_is_a_field_error(client: httpx.AsyncClient, owner: User) -> None:
    await login(client, owner.email)
    csrf = await csrf_from(client, "/dashboard/tokens")
    answer = await client.post("/dashboard/tokens", data={"name": "  ", "csrf_token": csrf})
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.text
    assert not await ApiToken.exists()


async def test_another_organisations_token_cannot_be_revoked(client: httpx.AsyncClient, owner: User) -> None:
    stranger = await make_organiser()
    secret = await api_token(client, stranger.email)
    theirs = await ApiToken.get(user_id=stranger.id)
    await login(client, owner.email)
    assert stranger.email not in (await client.get("/dashboard/tokens")).text
    csrf = await csrf_from(client, "/dashboard/tokens")
    answer = await client.post(
        "/dashboard/tokens/revoke", data={"token_id": str(theirs.id), "csrf_token": csrf}
    )
    assert answer.status_code == 404
    assert (await client.get("/api/v1/events", headers=bearer(secret))).status_code == 200


async def test_manager_sees_only_their_own_tokens_and_the_owner_sees_all(
    client: httpx.AsyncClient, owner: User
) -> None:
    manager = await make_organiser(owner.organisation.name, role=Role.MANAGER)
    await api_token(client, owner.email)
    await login(client, manager.email)
    await _make(client, "Jeton du manager")
    mine = (await client.get("/dashboard/tokens")).text
    assert "Jeton du manager" in mine and owner.email not in mine
    owners = await ApiToken.get(user_id=owner.id)
    csrf = await csrf_from(client, "/dashboard/tokens")
    refused = await client.post(
        "/dashboard/tokens/revoke", data={"token_id": str(owners.id), "csrf_token": csrf}
    )
    assert refused.status_code == 404
    client.cookies.clear()
    await login(client, owner.email)
    everyone = (await client.get("/dashboard/tokens")).text
    assert "Jeton du manager" in everyone and manager.email in everyone

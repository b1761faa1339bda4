"""An organiser who forgot their password gets a one-time link by e-mail; nobody learns who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from events import clock
from events.accounts.models import User
from events.mail.models import OutboxMessage
from tests.factories import PASSWORD, csrf_from, login, make_organiser

NEW_PASSWORD = "a brand new passphrase"


async def _ask(client: httpx.AsyncClient, email: str) -> httpx.Response:
    token = await csrf_from(client, "/password-reset")
    return await client.post("/password-reset", data={"email": email, "csrf_token": token})


async def _link_sent_to(email: str) -> str:
    message = await OutboxMessage.get(kind="password_reset", to_address=email)
    found = re.search(r"http://testserver(/password-reset/[A-Za-z0-9_-]+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


async def _choose(
    client: httpx.AsyncClient, path: str, password: str, confirm: str | None = None
) -> httpx.Response:
    token = await csrf_from(client, path)
    data = {"password": password, "confirm": password if confirm is None else confirm, "csrf_token": token}
    return await client.post(path, data=data)


async def test_sign_in_page_links_to_the_reset(client: httpx.AsyncClient) -> None:
    assert '/password-reset"' in (await client.get("/login")).text


async def test_known_and_unknown_addresses_get_the_same_answer(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    known = await _ask(client, user.email)
    unknown = await _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert await OutboxMessage.filter(kind="password_reset").count() == 1


async def test_the_link_sets_a_new_password_and_signs_out_elsewhere(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    await _ask(client, user.email)
    chosen = await _choose(client, await _link_sent_to(user.email), NEW_PASSWORD)
    assert chosen.status_code == 303
    assert "/login" in chosen.headers["location"]
    assert (await User.get(id=user.id)).session_epoch == user.session_epoch + 1
    assert (await login(client, user.email, PASSWORD)).status_code == 401
    assert (await login(client, user.email, NEW_PASSWORD)).status_code == 303


async def test_the_link_works_once(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    await _ask(client, user.email)
    path = await _link_sent_to(user.email)
    assert (await _choose(client, path, NEW_PASSWORD)).status_code == 303
    assert (await client.get(path)).status_code == 404


async def test_the_link_expires_after_an_hour(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    with clock.frozen(clock.now()) as advance:
        await _ask(client, user.email)
        path = await _link_sent_to(user.email)
        advance(timedelta(hours=1, seconds=1))
        assert (await client.get(path)).status_code == 404


async def test_a_new_request_retires_the_older_link(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    await _ask(client, user.email)
    older = await _link_sent_to(user.email)
    await OutboxMessage.filter(kind="password_reset").delete()
    await _ask(client, user.email)
    assert (await client.get(older)).status_code == 404
    assert (await client.get(await _link_sent_to(user.email))).status_code == 200


async def test_a_short_or_mismatched_password_is_shown_beside_its_field(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    await _ask(client, user.email)
    path = await _link_sent_to(user.email)
    short = await _choose(client, path, "short")
    assert short.status_code == 422
    assert 'id="e-password"' in short.text
    differ = await _choose(client, path, NEW_PASSWORD, "another passphrase")
    assert differ.status_code == 422
    assert 'id="e-confirm"' in differ.text
    assert (await login(client, user.email, PASSWORD)).status_code == 303


async def test_asking_is_throttled(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    for _ in range(5):
        assert (await _ask(client, user.email)).status_code == 303
    throttled = await _ask(client, user.email)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0


async def test_a_forged_token_is_not_found(client: httpx.AsyncClient) -> None:
    assert (await client.get("/password-reset/" + "x" * 43)).status_code == 404
    assert (await client.get("/password-reset/short")).status_code == 404

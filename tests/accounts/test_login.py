from __future__ import annotations

from datetime import timedelta

import httpx

from events import clock
from events.accounts.models import User
from tests.factories import PASSWORD, csrf_from, login, make_organiser


async def test_organiser_signs_in_and_reaches_the_dashboard(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    answer = await login(client, user.email)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("/dashboard")
    assert user.email in (await client.get("/dashboard")).text


async def test_dashboard_without_a_session_redirects_to_sign_in(client: httpx.AsyncClient) -> None:
    answer = await client.get("/dashboard")
    assert answer.status_code == 303
    assert "/login?next=%2Fdashboard" in answer.headers["location"]


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    wrong = await login(client, user.email, "not the password")
    unknown = await login(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.text
    assert wrong.text.replace(user.email, "X") == unknown.text.replace("nobody@example.org", "X")


async def test_tenth_failure_throttles_the_form_even_with_the_right_password(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    for _ in range(10):
        assert (await login(client, user.email, "wrong password")).status_code == 401
    throttled = await login(client, user.email, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0


async def test_throttle_lifts_after_fifteen_minutes(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    with clock.frozen(clock.now()) as advance:
        for _ in range(10):
            await login(client, user.email, "wrong password")
        assert (await login(client, user.email, PASSWORD)).status_code == 429
        advance(timedelta(minutes=15, seconds=1))
        assert (await login(client, user.email, PASSWORD)).status_code == 303


async def test_token_endpoint_is_throttled_like_the_form(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    bad = {"email": user.email, "password": "wrong password"}
    for _ in range(10):
        answer = await client.post("/api/v1/auth/token", json=bad)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_credentials"
    good = {"email": user.email, "password": PASSWORD}
    answer = await client.post("/api/v1/auth/token", json=good)
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "throttled"
    assert "retry-after" in answer.headers


async def test_session_cookie_is_httponly_and_samesite_lax(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    answer = await login(client, user.email)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


async def test_logout_invalidates_every_copy_of_the_session(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    await login(client, user.email)
    stolen = dict(client.cookies)
    token = await csrf_from(client, "/dashboard")
    assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
    client.cookies.clear()
    client.cookies.update(stolen)
    assert (await client.get("/dashboard")).status_code == 303


async def test_passwords_are_stored_as_argon2id(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    stored = (await User.get(id=user.id)).password_hash
    assert stored.startswith("$argon2id$")
    memory = int(stored.split("m=")[1].split(",")[0])
    assert memory >= 19456
    assert PASSWORD not in stored


async def test_next_parameter_cannot_send_the_organiser_elsewhere(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    token = await csrf_from(client, "/login")
    form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    answer = await client.post("/login", data={**form, "next": "//evil.example/"})
    assert answer.headers["location"].endswith("/dashboard")


async def test_door_staff_land_on_their_scanners(client: httpx.AsyncClient) -> None:
    from events.accounts.models import Role

    door = await make_organiser(role=Role.DOOR)
    answer = await login(client, door.email)
    assert answer.headers["location"].endswith("/scan")
    assert (await client.get(answer.headers["location"])).status_code == 200

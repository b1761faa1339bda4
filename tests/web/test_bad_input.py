"""Bad input found by the fault probe: every case answers 4xx (JSON error or HTML page), never a 5xx."""

from __future__ import annotations

import json

import httpx
import pytest

from events.catalogue.models import PromoCode
from events.ticketing.models import Order
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)


async def _setup(client: httpx.AsyncClient) -> tuple[str, Order, dict[str, str], int]:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    await login(client, user.email)
    return event.slug, order, bearer(await api_token(client, user.email)), pass_.id


@pytest.mark.parametrize(
    "path",
    [
        "/events/x%00",
        "/events/%00.ics",
        "/agenda/%00.ics",
        "/orders/%00/%00",
        "/api/v1/public/events/%00",
        "/events/{slug}/register?code=%00",
        "/dashboard/events/{slug}/orders?q=%00",
        "/api/v1/events/{slug}/orders?q=%00",
        "/events/{slug}/register?offer=%FF%FE",
    ],
)
async def test_nul_bytes_and_invalid_utf8_in_paths_and_queries_are_400(
    client: httpx.AsyncClient, path: str
) -> None:
    slug, _order, auth, _type = await _setup(client)
    answer = await client.get(path.replace("{slug}", slug), headers=auth)
    assert answer.status_code == 400
    if path.startswith("/api/"):
        assert answer.json()["error"]["code"] == "bad_request"
    else:
        assert "text/html" in answer.headers["content-type"]


@pytest.mark.parametrize(
    "path",
    [
        "/orders/{long3000}/x",
        "/api/v1/orders/{long300}/x",
        "/agenda/{x500}.ics",
        "/orders/{code}/{secret}/documents/{f500}.pdf",
        "/api/v1/events/{slug}/orders/{long40}",
        "/api/v1/orders/{long40}/{secret}",
    ],
)
async def test_over_long_lookups_in_paths_are_404(client: httpx.AsyncClient, path: str) -> None:
    slug, order, auth, _type = await _setup(client)
    values = {
        "slug": slug, "code": order.code, "secret": order.secret, "long3000": "A" * 3000,
        "long300": "A" * 300, "long40": "A" * 40, "x500": "x" * 500, "f500": "F" * 500,
    }  # fmt: skip
    answer = await client.get(path.format(**values), headers=auth)
    assert answer.status_code == 404


async def test_over_long_lookups_in_queries_are_refused_or_ignored(client: httpx.AsyncClient) -> None:
    slug, _order, auth, _type = await _setup(client)
    offer = await client.get(f"/events/{slug}/register?offer={'x' * 100}")
    code = await client.get(f"/events/{slug}/register?code={'P' * 100}")
    search = await client.get(f"/api/v1/events/{slug}/orders?q={'q' * 300}", headers=auth)
    assert (offer.status_code, code.status_code) == (200, 200)
    assert search.status_code == 422 and search.json()["error"]["code"] == "invalid"


async def test_bogus_order_status_filter_is_invalid(client: httpx.AsyncClient) -> None:
    slug, _order, auth, _type = await _setup(client)
    for status in ("bogus", "draft"):
        answer = await client.get(f"/api/v1/events/{slug}/orders?status={status}", headers=auth)
        assert answer.status_code == 422
        assert "status" in answer.json()["error"]["details"]


async def test_over_long_login_emails_are_wrong_credentials(client: httpx.AsyncClient) -> None:
    token = await csrf_from(client, "/login")
    form = await client.post(
        "/login", data={"email": "a" * 300 + "@x.org", "password": "x", "csrf_token": token}
    )
    api = await client.post("/api/v1/auth/token", json={"email": "a" * 100_000, "password": "x"})
    assert form.status_code == 401
    assert api.status_code in (401, 422)


async def test_nul_in_login_and_promo_code_form_fields_is_dropped(client: httpx.AsyncClient) -> None:
    slug, _order, _auth, type_id = await _setup(client)
    client.cookies.clear()
    token = await csrf_from(client, "/login")
    form = await client.post("/login", data={"email": "x\x00@y.org", "password": "x", "csrf_token": token})
    token = await csrf_from(client, f"/events/{slug}/register?type-{type_id}=1")
    data = {
        "csrf_token": token, "count": "1", "ticket-0-type": str(type_id), "ticket-0-name": "A\x00B",
        "buyer-name": "A", "buyer-email": "a@b.org", "buyer-country": "FR", "privacy": "on",
        "promo_code": "CODE\x00",
    }  # fmt: skip
    register = await client.post(f"/events/{slug}/register", data=data)
    assert form.status_code == 401
    assert register.status_code == 422
    assert "promo code" in register.text.lower()


@pytest.mark.parametrize("field", ["sessions", "ticket_type"])
async def test_oversized_ids_inside_an_order_are_invalid(client: httpx.AsyncClient, field: str) -> None:
    slug, _order, _auth, type_id = await _setup(client)
    body = order_body(type_id)
    if field == "sessions":
        body["tickets"][0]["sessions"] = [1099511627776]
    else:
        body["tickets"][0]["ticket_type"] = -10000000000000000000
    answer = await client.post(f"/api/v1/events/{slug}/orders", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_oversized_ticket_type_ids_on_promo_codes_are_invalid(client: httpx.AsyncClient) -> None:
    slug, _order, auth, _type = await _setup(client)
    for ids in ([1099511627776], [-10000000000000000000]):
        body = {"code": "LABO", "percent_off": 10, "ticket_types": ids}
        answer = await client.post(f"/api/v1/events/{slug}/promo-codes", json=body, headers=auth)
        assert answer.status_code == 422
    assert await PromoCode.all().count() == 0


async def test_oversized_session_ids_in_the_registration_form_are_refused(client: httpx.AsyncClient) -> None:
    slug, _order, _auth, type_id = await _setup(client)
    before = await Order.all().count()
    client.cookies.clear()
    token = await csrf_from(client, f"/events/{slug}/register?type-{type_id}=1")
    data = {
        "csrf_token": token, "count": "1", "ticket-0-type": str(type_id), "ticket-0-name": "Lou",
        "buyer-name": "Lou", "buyer-email": "lou@labo.fr", "buyer-country": "FR", "privacy": "on",
        "ticket-0-session": "999999999999",
    }  # fmt: skip
    answer = await client.post(f"/events/{slug}/register", data=data)
    assert answer.status_code in (409, 422)
    assert await Order.all().count() == before


@pytest.mark.parametrize(
    "body",
    [b"[" * 50_000 + b"]" * 50_000, b'{"email": ' + b"1" * 5000 + b"}", b'{"email": NaN}', b"\xff\xfe"],
)
@pytest.mark.parametrize("target", ["/api/v1/auth/token", "/api/v1/events/{slug}/orders"])
async def test_hostile_json_is_invalid(client: httpx.AsyncClient, body: bytes, target: str) -> None:
    slug, _order, _auth, _type = await _setup(client)
    headers = {"content-type": "application/json"}
    answer = await client.post(target.replace("{slug}", slug), content=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_json_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    slug, _order, _auth, type_id = await _setup(client)
    body = order_body(type_id, locale="fr" + " " * (1024 * 1024))
    answer = await client.post(
        f"/api/v1/events/{slug}/orders",
        content=json.dumps(body),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"


async def test_chunked_body_over_the_limit_is_stopped(client: httpx.AsyncClient) -> None:
    slug, _order, _auth, _type = await _setup(client)

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 64 * 1024

    answer = await client.post(
        f"/api/v1/events/{slug}/orders", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413


async def test_multipart_file_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    slug, _order, _auth, _type = await _setup(client)
    token = await csrf_from(client, "/login")
    files = {"file": ("big.bin", b"0" * (11 * 1024 * 1024))}
    answer = await client.post(f"/events/{slug}/register", data={"csrf_token": token}, files=files)
    assert answer.status_code == 413
    assert "text/html" in answer.headers["content-type"]

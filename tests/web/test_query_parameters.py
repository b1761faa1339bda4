"""Query strings are parsed by the model each operation documents: a bad value is the 422 `invalid` of
API.md naming the parameter, on both databases (PostgreSQL refuses an id beyond its int4 columns, which
SQLite compares happily), and a good one still filters as before."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

HUGE = "1099511627776"  # beyond PostgreSQL's integer columns


async def _event(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    user = await make_organiser()
    event = await make_event(user, published=True)
    await make_order(event, (await make_ticket_type(event)).id)
    return event.slug, bearer(await api_token(client, user.email))


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/audit", "actor", HUGE),
        ("/api/v1/audit", "cursor", "99999999999999"),
        ("/api/v1/audit", "limit", "0"),
        ("/api/v1/audit", "since", "2026-01-01T00:00:00"),
        ("/api/v1/audit", "object_type", "x" * 33),
        ("/api/v1/audit", "until", "9999-12-31T23:59:59-05:00"),  # past the calendar in UTC: the fuzzer's
        ("/api/v1/audit", "since", "0001-01-01T00:00:00+05:00"),  # the column's length: found by the fuzzer
        ("/api/v1/events/{slug}/orders", "status", "draft"),
        ("/api/v1/events/{slug}/orders", "q", "q" * 201),
        ("/api/v1/events/{slug}/attendees", "ticket_type", HUGE),
        ("/api/v1/events/{slug}/attendees", "limit", "99999999999999999999999"),
        ("/api/v1/events/{slug}/attendees", "sort", "secret"),
        ("/api/v1/events/{slug}/attendees", "cursor", "WzEsIDEwOTk1MTE2Mjc3NzZd"),  # [1, 1099511627776]
        ("/api/v1/events/{slug}/exports/orders.csv", "status", "bogus"),
        ("/api/v1/events/{slug}/exports/attendees.xlsx", "delimiter", "tab"),
        ("/api/v1/events/{slug}/checkin/search", "list", HUGE),
        ("/api/v1/events/{slug}/abstracts", "track", HUGE),
        ("/api/v1/events/{slug}/abstracts", "status", "maybe"),
        ("/api/v1/events/{slug}/certificates.zip", "institution", "x" * 201),
        ("/api/v1/events/{slug}/partnering/profiles", "kind", "guild"),
    ],
)
async def test_a_bad_query_value_is_invalid_and_names_its_parameter(
    client: httpx.AsyncClient, path: str, name: str, value: str
) -> None:
    slug, auth = await _event(client)
    answer = await client.get(path.format(slug=slug), params={name: value}, headers=auth)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
    assert name in answer.json()["error"]["details"]


async def test_empty_values_and_unknown_parameters_change_nothing(client: httpx.AsyncClient) -> None:
    slug, auth = await _event(client)
    path = f"/api/v1/events/{slug}/attendees"
    plain = (await client.get(path, headers=auth)).json()
    blank = await client.get(path, params={"status": "", "limit": "", "lang": "fr", "utm": "x"}, headers=auth)
    assert blank.status_code == 200 and blank.json() == plain and plain["total"] == 1


async def test_typed_filters_still_filter(client: httpx.AsyncClient) -> None:
    slug, auth = await _event(client)
    orders = f"/api/v1/events/{slug}/orders"
    assert len((await client.get(orders, params={"status": "paid"}, headers=auth)).json()["orders"]) == 1
    assert (await client.get(orders, params={"status": "refunded"}, headers=auth)).json()["orders"] == []
    attendees = f"/api/v1/events/{slug}/attendees"
    cancelled = await client.get(attendees, params={"status": "cancelled", "limit": "1"}, headers=auth)
    assert cancelled.json()["total"] == 0


async def test_the_document_lists_each_query_parameter_with_its_schema(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/api/v1/events/{slug}/attendees"]["get"]
    query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert set(query) == {
        "q",
        "ticket_type",
        "status",
        "checked_in",
        "sort",
        "question",
        "answer",
        "limit",
        "cursor",
    }
    assert (query["limit"]["minimum"], query["limit"]["maximum"]) == (1, 500)
    assert query["status"]["enum"] == ["valid", "cancelled", "all"]
    orders = document["paths"]["/api/v1/events/{slug}/orders"]["get"]["parameters"]
    status = next(p["schema"] for p in orders if p["name"] == "status")
    assert status["$ref"] == "#/components/schemas/OrderStatus"
    assert document["paths"]["/api/v1/audit"]["parameters"] == [{"$ref": "#/components/parameters/lang"}]
    assert document["components"]["parameters"]["lang"]["schema"]["enum"] == ["fr", "en"]


async def test_the_dashboards_audit_filter_longer_than_its_column_is_refused(
    client: httpx.AsyncClient,
) -> None:
    user = await make_organiser()
    await login(client, user.email)
    answer = await client.get("/dashboard/audit", params={"object_type": "x" * 40})
    assert answer.status_code == 422 and "text/html" in answer.headers["content-type"]

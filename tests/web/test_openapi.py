"""The OpenAPI document is complete and true: it validates, and no /api/v1 route escapes it."""

from __future__ import annotations

import re

import httpx
from openapi_spec_validator import validate
from starlette.routing import Route

from events.web.api import api_routes, documented, openapi_document

PARAMETER = re.compile(r"\{(\w+)\}")


async def _document(client: httpx.AsyncClient) -> dict[str, object]:
    answer = await client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document: dict[str, object] = answer.json()
    return document


async def test_openapi_document_validates_as_3_1(client: httpx.AsyncClient) -> None:
    document = await _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_documented() -> None:
    from main import app

    undocumented = [
        path
        for path, route in api_routes(app.routes)
        if not hasattr(route.endpoint, "__openapi__") and route.name != "openapi"
    ]
    assert undocumented == []


def test_an_undocumented_api_route_is_found() -> None:
    async def endpoint() -> None:
        """Never called: only its lack of a description matters."""

    routes = api_routes([Route("/api/v1/events/{slug:slug}/new-thing", endpoint)])
    assert [hasattr(route.endpoint, "__openapi__") for _, route in routes] == [False]


async def test_every_path_template_declares_its_parameters(client: httpx.AsyncClient) -> None:
    paths = (await _document(client))["paths"]
    assert isinstance(paths, dict)
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if declared != set(PARAMETER.findall(path)):
                missing.append(f"{method} {path}")
    assert missing == []


async def test_path_parameters_carry_the_convertors_limits(client: httpx.AsyncClient) -> None:
    paths = (await _document(client))["paths"]
    assert isinstance(paths, dict)
    order = paths["/api/v1/events/{slug}/orders/{code}"]["get"]
    schemas = {p["name"]: p["schema"] for p in order["parameters"]}
    assert schemas["code"]["pattern"] == "^[A-Za-z0-9]{1,12}$"
    assert schemas["slug"]["pattern"] == "^[A-Za-z0-9_-]{1,80}$"
    ticket_type = paths["/api/v1/events/{slug}/ticket-types/{id}"]["patch"]
    row_id = next(p["schema"] for p in ticket_type["parameters"] if p["name"] == "id")
    assert row_id["type"] == "integer" and row_id["maximum"] == 999_999_999


async def test_every_operation_documents_its_errors_and_security(client: httpx.AsyncClient) -> None:
    document = await _document(client)
    paths = document["paths"]
    assert isinstance(paths, dict)
    for operations in paths.values():
        for operation in operations.values():
            assert {"404", "422", "default"} <= set(operation["responses"])
            assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }
            assert "security" in operation
    token = paths["/api/v1/auth/token"]["post"]
    assert token["security"] == []
    events = paths["/api/v1/events"]["get"]
    assert events["security"] == [{"organiser": []}]
    assert "401" in events["responses"]


def test_query_models_become_query_parameters() -> None:
    from pydantic import BaseModel, Field

    class Filter(BaseModel):
        q: str = Field("", max_length=200)

    @documented("A filtered list", query=Filter)
    async def endpoint() -> None:
        """Never called: the description is what is checked."""

    document = openapi_document([Route("/api/v1/things", endpoint)], "http://test")
    operation = document["paths"]["/api/v1/things"]["get"]  # type: ignore[index]
    assert operation["parameters"] == [
        {
            "name": "q",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "maxLength": 200, "default": ""},
        }
    ]


async def test_documented_answers_match_what_the_routes_send(client: httpx.AsyncClient) -> None:
    """Found by the fuzzer: lists documented as one object, the call without `open`, a ZIP as JSON, and the
    door's `StatsOut` overwritten by partnering's of the same name."""
    document = await _document(client)
    paths, schemas = document["paths"], document["components"]["schemas"]  # type: ignore[index]
    orders = paths["/api/v1/events/{slug}/orders"]["get"]["responses"]["200"]["content"]["application/json"]
    assert orders["schema"]["required"] == ["orders"]
    assert "open" in schemas["CallOut"]["properties"]
    zipped = paths["/api/v1/events/{slug}/certificates.zip"]["get"]["responses"]["200"]["content"]
    assert list(zipped) == ["application/zip"]
    stats = paths["/api/v1/events/{slug}/checkin/stats"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    assert "lists" in schemas[stats["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]

"""The OpenAPI document is complete and true: it validates, and no /api/v1 route escapes it."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from openapi_spec_validator import validate
from starlette.requests import Request
from starlette.routing import Route

from events.web.api import api_routes, documented, openapi_document, query_model

PARAMETER = re.compile(r"\{(\w+)\}")


async def _document(client: httpx.AsyncClient) -> dict[str, object]:
    answer = await client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document: dict[str, object] = answer.json()
    return document


def _operations(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A path item's operations, without its shared `parameters`."""
    return [(method, operation) for method, operation in item.items() if method != "parameters"]


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
        for method, operation in _operations(operations):
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
        for _method, operation in _operations(operations):
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


_QUERY_READS = re.compile(r"query_params|query_string|\.url\.query")


def _reached(function: Callable[..., Any], seen: set[object]) -> Iterator[Callable[..., Any]]:
    """The function and every project function it names, and so on, except `query_model` itself."""
    if function in seen or function is query_model:
        return
    seen.add(function)
    yield function
    names = inspect.getclosurevars(function)
    found = [*names.globals.values(), *names.nonlocals.values()]
    modules = [value for value in found if inspect.ismodule(value)]
    found += [getattr(module, name) for module in modules for name in names.unbound if hasattr(module, name)]
    for value in found:
        if inspect.isfunction(value) and value.__module__.startswith(("events.", "tests.")):
            yield from _reached(value, seen)


def _undeclared_query_reads(path: str, route: Route) -> list[str]:
    """What makes an operation read its query string past its documentation: code it runs touching the raw
    query string, or a `query_model(request, X)` whose X is not the model `@documented(query=...)` names."""
    endpoint = route.endpoint
    doc = endpoint.__openapi__  # type: ignore[attr-defined]
    found = [
        f"{path}: {function.__module__}.{function.__qualname__} reads the raw query string"
        for function in _reached(endpoint, set())
        if _QUERY_READS.search(inspect.getsource(function))
    ]
    names = inspect.getclosurevars(endpoint)
    scope = {**names.builtins, **names.globals, **names.nonlocals}
    parsed = [
        eval(ast.unparse(call.args[1]), scope)  # noqa: S307 - the project's own source, names it defines
        for call in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(endpoint))))
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "query_model"
        and len(call.args) == 2
    ]
    if any(model is not doc["query"] for model in parsed):
        found.append(f"{path}: parses its query with another model than it documents")
    if doc["query"] is not None and not parsed:
        found.append(f"{path}: documents a query model it never parses")
    return found


def test_every_query_parameter_read_is_documented() -> None:
    """Only `query_model` reads an operation's query string, with the very model the document lists."""
    from main import app

    documented_routes = [
        (path, route) for path, route in api_routes(app.routes) if hasattr(route.endpoint, "__openapi__")
    ]
    assert len(documented_routes) > 50
    assert [
        problem for path, route in documented_routes for problem in _undeclared_query_reads(path, route)
    ] == []


def test_an_undeclared_query_parameter_is_found() -> None:
    from pydantic import BaseModel

    class Declared(BaseModel):
        q: str = ""

    class Other(BaseModel):
        status: str = ""

    @documented("Reads what it documents", query=Declared)
    async def honest(request: Request) -> None:
        query_model(request, Declared)

    @documented("Reads another model than it documents", query=Declared)
    async def other(request: Request) -> None:
        query_model(request, Other)

    @documented("Documents nothing, parses something")
    async def silent(request: Request) -> None:
        query_model(request, Other)

    @documented("Documents a model it never parses", query=Declared)
    async def idle(request: Request) -> None:
        """Never called: only its source is read."""

    found = {
        endpoint.__name__: _undeclared_query_reads("/api/v1/x", Route("/api/v1/x", endpoint))
        for endpoint in (honest, other, silent, idle)
    }
    assert found["honest"] == []
    assert all(found[name] for name in ("other", "silent", "idle"))


def test_a_helper_reading_the_raw_query_string_is_found() -> None:
    def helper(request: Request) -> str:
        return str(request.query_params.get("status", ""))

    @documented("Reads ?status= through a helper, documents nothing")
    async def endpoint(request: Request) -> None:
        helper(request)

    found = _undeclared_query_reads("/api/v1/x", Route("/api/v1/x", endpoint))
    assert len(found) == 1 and "helper reads the raw query string" in found[0]

"""JSON plumbing shared by the API routes: reading bodies, answering, and describing endpoints.

Each API endpoint carries its OpenAPI description through `@documented`, so the schema served at
`/api/v1/openapi.json` is built from the routes that really exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode
from starlette.convertors import CONVERTOR_TYPES
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from events.errors import N_, Invalid
from events.i18n import LOCALES, gettext
from events.validation import validate
from events.web.convertors import ROW_ID_DIGITS, RowId

F = TypeVar("F", bound=Callable[..., Awaitable[Response]])
_CONVERTOR = re.compile(r"\{(\w+):(\w+)\}")


MAX_DEPTH = 32
"""Deepest nesting of objects and lists accepted; the deepest real body (an order) is 5."""

MAX_NUMBER_LENGTH = 40
"""Longest number literal accepted: enough for any amount or id, far below what makes parsing slow."""

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def _too_deep(raw: bytes) -> bool:
    """Measured before parsing: the parser recurses per level and would raise RecursionError."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _number(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_LENGTH:
            raise ValueError("number too long")
        return kind(text)

    return parse


def _no_constant(text: str) -> None:
    raise ValueError(f"{text} is not JSON")


def parse_json(raw: bytes) -> object:
    """JSON with bounded depth and number size; ValueError for anything else than a sane document."""
    if _too_deep(raw):
        raise ValueError("nested too deep")
    return json.loads(raw, parse_int=_number(int), parse_float=_number(float), parse_constant=_no_constant)


async def json_body(request: Request) -> dict[str, object]:
    try:
        body = parse_json(await request.body() or b"{}")
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
        raise Invalid({"__root__": gettext(N_("Send a valid JSON document."))}) from None
    if not isinstance(body, dict):
        raise Invalid({"__root__": gettext(N_("Send a JSON object."))})
    return body


def answer(data: object, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code)


Auth = Literal["organiser", "door", "participant", "none"]
"""Who may call an operation: an organiser's API token; that or a door token; a participant's space token
or an organiser's; nobody in particular (public, or a secret in the path)."""

_SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "organiser": [{"organiser": []}],
    "door": [{"organiser": []}, {"door": []}],
    "participant": [{"participant": []}, {"organiser": []}],
    "none": [],
}

Q = TypeVar("Q", bound=BaseModel)


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    many: str | None = None,
    media: str = "application/json",
    status: int = 200,
    auth: bool | Auth = True,
) -> Callable[[F], F]:
    """Marks an endpoint for the OpenAPI document; the models named here are those the endpoint parses and
    answers with, so the document cannot drift from the code. `auth=True` is the organiser's token;
    `many="orders"` says the answer is `{"orders": [response...]}`; `media` names a file's type (a ZIP)."""
    who: Auth = "organiser" if auth is True else "none" if auth is False else auth

    def mark(endpoint: F) -> F:
        endpoint.__openapi__ = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "response": response,
            "query": query,
            "many": many,
            "media": media,
            "status": status,
            "auth": who,
        }
        return endpoint

    return mark


def query_model(request: Request, model: type[Q]) -> Q:
    """The query string parsed by the model its endpoint declares in `@documented(query=...)`.

    Bad values are the 422 `invalid` of every other input, never a 500 from a later lookup.
    """
    return validate(model, dict(request.query_params))


ERROR_SCHEMA: dict[str, object] = {
    "type": "object",
    "description": "The JSON error of every failed call (API.md section 2).",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "examples": ["not_found", "invalid", "sold_out"]},
                "message": {"type": "string"},
                "details": {"type": "object", "description": "For `invalid`: field name to message."},
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
    "examples": [{"error": {"code": "not_found", "message": "Not found.", "details": {}}}],
}

_ERRORS = {
    "401": "unauthenticated: no token, or a token that is not valid",
    "403": "forbidden: the token's role may not do this",
    "404": "not_found: no such object in the caller's organisation",
    "409": "a conflict with the object's state (sold_out, sales_closed, conflict, ...)",
    "422": "invalid: `details` maps each field to its message",
    "429": "throttled: too many calls from this address; see Retry-After",
    "503": "the database is unreachable for a moment; see Retry-After",
}


def _path_parameter(name: str, convertor: str) -> dict[str, object]:
    """A path parameter's schema, read from the route's own convertor, so its limits are those enforced."""
    found = CONVERTOR_TYPES[convertor]
    schema: dict[str, object]
    if isinstance(found, RowId):
        schema = {"type": "integer", "minimum": 0, "maximum": 10**ROW_ID_DIGITS - 1, "examples": [1]}
    else:
        schema = {"type": "string", "pattern": f"^{found.regex}$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_schema(field: dict[str, Any]) -> dict[str, Any]:
    """A field's schema as a query parameter: a query string holds no null, so an optional field's
    `anyOf [..., null]` and its `default: null` say nothing more than "not required"."""
    schema = {key: value for key, value in field.items() if key != "title"}
    if "anyOf" in schema:
        kept = [option for option in schema.pop("anyOf") if option != {"type": "null"}]
        if len(kept) == 1:
            schema = {**kept[0], **schema}
        else:
            schema["anyOf"] = kept
    if schema.get("default", "") is None:
        del schema["default"]
    return schema


def _query_parameters(model: type[BaseModel], components: dict[str, object]) -> list[dict[str, object]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _query_schema(field)}
        for name, field in schema.get("properties", {}).items()
    ]


def _walk(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, Route]]:
    """Every route of the table with its full raw path (convertors kept), documented or not."""
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            found.append((prefix + route.path, route))
    return found


def api_routes(routes: list[BaseRoute]) -> list[tuple[str, Route]]:
    """The routes under /api/v1, for the document and for the test that each is documented."""
    return [(path, route) for path, route in _walk(routes) if path.startswith("/api/v1/")]


def _ref(model: type[BaseModel], components: dict[str, object], mode: JsonSchemaMode) -> dict[str, str]:
    """A component for the model; two models of one name (each area has its `StatsOut`) get their area's
    name in front, so neither overwrites the other."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    components.update(schema.pop("$defs", {}))
    name = model.__name__
    if name in components and components[name] != schema:
        name = model.__module__.split(".")[1].title() + name
    components[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, object]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _success_schema(doc: dict[str, Any], components: dict[str, object]) -> dict[str, Any]:
    if doc["media"] != "application/json":
        return {"type": "string", "contentMediaType": doc["media"]}
    if doc["response"] is None:
        return {"type": "object"}
    schema: dict[str, Any] = _ref(doc["response"], components, "serialization")
    if doc["many"] is not None:
        schema = {
            "type": "object",
            "properties": {doc["many"]: {"type": "array", "items": schema}},
            "required": [doc["many"]],
        }
    return schema


def _operation(raw_path: str, route: Route, method: str, components: dict[str, object]) -> dict[str, object]:
    doc = route.endpoint.__openapi__  # type: ignore[attr-defined]
    success: dict[str, object] = {"description": "OK"}
    if doc["status"] != 204:
        success["content"] = {doc["media"]: {"schema": _success_schema(doc, components)}}
    parameters = [_path_parameter(name, convertor) for name, convertor in _CONVERTOR.findall(raw_path)]
    if doc["query"] is not None:
        parameters += _query_parameters(doc["query"], components)
    wanted = {"404", "409", "422", "429", "503"}
    if doc["auth"] != "none":
        wanted |= {"401", "403"}
    responses: dict[str, object] = {str(doc["status"]): success}
    responses.update({code: _error(text) for code, text in _ERRORS.items() if code in wanted})
    responses["default"] = _error("Any other error, in the same shape")
    operation: dict[str, object] = {
        "summary": doc["summary"],
        "operationId": f"{route.name}_{method}",
        "responses": responses,
    }
    if parameters:
        operation["parameters"] = parameters
    if doc["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc["body"], components, "validation")}},
        }
    operation["security"] = _SECURITY[doc["auth"]]
    return operation


SECURITY_SCHEMES: dict[str, object] = {
    "organiser": {
        "type": "http",
        "scheme": "bearer",
        "description": "An organiser's API token (POST /auth/token)",
    },
    "door": {
        "type": "http",
        "scheme": "bearer",
        "description": "A door token: opens only one event's scanner",
    },
    "participant": {
        "type": "http",
        "scheme": "bearer",
        "description": "A participant's partnering space token",
    },
}


LANG_PARAMETER: dict[str, object] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The language of the answer's texts, before Accept-Language (read for every call)",
    "schema": {"type": "string", "enum": list(LOCALES)},
}
"""Read by the locale middleware for every request, so declared once per path rather than per model."""

SHARED_QUERY = frozenset({"lang"})
"""The query parameters no endpoint reads itself: the middleware does, for every path."""


def openapi_document(routes: list[BaseRoute], server: str) -> dict[str, object]:
    components: dict[str, object] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, object]] = {}
    for raw_path, route in api_routes(routes):
        if not hasattr(route.endpoint, "__openapi__"):
            continue
        path = _CONVERTOR.sub(r"{\1}", raw_path)
        item = paths.setdefault(path, {"parameters": [{"$ref": "#/components/parameters/lang"}]})
        for method in sorted(route.methods or {"GET"}):
            if method == "HEAD":
                continue
            item[method.lower()] = _operation(raw_path, route, method.lower(), components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Colloque API", "version": "1"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": components,
            "parameters": {"lang": LANG_PARAMETER},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }

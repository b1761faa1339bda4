"""JSON plumbing shared by the API routes: reading bodies, answering, and describing endpoints.

Each API endpoint carries its OpenAPI description through `@documented`, so the schema served at
`/api/v1/openapi.json` is built from the routes that really exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from events.errors import N_, Invalid
from events.i18n import gettext

F = TypeVar("F", bound=Callable[..., Any])
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


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


def answer(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code)


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: bool = True,
) -> Callable[[F], F]:
    def mark(endpoint: F) -> F:
        endpoint.__openapi__ = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "response": response,
            "status": status,
            "auth": auth,
        }
        return endpoint

    return mark


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
            "required": ["code", "message", "details"],
        }
    },
}


def _walk(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, Route]]:
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and hasattr(route.endpoint, "__openapi__"):
            found.append((_CONVERTOR.sub(r"{\1}", prefix + route.path), route))
    return found


def _ref(model: type[BaseModel], components: dict[str, object]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(route: Route, method: str, components: dict[str, object]) -> dict[str, object]:
    doc = route.endpoint.__openapi__  # type: ignore[attr-defined]
    responses: dict[str, object] = {
        str(doc["status"]): {
            "description": "OK",
            "content": {
                "application/json": {"schema": _ref(doc["response"], components)}
                if doc["response"]
                else {"schema": {"type": "object"}}
            },
        },
        "default": {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    operation: dict[str, object] = {
        "summary": doc["summary"],
        "operationId": f"{route.name}_{method}",
        "responses": responses,
    }
    if doc["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc["body"], components)}},
        }
    if doc["auth"]:
        operation["security"] = [{"bearer": []}]
    return operation


def openapi_document(routes: list[BaseRoute], server: str) -> dict[str, object]:
    components: dict[str, object] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, object]] = {}
    for path, route in _walk(routes):
        for method in sorted(route.methods or {"GET"}):
            if method == "HEAD":
                continue
            paths.setdefault(path, {})[method.lower()] = _operation(route, method.lower(), components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Colloque API", "version": "1"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }

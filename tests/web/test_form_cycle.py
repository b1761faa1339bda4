"""The one form cycle: read, validate, save, redirect; or the same page again with what was posted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from events.accounts.auth import csrf_token
from events.errors import DomainError, Invalid, SoldOut
from events.web import forms
from events.web.forms import FormState


class Seats(BaseModel):
    name: str = Field(min_length=1)
    seats: int = Field(ge=1)


_saved: list[Seats] = []


async def _page(state: FormState) -> Response:
    body = {"values": dict(state.values), "errors": dict(state.errors), "problem": state.problem}
    return JSONResponse(body, status_code=state.status)


async def _save(values: Seats) -> Seats:
    if values.name == "taken":
        raise Invalid({"name": "taken"})
    if values.name == "full":
        raise SoldOut(name=values.name)
    _saved.append(values)
    return values


def _cycle(problems: tuple[type[DomainError], ...]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await forms.form_cycle(
            request,
            schema=Seats,
            read=lambda form: forms.fields(form, ("name", "seats")),
            save=_save,
            page=_page,
            done=lambda saved: f"/done/{saved.name}",
            notice="saved",
            problems=problems,
        )

    return endpoint


async def _token(request: Request) -> Response:
    return JSONResponse({"token": csrf_token(request)})


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return JSONResponse({"code": exc.code}, status_code=exc.status)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    from starlette.routing import Route

    app = Starlette(
        routes=[
            Route("/token", _token),
            forms.form_route("/seats", _cycle(()), name="seats"),
            forms.form_route("/public-seats", _cycle((SoldOut,)), name="public_seats"),
        ],
        middleware=[Middleware(SessionMiddleware, secret_key="test")],
        exception_handlers={DomainError: _error},
    )
    _saved.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        client.headers["x-token"] = (await client.get("/token")).json()["token"]
        yield client


async def _post(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    return await client.post(path, data={"csrf_token": client.headers["x-token"], **fields})


async def test_valid_form_is_saved_then_redirected_with_its_notice(client: httpx.AsyncClient) -> None:
    answer = await _post(client, "/seats", name="Atelier", seats="3")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/done/Atelier?notice=saved"
    assert _saved == [Seats(name="Atelier", seats=3)]


async def test_invalid_field_redisplays_the_posted_values_with_422(client: httpx.AsyncClient) -> None:
    answer = await _post(client, "/seats", name="Atelier", seats="zero")
    assert answer.status_code == 422
    assert answer.json()["values"] == {"name": "Atelier", "seats": "zero"}
    assert set(answer.json()["errors"]) == {"seats"}
    assert _saved == []


async def test_invalid_raised_by_the_service_redisplays_the_form(client: httpx.AsyncClient) -> None:
    answer = await _post(client, "/seats", name="taken", seats="2")
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"name": "taken"}


async def test_other_domain_errors_go_to_the_error_handler(client: httpx.AsyncClient) -> None:
    answer = await _post(client, "/seats", name="full", seats="2")
    assert (answer.status_code, answer.json()) == (409, {"code": "sold_out"})


async def test_named_problem_is_shown_above_the_form_with_its_status(client: httpx.AsyncClient) -> None:
    answer = await _post(client, "/public-seats", name="full", seats="2")
    assert answer.status_code == 409
    assert answer.json()["problem"] and answer.json()["values"]["name"] == "full"


async def test_form_without_the_session_token_is_refused_before_anything_is_read(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/seats", data={"name": "Atelier", "seats": "3", "csrf_token": "forged"})
    assert (answer.status_code, answer.json()) == (403, {"code": "csrf_failed"})
    assert _saved == []


def test_form_route_is_a_post_route_marked_as_going_through_the_cycle() -> None:
    route = forms.form_route("/x", _cycle(()), name="x")
    assert isinstance(route, forms.FormRoute) and route.methods == {"POST"}

"""Every path parameter of the route table refuses a NUL byte and an over-long value, never with a 5xx."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _templates(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, set[str]]]:
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            found += _templates(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            found.append((prefix + route.path, set(route.methods or {"GET"}) - {"HEAD"}))
    return found


def _fill(template: str, target: str, bad: str, good: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: bad if m.group(1) == target else good.get(m.group(1), "1"), template)


@pytest.mark.parametrize("bad", ["%00", "A" * 300, "x%00y", "%C0%AF"])
async def test_every_path_parameter_refuses_nul_and_over_long_values(
    app: Starlette, client: httpx.AsyncClient, bad: str
) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    order = await make_order(event, (await make_ticket_type(event)).id)
    await login(client, user.email)
    auth = bearer(await api_token(client, user.email))
    good = {"slug": event.slug, "code": order.code, "secret": order.secret}
    tried = 0
    for template, methods in _templates(list(app.routes)):
        for name in _PARAM.findall(template):
            for method in sorted(methods):
                path = _fill(template, name, bad, good)
                answer = await client.request(method, path, headers=auth)
                assert answer.status_code < 500, (method, template, name, answer.status_code)
                assert answer.status_code in (400, 404, 405), (method, template, name, answer.status_code)
                tried += 1
    assert tried > 50


async def test_every_path_parameter_is_bounded_by_its_convertor(app: Starlette) -> None:
    """A new route with a plain `{name}` would reach the database with whatever it is given."""
    plain = [t for t, _ in _templates(list(app.routes)) for m in re.finditer(r"\{\w+\}", t) if m]
    assert plain == []

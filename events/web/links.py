"""Absolute links to the app's pages, built from the route table by route name (never by hand).

E-mails, the API and calendar feeds need links where there is no request (a worker, a service), so
`main.create_app` hands the route table over once with `use_routes`; every link then comes from
`url_path_for`, and a renamed path changes every link with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from starlette.routing import BaseRoute, Router

from settings import settings

_router = Router()


_templates: dict[tuple[str, tuple[tuple[str, type], ...]], str | None] = {}
"""Per route name and parameters (names and types), the path with a marker in each parameter's place,
or None when markers cannot stand in for them: finding a route walks the whole table, and one order's
answer makes a dozen links."""

_INT_MARKER = 7_340_000_000_000_000_000


def use_routes(routes: Sequence[BaseRoute]) -> None:
    """The app's route table (called by `main.create_app`)."""
    _router.routes = list(routes)
    _templates.clear()


def _marker(index: int, kind: type) -> str | int:
    return _INT_MARKER + index if kind is int else f"\x00{index}\x00"


def _template(name: str, kinds: tuple[tuple[str, type], ...]) -> str | None:
    if (name, kinds) not in _templates:
        markers = {key: _marker(index, kind) for index, (key, kind) in enumerate(kinds)}
        try:
            _templates[(name, kinds)] = _router.url_path_for(name, **markers)
        except (AssertionError, TypeError, ValueError):  # a convertor that refuses a marker
            _templates[(name, kinds)] = None
    return _templates[(name, kinds)]


def _plain(value: str | int) -> bool:
    """A value that every convertor takes as is (so a marker may stand in for it)."""
    if type(value) is int:
        return value >= 0
    return type(value) is str and bool(value) and "/" not in value and "\x00" not in value


def _path(name: str, params: dict[str, str | int]) -> str:
    """`url_path_for`, from the route's template when every value is one its convertor takes as is."""
    kinds = tuple(sorted((key, type(value)) for key, value in params.items()))
    plain = all(_plain(params[key]) for key, _ in kinds)
    template = _template(name, kinds) if plain else None
    if template is None:
        return _router.url_path_for(name, **params)
    for index, (key, kind) in enumerate(kinds):
        template = template.replace(str(_marker(index, kind)), str(params[key]))
    return template


def absolute(name: str, *, query: Mapping[str, object] | None = None, **params: str | int) -> str:
    """The page named `name` at this site's public address, with its query string if any."""
    link = f"{settings.base_url.rstrip('/')}{_path(name, params)}"
    return f"{link}?{urlencode(query)}" if query else link

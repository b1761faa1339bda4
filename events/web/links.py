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


def use_routes(routes: Sequence[BaseRoute]) -> None:
    """The app's route table (called by `main.create_app`)."""
    _router.routes = list(routes)


def absolute(name: str, *, query: Mapping[str, object] | None = None, **params: str | int) -> str:
    """The page named `name` at this site's public address, with its query string if any."""
    path = _router.url_path_for(name, **params)
    link = f"{settings.base_url.rstrip('/')}{path}"
    return f"{link}?{urlencode(query)}" if query else link

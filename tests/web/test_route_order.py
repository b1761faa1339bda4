"""No API route hides another: each is the first route of the table to answer its own path and method
(so the door's routes may come first, where a scan finds its route soonest)."""

from __future__ import annotations

import re

from starlette.routing import Match, Route

import main


def test_every_api_route_is_the_first_match_of_its_own_path_and_method() -> None:
    hidden = []
    for route in main.API_ROUTES:
        if not isinstance(route, Route):
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods or {"GET"}):
            scope = {"type": "http", "path": path, "method": method, "root_path": "", "path_params": {}}
            first = next(r for r in main.API_ROUTES if r.matches(scope)[0] == Match.FULL)
            if first is not route:
                hidden.append((method, route.path, first.name))
    assert hidden == []

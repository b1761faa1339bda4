"""Where things live: organiser pages in the dashboard, every form through the one form cycle, no
route catching domain errors, no area importing the dashboard. Read from the route table and the code.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route

from events import errors
from events.web.forms import FormRoute
from main import create_app

EVENTS = Path(__file__).resolve().parent.parent / "events"
DASHBOARD = EVENTS / "dashboard"
# Signed by Stripe; a mailing's one-click List-Unsubscribe (RFC 8058), posted by mail clients.
NOT_FORMS = {"stripe_webhook", "own_ticket_unsubscribe"}
DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if inspect.isclass(value) and issubclass(value, errors.DomainError)
}


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def _table() -> list[tuple[str, Route]]:
    return list(_routes(create_app().routes))


def _modules(under: Path = EVENTS) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(under.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_http_module(path: Path) -> bool:
    name = path.stem
    return path.is_relative_to(DASHBOARD) or name in {"routes", "api"} or name.endswith(("_routes", "_api"))


def test_every_organiser_page_is_served_from_the_dashboard() -> None:
    outside = [
        route.name
        for path, route in _table()
        if path.startswith("/dashboard") != route.endpoint.__module__.startswith("events.dashboard.")
    ]
    assert outside == []


def test_no_area_imports_the_dashboard() -> None:
    importing = []
    for path, tree in _modules():
        if path.is_relative_to(DASHBOARD):
            continue
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            if any(name == "events.dashboard" or name.startswith("events.dashboard.") for name in names):
                importing.append(str(path.relative_to(EVENTS)))
    assert importing == []


def test_every_browser_post_route_is_built_with_the_form_cycle() -> None:
    by_hand = [
        route.name
        for path, route in _table()
        if "POST" in (route.methods or set())
        and not path.startswith("/api/")
        and route.name not in NOT_FORMS
        and not isinstance(route, FormRoute)
    ]
    assert by_hand == []


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {kind.id if isinstance(kind, ast.Name) else getattr(kind, "attr", "") for kind in kinds if kind}


def test_no_route_or_api_module_catches_a_domain_error() -> None:
    catching = [
        f"{path.relative_to(EVENTS)}:{node.lineno}"
        for path, tree in _modules()
        if _is_http_module(path)
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _caught(node) & DOMAIN_ERRORS
    ]
    assert catching == []


def test_only_the_form_cycle_reads_a_posted_form() -> None:
    """Reading the form is what the cycle does first (with its CSRF check): a page doing it by hand
    would be a form cycle written out again."""
    readers = [
        str(path.relative_to(EVENTS))
        for path, tree in _modules()
        if path not in {EVENTS / "web" / "forms.py", EVENTS / "accounts" / "auth.py"}
        for node in ast.walk(tree)
        if isinstance(node, ast.Name | ast.Attribute)
        and (node.id if isinstance(node, ast.Name) else node.attr) == "checked_form"
    ]
    assert readers == []


def _subclasses(kind: type[errors.DomainError]) -> Iterator[type[errors.DomainError]]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_the_error_tree_names_every_domain_error() -> None:
    tree = errors.__doc__ or ""
    missing = [kind.__name__ for kind in _subclasses(errors.DomainError) if f" {kind.__name__}" not in tree]
    assert missing == []

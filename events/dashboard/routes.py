"""The organiser's pages: their events, creating and editing one, publishing and cancelling.

An event's overview (figures, charts, details, registration rules) is here; its other sections live
beside this module by noun (`tickets.py`, `questions.py`, `orders.py`) and are gathered into `routes`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.catalogue import services
from events.catalogue.models import Event
from events.catalogue.schemas import event_values
from events.dashboard import (
    attendees,
    audit,
    charts,
    forms,
    mailings,
    orders,
    questions,
    registration,
    stats,
    team,
    tickets,
)
from events.dashboard.context import organiser_event
from events.errors import Invalid
from events.validation import blank_to_none
from events.web.templating import render

_FORM_FIELDS = (
    "title", "slug", "description", "venue", "address", "city", "country",
    "timezone", "starts_at", "ends_at", "capacity", "currency",
)  # fmt: skip


def _event_form(form: Any) -> dict[str, Any]:
    return blank_to_none({name: form.get(name, "") for name in _FORM_FIELDS})


async def index(request: Request) -> Response:
    user = await organiser(request)
    events = await services.organiser_events(user)
    return render(request, "dashboard/index.html", {"user": user, "events": events})


async def new_event(request: Request) -> Response:
    user = await organiser(request)
    values = {"timezone": "Europe/Paris", "currency": "EUR", "country": "FR"}
    return render(request, "dashboard/event_form.html", {"user": user, "values": values})


async def create_event(request: Request) -> Response:
    user = await organiser(request)
    data = _event_form(await checked_form(request))
    try:
        event = await services.create_event(user, data)
    except Invalid as error:
        context = {"user": user, "values": data, "errors": error.details}
        return render(request, "dashboard/event_form.html", context, status_code=422)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


async def _event_page(
    request: Request,
    user: Any,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str],
    rules: dict[str, Any] | None = None,
    rule_errors: dict[str, str] | None = None,
) -> Response:
    types = await stats.type_figures(event)
    context = {
        "user": user,
        "event": event,
        "current": "overview",
        "values": values,
        "errors": errors,
        "rules": rules if rules is not None else registration.rule_values(event),
        "rule_errors": rule_errors or {},
        "figures": await stats.overview(event, types),
        "sales_chart": charts.cumulative(await stats.sales_by_day(event)),
        "types_chart": charts.type_bars(types),
        "notice": request.query_params.get("notice"),
    }
    failed = bool(errors or rule_errors)
    return render(request, "dashboard/event.html", context, status_code=422 if failed else 200)


async def event_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _event_page(request, user, event, event_values(event), {})


async def update_event(request: Request) -> Response:
    user, event = await organiser_event(request)
    data = _event_form(await checked_form(request))
    try:
        event = await services.update_event(user, event, data)
    except Invalid as error:
        return await _event_page(request, user, event, data, error.details)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


async def update_rules(request: Request) -> Response:
    user, event = await organiser_event(request)
    form = await checked_form(request)
    data = {
        "hold_minutes": forms.optional(form, "hold_minutes"),
        "allow_self_cancel": forms.checked(form, "allow_self_cancel"),
        "attendee_edit_until": forms.local_time(forms.optional(form, "attendee_edit_until"), event.timezone),
        "waiting_list_offer_hours": forms.optional(form, "waiting_list_offer_hours"),
        "privacy_notice": forms.text(form, "privacy_notice"),
    }
    try:
        await registration.update_rules(user, event, data)
    except Invalid as error:
        rules = {**{key: form.get(key) for key in form}, "allow_self_cancel": data["allow_self_cancel"]}
        return await _event_page(request, user, event, event_values(event), {}, rules, error.details)
    target = request.url_for("dashboard_event", slug=event.slug)
    return RedirectResponse(str(target.include_query_params(notice="rules_saved")), status_code=303)


async def publish_event(request: Request) -> Response:
    user, event = await organiser_event(request)
    await checked_form(request)
    await services.publish_event(user, event)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


async def cancel_event(request: Request) -> Response:
    user, event = await organiser_event(request)
    await checked_form(request)
    await services.cancel_event(user, event)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


routes = [
    Route("/dashboard", index, name="dashboard"),
    Route("/dashboard/events/new", new_event, methods=["GET"], name="dashboard_event_new"),
    Route("/dashboard/events", create_event, methods=["POST"], name="dashboard_event_create"),
    Route("/dashboard/events/{slug}", event_page, methods=["GET"], name="dashboard_event"),
    Route("/dashboard/events/{slug}", update_event, methods=["POST"], name="dashboard_event_update"),
    Route(
        "/dashboard/events/{slug}/publish",
        publish_event,
        methods=["POST"],
        name="dashboard_event_publish",
    ),
    Route(
        "/dashboard/events/{slug}/cancel",
        cancel_event,
        methods=["POST"],
        name="dashboard_event_cancel",
    ),
    Route(
        "/dashboard/events/{slug}/registration",
        update_rules,
        methods=["POST"],
        name="dashboard_event_rules",
    ),
    *tickets.routes,
    *questions.routes,
    *orders.routes,
    *attendees.routes,
    *mailings.routes,
    *team.routes,
    *audit.routes,
]

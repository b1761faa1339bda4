"""The organiser's ticket pages: ticket types (sold, held, available) and promo codes (with their uses)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event, TicketType
from events.catalogue.offer_schemas import money, ticket_type_values
from events.dashboard import forms, stats
from events.dashboard.context import organiser_event
from events.errors import Invalid
from events.web.templating import render


def _amount(form: FormData, name: str) -> str | None:
    """A decimal amount as typed; a French decimal comma is read as a point."""
    value = forms.optional(form, name)
    return value.replace(",", ".") if value else None


def _type_data(form: FormData, event: Event) -> dict[str, Any]:
    return {
        "name": forms.text(form, "name"),
        "description": forms.text(form, "description"),
        "price": _amount(form, "price") or "0",
        "vat_rate": _amount(form, "vat_rate") or "0",
        "capacity": forms.optional(form, "capacity"),
        "sales_start": forms.local_time(forms.optional(form, "sales_start"), event.timezone),
        "sales_end": forms.local_time(forms.optional(form, "sales_end"), event.timezone),
        "hidden": forms.checked(form, "hidden"),
        "max_per_order": forms.optional(form, "max_per_order"),
        "badge_colour": forms.text(form, "badge_colour"),
    }


def _type_values(ticket_type: TicketType) -> dict[str, Any]:
    """The stored values, amounts written as the form shows them (two decimals)."""
    return {
        **ticket_type_values(ticket_type),
        "price": money(ticket_type.price_cents),
        "vat_rate": money(ticket_type.vat_rate_bp),
    }


def _posted_values(form: FormData) -> dict[str, Any]:
    return {**{key: form.get(key) for key in form}, "hidden": forms.checked(form, "hidden")}


async def tickets_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    context = {
        "user": user,
        "event": event,
        "current": "tickets",
        "types": await stats.type_figures(event),
        "promos": await stats.promo_figures(event),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/tickets.html", context)


def _type_form(
    request: Request,
    user: User,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    ticket_type: TicketType | None = None,
) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "tickets",
        "values": values,
        "errors": errors or {},
        "ticket_type": ticket_type,
    }
    return render(request, "dashboard/ticket_type.html", context, status_code=422 if errors else 200)


async def ticket_type_new(request: Request) -> Response:
    user, event = await organiser_event(request)
    values = {"price": "0.00", "vat_rate": "0.00", "max_per_order": 10, "badge_colour": "#0b5c8e"}
    return _type_form(request, user, event, values)


async def ticket_type_create(request: Request) -> Response:
    user, event = await organiser_event(request)
    form = await checked_form(request)
    try:
        await offers.create_ticket_type(user, event, _type_data(form, event))
    except Invalid as error:
        return _type_form(request, user, event, _posted_values(form), error.details)
    target = request.url_for("dashboard_tickets", slug=event.slug)
    return RedirectResponse(str(target.include_query_params(notice="type_saved")), status_code=303)


async def ticket_type_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    return _type_form(request, user, event, _type_values(found), ticket_type=found)


async def ticket_type_update(request: Request) -> Response:
    user, event = await organiser_event(request)
    form = await checked_form(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    try:
        await offers.update_ticket_type(user, found, _type_data(form, event))
    except Invalid as error:
        return _type_form(request, user, event, _posted_values(form), error.details, found)
    target = request.url_for("dashboard_tickets", slug=event.slug)
    return RedirectResponse(str(target.include_query_params(notice="type_saved")), status_code=303)


def _promo_data(form: FormData, event: Event) -> dict[str, Any]:
    return {
        "code": forms.text(form, "code"),
        "percent_off": forms.optional(form, "percent_off"),
        "amount_off": _amount(form, "amount_off"),
        "max_uses": forms.optional(form, "max_uses"),
        "valid_until": forms.local_time(forms.optional(form, "valid_until"), event.timezone),
        "ticket_types": forms.ids(form, "ticket_types"),
    }


async def _promo_form(
    request: Request,
    user: User,
    event: Event,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "tickets",
        "values": values,
        "errors": errors or {},
        "types": await offers.ticket_types(event),
    }
    return render(request, "dashboard/promo_code.html", context, status_code=422 if errors else 200)


async def promo_new(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _promo_form(request, user, event, {"ticket_types": []})


async def promo_create(request: Request) -> Response:
    user, event = await organiser_event(request)
    form = await checked_form(request)
    data = _promo_data(form, event)
    try:
        await offers.create_promo_code(user, event, data)
    except Invalid as error:
        values = {**{key: form.get(key) for key in form}, "ticket_types": form.getlist("ticket_types")}
        return await _promo_form(request, user, event, values, error.details)
    target = request.url_for("dashboard_tickets", slug=event.slug)
    return RedirectResponse(str(target.include_query_params(notice="promo_saved")), status_code=303)


routes = [
    Route("/dashboard/events/{slug:slug}/tickets", tickets_page, methods=["GET"], name="dashboard_tickets"),
    Route(
        "/dashboard/events/{slug:slug}/tickets",
        ticket_type_create,
        methods=["POST"],
        name="dashboard_ticket_type_create",
    ),
    Route(
        "/dashboard/events/{slug:slug}/tickets/new",
        ticket_type_new,
        methods=["GET"],
        name="dashboard_ticket_type_new",
    ),
    Route(
        "/dashboard/events/{slug:slug}/tickets/{id:id}",
        ticket_type_page,
        methods=["GET"],
        name="dashboard_ticket_type",
    ),
    Route(
        "/dashboard/events/{slug:slug}/tickets/{id:id}",
        ticket_type_update,
        methods=["POST"],
        name="dashboard_ticket_type_update",
    ),
    Route(
        "/dashboard/events/{slug:slug}/promo-codes/new",
        promo_new,
        methods=["GET"],
        name="dashboard_promo_new",
    ),
    Route(
        "/dashboard/events/{slug:slug}/promo-codes",
        promo_create,
        methods=["POST"],
        name="dashboard_promo_create",
    ),
]

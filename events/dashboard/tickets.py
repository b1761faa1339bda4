"""The organiser's ticket pages: ticket types (sold, held, available) and promo codes (with their uses).

A ticket type or promo code that no order has used can be deleted; once used, it stays (hide the type or
end the code's validity instead), so that every order keeps what it was sold.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event, PromoCode, TicketType
from events.catalogue.offer_schemas import (
    PromoCodeInput,
    TicketTypeInput,
    TicketTypePatch,
    money,
    ticket_type_values,
)
from events.dashboard.context import organiser_and_event
from events.ticketing import figures
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render


def _type_data(form: FormData, event: Event) -> dict[str, object]:
    return {
        "name": forms.text(form, "name"),
        "name_en": forms.text(form, "name_en"),
        "description": forms.text(form, "description"),
        "description_en": forms.text(form, "description_en"),
        "price": forms.amount(form, "price") or "0",
        "vat_rate": forms.amount(form, "vat_rate") or "0",
        "capacity": forms.optional(form, "capacity"),
        "sales_start": forms.local_time(forms.optional(form, "sales_start"), event.timezone),
        "sales_end": forms.local_time(forms.optional(form, "sales_end"), event.timezone),
        "hidden": forms.checked(form, "hidden"),
        "max_per_order": forms.optional(form, "max_per_order"),
        "badge_colour": forms.text(form, "badge_colour"),
    }


def _type_values(ticket_type: TicketType) -> dict[str, object]:
    """The stored values, amounts written as the form shows them (two decimals)."""
    return {
        **ticket_type_values(ticket_type),
        "price": money(ticket_type.price_cents),
        "vat_rate": money(ticket_type.vat_rate_bp),
    }


def _posted_type(form: FormData) -> dict[str, object]:
    return forms.posted(form, checkboxes=["hidden"])


async def tickets_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    context = {
        "user": user,
        "event": event,
        "current": "tickets",
        "types": await figures.type_figures(event),
        "promos": await figures.promo_figures(event),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/tickets.html", context)


async def _type_form(
    request: Request, user: User, event: Event, state: FormState, ticket_type: TicketType | None = None
) -> Response:
    context = {"user": user, "event": event, "current": "tickets", "ticket_type": ticket_type}
    return forms.show(request, "dashboard/ticket_type.html", context, state)


async def ticket_type_new(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    values = {"price": "0.00", "vat_rate": "0.00", "max_per_order": 10, "badge_colour": "#0b5c8e"}
    return await _type_form(request, user, event, FormState(values))


async def ticket_type_create(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=TicketTypeInput,
        read=lambda form: _type_data(form, event),
        save=lambda values: offers.create_ticket_type(user, event, values),
        page=lambda state: _type_form(request, user, event, state),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="type_saved",
        shown=_posted_type,
    )


async def ticket_type_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    return await _type_form(request, user, event, FormState(_type_values(found)), found)


async def ticket_type_update(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    return await forms.form_cycle(
        request,
        schema=TicketTypePatch,
        read=lambda form: _type_data(form, event),
        save=lambda changes: offers.update_ticket_type(user, found, changes),
        page=lambda state: _type_form(request, user, event, state, found),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="type_saved",
        shown=_posted_type,
    )


async def ticket_type_delete(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    found = await offers.ticket_type(event, request.path_params["id"])
    return await forms.button_cycle(
        request,
        save=lambda: offers.delete_ticket_type(user, found),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="type_deleted",
    )


def _promo_data(form: FormData, event: Event) -> dict[str, object]:
    return {
        "code": forms.text(form, "code"),
        "percent_off": forms.optional(form, "percent_off"),
        "amount_off": forms.amount(form, "amount_off"),
        "max_uses": forms.optional(form, "max_uses"),
        "valid_until": forms.local_time(forms.optional(form, "valid_until"), event.timezone),
        "ticket_types": forms.ids(form, "ticket_types"),
    }


async def _promo_form(
    request: Request, user: User, event: Event, state: FormState, promo: PromoCode | None = None
) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "tickets",
        "types": await offers.ticket_types(event),
        "promo": promo,
    }
    return forms.show(request, "dashboard/promo_code.html", context, state)


async def promo_new(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _promo_form(request, user, event, FormState({"ticket_types": []}))


async def promo_create(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=PromoCodeInput,
        read=lambda form: _promo_data(form, event),
        save=lambda values: offers.create_promo_code(user, event, values),
        page=lambda state: _promo_form(request, user, event, state),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="promo_saved",
        shown=lambda form: forms.posted(form, groups=["ticket_types"]),
    )


async def _event_promo(request: Request) -> tuple[User, Event, PromoCode]:
    user, event = await organiser_and_event(request)
    return user, event, await offers.promo_code(event, request.path_params["id"])


async def promo_page(request: Request) -> Response:
    user, event, promo = await _event_promo(request)
    return await _promo_form(request, user, event, FormState(await offers.promo_values(promo)), promo)


async def promo_update(request: Request) -> Response:
    user, event, promo = await _event_promo(request)
    return await forms.form_cycle(
        request,
        schema=PromoCodeInput,
        read=lambda form: _promo_data(form, event),
        save=lambda values: offers.update_promo_code(user, promo, values),
        page=lambda state: _promo_form(request, user, event, state, promo),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="promo_updated",
        shown=lambda form: forms.posted(form, groups=["ticket_types"]),
    )


async def promo_delete(request: Request) -> Response:
    user, event, promo = await _event_promo(request)
    return await forms.button_cycle(
        request,
        save=lambda: offers.delete_promo_code(user, promo),
        done=lambda _: request.url_for("dashboard_tickets", slug=event.slug),
        notice="promo_deleted",
    )


_PROMO = "/dashboard/events/{slug:slug}/promo-codes/{id:id}"

routes = [
    Route("/dashboard/events/{slug:slug}/tickets", tickets_page, methods=["GET"], name="dashboard_tickets"),
    forms.form_route(
        "/dashboard/events/{slug:slug}/tickets", ticket_type_create, name="dashboard_ticket_type_create"
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
    forms.form_route(
        "/dashboard/events/{slug:slug}/tickets/{id:id}",
        ticket_type_update,
        name="dashboard_ticket_type_update",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/tickets/{id:id}/delete",
        ticket_type_delete,
        name="dashboard_ticket_type_delete",
    ),
    Route(
        "/dashboard/events/{slug:slug}/promo-codes/new",
        promo_new,
        methods=["GET"],
        name="dashboard_promo_new",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/promo-codes", promo_create, name="dashboard_promo_create"
    ),
    Route(_PROMO, promo_page, methods=["GET"], name="dashboard_promo"),
    forms.form_route(_PROMO, promo_update, name="dashboard_promo_update"),
    forms.form_route(f"{_PROMO}/delete", promo_delete, name="dashboard_promo_delete"),
]

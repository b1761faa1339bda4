"""The organiser's events: the list, creating and editing one, publishing, unpublishing, cancelling it.

An event's overview (figures, charts, details, registration rules) is here; its other sections live
beside this module by area (`tickets.py`, `programme.py`, `orders.py`, …), gathered in `routes.py`.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.abstracts.models import Call
from events.accounts.auth import csrf_token, organiser
from events.accounts.branding import brand
from events.accounts.models import User
from events.catalogue import offers, registration, services
from events.catalogue.models import Event, EventStatus
from events.catalogue.schemas import EventInput, EventPatch, event_values
from events.dashboard import charts
from events.dashboard.context import organiser_and_event
from events.ticketing import figures
from events.ticketing.availability import availability, on_sale
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render

_FORM_FIELDS = (
    "title", "title_en", "slug", "description", "description_en", "venue", "venue_en",
    "address", "city", "country",
    "timezone", "starts_at", "ends_at", "capacity", "currency",
)  # fmt: skip
_RETENTION_FIELDS = ("retention_months", "sensitive_retention_days")
"""Left empty (or absent from an older form), the event keeps its retention: it has no "none"."""


def _event_form(form: FormData) -> dict[str, object]:
    retention = {k: v for k, v in forms.fields(form, _RETENTION_FIELDS).items() if v is not None}
    return {**forms.fields(form, _FORM_FIELDS), **retention}


async def index(request: Request) -> Response:
    user = await organiser(request)
    events = await services.organiser_events(user)
    return render(request, "dashboard/index.html", {"user": user, "events": events})


async def new_event(request: Request) -> Response:
    user = await organiser(request)
    values = {
        "timezone": "Europe/Paris", "currency": "EUR", "country": "FR",
        "retention_months": 36, "sensitive_retention_days": 30,
    }  # fmt: skip
    return render(request, "dashboard/event_form.html", {"user": user, "values": values})


async def create_event(request: Request) -> Response:
    user = await organiser(request)

    async def page(state: FormState) -> Response:
        return forms.show(request, "dashboard/event_form.html", {"user": user}, state)

    return await forms.form_cycle(
        request,
        schema=EventInput,
        read=_event_form,
        save=lambda values: services.create_event(user, values),
        page=page,
        done=lambda event: request.url_for("dashboard_event", slug=event.slug),
    )


async def _event_page(
    request: Request, user: User, event: Event, details: FormState, rules: FormState | None = None
) -> Response:
    types = await figures.type_figures(event)
    rules = rules or FormState(registration.rule_values(event))
    context = {
        "user": user,
        "event": event,
        "current": "overview",
        "values": details.values,
        "errors": details.errors,
        "rules": rules.values,
        "rule_errors": rules.errors,
        "figures": await figures.overview(event, types),
        "sales_chart": charts.cumulative(await figures.sales_by_day(event)),
        "types_chart": charts.type_bars(types),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/event.html", context, status_code=max(details.status, rules.status))


async def event_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _event_page(request, user, event, FormState(event_values(event)))


async def update_event(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=EventPatch,
        read=_event_form,
        save=lambda patch: services.update_event(user, event, patch),
        page=lambda state: _event_page(request, user, event, state),
        done=lambda changed: request.url_for("dashboard_event", slug=changed.slug),
    )


def _rules_form(form: FormData, event: Event) -> dict[str, object]:
    return {
        "hold_minutes": forms.optional(form, "hold_minutes"),
        "allow_self_cancel": forms.checked(form, "allow_self_cancel"),
        "attendee_edit_until": forms.local_time(forms.optional(form, "attendee_edit_until"), event.timezone),
        "waiting_list_offer_hours": forms.optional(form, "waiting_list_offer_hours"),
        "privacy_notice": forms.text(form, "privacy_notice"),
        "invoice_payment_days": forms.optional(form, "invoice_payment_days"),
    }


async def update_rules(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=registration.RegistrationRules,
        read=lambda form: _rules_form(form, event),
        save=lambda rules: registration.update_rules(user, event, rules),
        page=lambda state: _event_page(request, user, event, FormState(event_values(event)), state),
        done=lambda _: request.url_for("dashboard_event", slug=event.slug),
        notice="rules_saved",
        shown=lambda form: forms.posted(form, checkboxes=["allow_self_cancel"]),
    )


async def publish_event(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: services.publish_event(user, event),
        done=lambda _: request.url_for("dashboard_event", slug=event.slug),
    )


async def unpublish_event(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: services.unpublish_event(user, event),
        done=lambda _: request.url_for("dashboard_event", slug=event.slug),
        notice="unpublished",
    )


async def preview_event(request: Request) -> Response:
    """The public page as visitors will see it, for the organiser alone (a draft is a 404 to the public).

    Behind the organiser's session like every dashboard page, never cached, never indexed.
    """
    _user, event = await organiser_and_event(request)
    types = await offers.ticket_types(event, include_hidden=False)
    context = {
        "event": event,
        "types": types,
        "left": await availability(event, types),
        "on_sale": {t.id: on_sale(t) for t in types},
        "quantities": {},
        "code": "",
        "csrf_placeholder": csrf_token(request),
        "has_call": await Call.exists(event_id=event.id),
        "brand": await brand(event.organisation_id),
        "preview": event.status == EventStatus.DRAFT,
    }
    response = render(request, "catalogue/event.html", context)
    response.headers.update({"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
    return response


async def cancel_event(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: services.cancel_event(user, event),
        done=lambda _: request.url_for("dashboard_event", slug=event.slug),
    )


routes = [
    Route("/dashboard", index, name="dashboard"),
    Route("/dashboard/events/new", new_event, methods=["GET"], name="dashboard_event_new"),
    forms.form_route("/dashboard/events", create_event, name="dashboard_event_create"),
    Route("/dashboard/events/{slug:slug}", event_page, methods=["GET"], name="dashboard_event"),
    forms.form_route("/dashboard/events/{slug:slug}", update_event, name="dashboard_event_update"),
    forms.form_route("/dashboard/events/{slug:slug}/publish", publish_event, name="dashboard_event_publish"),
    forms.form_route("/dashboard/events/{slug:slug}/cancel", cancel_event, name="dashboard_event_cancel"),
    forms.form_route(
        "/dashboard/events/{slug:slug}/unpublish", unpublish_event, name="dashboard_event_unpublish"
    ),
    Route(
        "/dashboard/events/{slug:slug}/preview",
        preview_event,
        methods=["GET"],
        name="dashboard_event_preview",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/registration", update_rules, name="dashboard_event_rules"
    ),
]

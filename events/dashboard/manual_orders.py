"""The organiser's own orders on the dashboard: complimentary places, and groups paid on invoice or
already paid (the rules are `ticketing/manual.py`'s, the same as `POST …/manual-orders`)."""

from __future__ import annotations

import re

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event
from events.errors import N_, InvoicePaymentOff, SalesClosed, SellerIncomplete, SoldOut
from events.i18n import gettext
from events.ticketing import manual
from events.ticketing.manual import KINDS, ManualOrderIn
from events.web import forms
from events.web.forms import FormState

BUYER_FIELDS = ("name", "email", "organisation", "address", "country", "siret", "vat_id")
SEPARATOR = re.compile(r"\s*[;,\t]\s*")


def _attendee(line: str) -> dict[str, str]:
    """One attendee per line: name, then (optionally) e-mail and organisation, after commas or semicolons."""
    name, email, organisation = [*SEPARATOR.split(line, maxsplit=2), "", ""][:3]
    return {"name": name, "email": email, "organisation": organisation}


def _read(form: FormData) -> dict[str, object]:
    buyer = {name: forms.text(form, f"buyer.{name}") for name in BUYER_FIELDS}
    chosen = forms.ids(form, "ticket_type")
    type_ref = chosen[0] if chosen else None
    people = [_attendee(line) for line in forms.lines(form, "attendees")]
    if not people:  # a speaker invited alone: the buyer is the attendee
        people = [{"name": buyer["name"], "email": buyer["email"], "organisation": buyer["organisation"]}]
    return {
        "kind": forms.text(form, "kind"),
        "reason": forms.text(form, "reason"),
        "buyer": buyer,
        "tickets": [{"ticket_type": type_ref, "attendee": person} for person in people],
        "purchase_order": forms.text(form, "purchase_order"),
        "buyer_reference": forms.text(form, "buyer_reference"),
        "payment_days": forms.optional(form, "payment_days"),
        "paid_at": forms.optional(form, "paid_at"),
        "payment_reference": forms.text(form, "payment_reference"),
        "over_capacity": forms.checked(form, "over_capacity"),
        "locale": forms.text(form, "locale") or "fr",
    }


def _field_errors(errors: dict[str, str], listed: bool) -> dict[str, str]:
    """The tickets' errors shown beside the two fields that made them: the type and the attendees' lines
    (when none was `listed`, the buyer attends, and the buyer's own fields already say what is wrong)."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] != "tickets":
            shown[key] = message
        elif not listed and "attendee" in parts:
            continue
        elif len(parts) > 2 and parts[2] == "ticket_type":
            shown.setdefault("ticket_type", message)
        elif len(parts) > 1 and parts[1].isdigit():
            line = int(parts[1]) + 1
            shown.setdefault("attendees", gettext(N_("Line {line}: {error}"), line=line, error=message))
        else:
            shown.setdefault("attendees", message)
    return shown


async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "orders",
        "types": await offers.ticket_types(event),
        "kinds": KINDS,
        "default_days": event.invoice_payment_days or manual.DEFAULT_PAYMENT_DAYS,
    }
    errors = _field_errors(dict(state.errors), listed=bool(state.values.get("attendees")))
    shown = FormState(state.values, errors, state.problem, state.status)
    return forms.show(request, "dashboard/manual_order.html", context, shown)


async def manual_order_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _page(request, user, event, FormState({"kind": "complimentary", "locale": "fr"}))


async def manual_order_create(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=ManualOrderIn,
        read=_read,
        save=lambda values: manual.place_manual_order(user, event, values),
        page=lambda state: _page(request, user, event, state),
        done=lambda order: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="created",
        shown=lambda form: forms.posted(form, checkboxes=["over_capacity"]),
        problems=(SoldOut, SalesClosed, SellerIncomplete, InvoicePaymentOff),
    )


_PATH = "/dashboard/events/{slug:slug}/manual-order"

routes = [
    Route(_PATH, manual_order_page, methods=["GET"], name="dashboard_manual_order"),
    forms.form_route(_PATH, manual_order_create, name="dashboard_manual_order_create"),
]

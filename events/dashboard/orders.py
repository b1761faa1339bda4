"""The organiser's orders: a list to filter and search, each order's detail and story, and cancelling."""

from __future__ import annotations

import re

from babel.numbers import NumberFormatError, parse_decimal
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event
from events.errors import OrderNotChangeable, ReminderAlreadySent
from events.i18n import get_locale
from events.invoicing import transfers
from events.invoicing.models import BankTransfer
from events.invoicing.transfers import TransferIn
from events.payments import refunds
from events.payments import services as payments
from events.payments.models import Refund
from events.payments.refunds import RefundRequest
from events.payments.schemas import CancelRefundForm, RefundForm
from events.ticketing import figures, history, lifecycle
from events.ticketing.models import Order, OrderStatus, Ticket
from events.ticketing.order_schemas import amount_due_cents, amount_paid_cents, order_url
from events.validation import Confirmed
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render

SEARCH_LENGTH = 100


async def orders_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    status = request.query_params.get("status", "")
    status = status if status in {s.value for s in OrderStatus} else ""
    q = request.query_params.get("q", "").strip()[:SEARCH_LENGTH]
    found = await lifecycle.organiser_orders(event, status or None, q or None)
    context = {
        "user": user,
        "event": event,
        "current": "orders",
        "orders": found,
        "counts": await figures.ticket_counts([o.id for o in found]),
        "statuses": list(OrderStatus),
        "status": status,
        "q": q,
    }
    return render(request, "dashboard/orders.html", context)


async def _order_page(
    request: Request, user: User, event: Event, order: Order, state: FormState, posted: str = ""
) -> Response:
    """The order, and its three forms (cancel, refund, cancel and refund): `posted` names the one
    whose errors and values `state` holds, so each confirmation box shows only its own error."""
    context = {
        "posted": posted,
        "user": user,
        "event": event,
        "current": "orders",
        "order": order,
        "tickets": await Ticket.filter(order_id=order.id)
        .order_by("id")
        .prefetch_related("ticket_type", "bookings__session"),
        "questions": {str(q.id): q for q in await offers.questions(event)},
        "history": await history.order_history(order, event.organisation_id),
        "buyer_url": order_url(order),
        "payment": await payments.payment_view(order),
        "transfers": await BankTransfer.filter(order_id=order.id).order_by("paid_on", "id"),
        "amount_paid_cents": amount_paid_cents(order),
        "amount_due_cents": amount_due_cents(order),
        "today": transfers.today(event),
    }
    return forms.show(request, "dashboard/order.html", context, state)


async def _event_order(request: Request) -> tuple[User, Event, Order]:
    user, event = await organiser_and_event(request)
    return user, event, await lifecycle.organiser_order(event, request.path_params["code"])


async def order_page(request: Request) -> Response:
    user, event, order = await _event_order(request)
    return await _order_page(request, user, event, order, FormState())


async def order_cancel(request: Request) -> Response:
    user, event, order = await _event_order(request)

    async def save(_confirmed: Confirmed) -> Order:
        return await lifecycle.cancel_by_organiser(user, order)

    return await forms.form_cycle(
        request,
        schema=Confirmed,
        read=lambda form: {"confirm": forms.checked(form, "confirm")},
        save=save,
        page=lambda state: _order_page(request, user, event, order, state, "cancel"),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="cancelled",
    )


def _refund_form(form: FormData) -> dict[str, object]:
    return {
        "amount": forms.amount(form, "amount"),
        "reason": forms.text(form, "reason"),
        "idempotency_key": forms.text(form, "idempotency_key"),
        "confirm": forms.checked(form, "confirm"),
    }


async def refund(request: Request) -> Response:
    user, event, order = await _event_order(request)

    async def save(wanted: RefundForm) -> Refund:
        key = refunds.organiser_key(user.organisation_id, wanted.idempotency_key)
        return await refunds.refund_order(user, order, RefundRequest(wanted.cents, key, wanted.reason))

    return await forms.form_cycle(
        request,
        schema=RefundForm,
        read=_refund_form,
        save=save,
        page=lambda state: _order_page(request, user, event, order, state, "refund"),
        shown=lambda form: {**form, "confirm": forms.checked(form, "confirm")},
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
    )


async def cancel_and_refund(request: Request) -> Response:
    user, event, order = await _event_order(request)

    async def save(wanted: CancelRefundForm) -> Order:
        key = refunds.organiser_key(user.organisation_id, wanted.idempotency_key)
        return await refunds.cancel_with_refund(user, order, key)

    return await forms.form_cycle(
        request,
        schema=CancelRefundForm,
        read=lambda form: {
            "idempotency_key": forms.text(form, "idempotency_key"),
            "confirm": forms.checked(form, "confirm"),
        },
        save=save,
        page=lambda state: _order_page(request, user, event, order, state, "cancel_refund"),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
    )


def local_amount(value: str | None) -> str | None:
    """An amount typed the way the page's language writes it (1 500,00 in French, 1,500.00 in English);
    anything else is passed on as typed, for the schema to refuse beside the field."""
    if not value:
        return None
    compact = re.sub(r"\s", "", value)
    try:
        return str(parse_decimal(compact, locale=get_locale(), strict=True))
    except NumberFormatError:
        return compact


def _transfer_form(form: FormData) -> dict[str, object]:
    return {
        "amount": local_amount(forms.optional(form, "amount")),
        "paid_at": forms.optional(form, "paid_at"),
        "reference": forms.text(form, "reference"),
    }


async def record_transfer(request: Request) -> Response:
    user, event, order = await _event_order(request)
    return await forms.form_cycle(
        request,
        schema=TransferIn,
        read=_transfer_form,
        save=lambda values: transfers.record_transfer(user, order, values),
        page=lambda state: _order_page(request, user, event, order, state),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="transfer_recorded",
        shown=lambda form: forms.posted(form),
        problems=(OrderNotChangeable,),
    )


class NoFields(BaseModel):
    """A form that is only a button, through the form cycle so that a refusal shows on its page."""

    model_config = ConfigDict(extra="forbid")


async def send_reminder(request: Request) -> Response:
    user, event, order = await _event_order(request)
    return await forms.form_cycle(
        request,
        schema=NoFields,
        read=lambda _form: {},
        save=lambda _values: transfers.remind_now(user, order),
        page=lambda state: _order_page(request, user, event, order, state),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="reminder_sent",
        problems=(ReminderAlreadySent, OrderNotChangeable),
    )


_ORDER = "/dashboard/events/{slug:slug}/orders/{code:code}"

routes = [
    Route("/dashboard/events/{slug:slug}/orders", orders_page, methods=["GET"], name="dashboard_orders"),
    Route(_ORDER, order_page, methods=["GET"], name="dashboard_order"),
    forms.form_route(f"{_ORDER}/cancel", order_cancel, name="dashboard_order_cancel"),
    forms.form_route(f"{_ORDER}/refund", refund, name="dashboard_order_refund"),
    forms.form_route(f"{_ORDER}/cancel-and-refund", cancel_and_refund, name="dashboard_order_cancel_refund"),
    forms.form_route(f"{_ORDER}/transfers", record_transfer, name="dashboard_order_transfer"),
    forms.form_route(f"{_ORDER}/reminder", send_reminder, name="dashboard_order_reminder"),
]

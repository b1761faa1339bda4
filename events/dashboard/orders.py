"""The organiser's orders: a list to filter and search, each order's detail and story, and cancelling."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event
from events.payments import refunds
from events.payments import services as payments
from events.payments.models import Refund
from events.payments.refunds import RefundRequest
from events.payments.schemas import CancelRefundForm, RefundForm
from events.ticketing import figures, history, lifecycle
from events.ticketing.models import Order, OrderStatus, Ticket
from events.ticketing.order_schemas import order_url
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


async def _order_page(request: Request, user: User, event: Event, order: Order, state: FormState) -> Response:
    context = {
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
    return await forms.button_cycle(
        request,
        save=lambda: lifecycle.cancel_by_organiser(user, order),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="cancelled",
    )


def _refund_form(form: FormData) -> dict[str, object]:
    return {
        "amount": forms.optional(form, "amount"),
        "reason": forms.text(form, "reason"),
        "idempotency_key": forms.text(form, "idempotency_key"),
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
        page=lambda state: _order_page(request, user, event, order, state),
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
        read=lambda form: {"idempotency_key": forms.text(form, "idempotency_key")},
        save=save,
        page=lambda state: _order_page(request, user, event, order, state),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
    )


_ORDER = "/dashboard/events/{slug:slug}/orders/{code:code}"

routes = [
    Route("/dashboard/events/{slug:slug}/orders", orders_page, methods=["GET"], name="dashboard_orders"),
    Route(_ORDER, order_page, methods=["GET"], name="dashboard_order"),
    forms.form_route(f"{_ORDER}/cancel", order_cancel, name="dashboard_order_cancel"),
    forms.form_route(f"{_ORDER}/refund", refund, name="dashboard_order_refund"),
    forms.form_route(f"{_ORDER}/cancel-and-refund", cancel_and_refund, name="dashboard_order_cancel_refund"),
]

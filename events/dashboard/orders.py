"""The organiser's orders: a list to filter and search, each order's detail and story, and cancelling."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalogue import offers
from events.dashboard import history, stats
from events.dashboard.context import organiser_event
from events.payments import services as payments
from events.ticketing import manage
from events.ticketing.models import OrderStatus, Ticket
from events.ticketing.order_schemas import order_url
from events.web import forms
from events.web.templating import render

SEARCH_LENGTH = 100


async def orders_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    status = request.query_params.get("status", "")
    status = status if status in {s.value for s in OrderStatus} else ""
    q = request.query_params.get("q", "").strip()[:SEARCH_LENGTH]
    found = await manage.organiser_orders(event, status or None, q or None)
    context = {
        "user": user,
        "event": event,
        "current": "orders",
        "orders": found,
        "counts": await stats.ticket_counts([o.id for o in found]),
        "statuses": list(OrderStatus),
        "status": status,
        "q": q,
    }
    return render(request, "dashboard/orders.html", context)


async def order_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    order = await manage.organiser_order(event, request.path_params["code"])
    context = {
        "user": user,
        "event": event,
        "current": "orders",
        "order": order,
        "tickets": await Ticket.filter(order_id=order.id).order_by("id").prefetch_related("ticket_type"),
        "questions": {str(q.id): q for q in await offers.questions(event)},
        "history": await history.order_history(order, event.organisation_id),
        "buyer_url": order_url(order),
        "notice": request.query_params.get("notice"),
        "payment": await payments.payment_view(order),
    }
    return render(request, "dashboard/order.html", context)


async def order_cancel(request: Request) -> Response:
    user, event = await organiser_event(request)
    order = await manage.organiser_order(event, request.path_params["code"])
    return await forms.button_cycle(
        request,
        save=lambda: manage.cancel_by_organiser(user, order),
        done=lambda _: request.url_for("dashboard_order", slug=event.slug, code=order.code),
        notice="cancelled",
    )


routes = [
    Route("/dashboard/events/{slug:slug}/orders", orders_page, methods=["GET"], name="dashboard_orders"),
    Route("/dashboard/events/{slug:slug}/orders/{code}", order_page, methods=["GET"], name="dashboard_order"),
    forms.form_route(
        "/dashboard/events/{slug:slug}/orders/{code}/cancel", order_cancel, name="dashboard_order_cancel"
    ),
]

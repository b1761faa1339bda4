"""The orders part of the JSON API: buying (no auth), the buyer's view, and the organiser's view."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser, client_ip, token_organiser
from events.catalogue.services import organiser_event
from events.payments import refunds
from events.payments.schemas import CancelIn
from events.ticketing import lifecycle, limits, manual, orders
from events.ticketing.manual import ManualOrderIn
from events.ticketing.order_schemas import OrderIn, OrderOut
from events.ticketing.query_schemas import OrdersQuery
from events.validation import validate
from events.web.api import answer, documented, json_body, query_model


@documented(
    "Register: create an order and its tickets", body=OrderIn, response=OrderOut, status=201, auth=False
)
async def create_order(request: Request) -> Response:
    anonymous = await token_organiser(request) is None
    async with limits.order_rate(client_ip(request) if anonymous else None):
        placed = await orders.place(request.path_params["slug"], await json_body(request))
    return answer(await lifecycle.placed_json(placed), status_code=201)


@documented("The buyer's view of an order", response=OrderOut, auth=False)
async def buyer_order(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    return answer(await lifecycle.order_json(order))


@documented("Cancel an order (attendee self-cancel)", response=OrderOut, auth=False)
async def buyer_cancel(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    return answer(await lifecycle.order_json(await refunds.cancel_by_attendee(order)))


@documented("List an event's orders (?status=, ?q=)", response=OrderOut, many="orders", query=OrdersQuery)
async def list_orders(request: Request) -> Response:
    user = await api_organiser(request)
    query = query_model(request, OrdersQuery)
    event = await organiser_event(user, request.path_params["slug"])
    found = await lifecycle.organiser_orders(event, query.status, query.q)
    return answer({"orders": await lifecycle.orders_json(found)})


@documented("One order of an event", response=OrderOut)
async def organiser_order(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer(
        await lifecycle.order_json(await lifecycle.organiser_order(event, request.path_params["code"]))
    )


@documented("Cancel an order; {refund: true} also refunds what was paid", body=CancelIn, response=OrderOut)
async def organiser_cancel(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await lifecycle.organiser_order(event, request.path_params["code"])
    wanted = validate(CancelIn, await json_body(request))
    key = refunds.organiser_key(user.organisation_id, request.headers.get("idempotency-key"))
    return answer(await lifecycle.order_json(await refunds.cancel_order(user, order, wanted.refund, key)))


@documented(
    "Make an order as the organiser: complimentary (with a reason), on invoice, or already paid",
    body=ManualOrderIn,
    response=OrderOut,
    status=201,
)
async def create_manual_order(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await manual.place_manual_order(user, event, await json_body(request))
    return answer(await lifecycle.order_json(order), status_code=201)


routes = [
    Route("/events/{slug:slug}/orders", create_order, methods=["POST"], name="api_order_create"),
    Route("/events/{slug:slug}/orders", list_orders, methods=["GET"], name="api_orders"),
    Route(
        "/events/{slug:slug}/manual-orders", create_manual_order, methods=["POST"], name="api_manual_order"
    ),
    Route("/events/{slug:slug}/orders/{code:code}", organiser_order, methods=["GET"], name="api_order"),
    Route(
        "/events/{slug:slug}/orders/{code:code}/cancel",
        organiser_cancel,
        methods=["POST"],
        name="api_order_cancel",
    ),
    Route("/orders/{code:code}/{secret:secret}", buyer_order, methods=["GET"], name="api_buyer_order"),
    Route(
        "/orders/{code:code}/{secret:secret}/cancel", buyer_cancel, methods=["POST"], name="api_buyer_cancel"
    ),
]

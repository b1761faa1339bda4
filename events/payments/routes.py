"""Stripe's webhook and the buyer's way to the payment page (refund forms are in the dashboard)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from events.payments import gateway, services
from events.ticketing import lifecycle

logger = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> Response:
    """Signed by Stripe over the raw body (the one POST without a CSRF token: the signature is the check)."""
    event = gateway.parse_webhook(await request.body(), request.headers.get("stripe-signature"))
    outcome = await services.handle_webhook(event)
    return JSONResponse({"received": True, "outcome": outcome})


async def pay(request: Request) -> Response:
    """The order's Stripe Checkout page (made on first use, then reused): safe to follow twice."""
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    return RedirectResponse(await services.checkout_url(order), status_code=303)


routes = [
    Route("/stripe/webhook", stripe_webhook, methods=["POST"], name="stripe_webhook"),
    Route("/orders/{code:code}/{secret:secret}/pay", pay, methods=["GET"], name="order_pay"),
]

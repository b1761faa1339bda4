"""Stripe's webhook, the buyer's way to the payment page, and the organiser's refund forms."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.catalogue.services import organiser_event
from events.payments import gateway, refunds, services
from events.payments.refunds import RefundRequest
from events.payments.schemas import RefundIn
from events.ticketing import manage
from events.validation import validate

logger = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> Response:
    """Signed by Stripe over the raw body (the one POST without a CSRF token: the signature is the check)."""
    event = gateway.parse_webhook(await request.body(), request.headers.get("stripe-signature"))
    outcome = await services.handle_webhook(event)
    return JSONResponse({"received": True, "outcome": outcome})


async def pay(request: Request) -> Response:
    """The order's Stripe Checkout page (made on first use, then reused): safe to follow twice."""
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    return RedirectResponse(await services.checkout_url(order), status_code=303)


def _back(request: Request, slug: str, code: str) -> str:
    return str(request.url_for("dashboard_order", slug=slug, code=code))


async def refund(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await manage.organiser_order(event, request.path_params["code"])
    wanted = validate(RefundIn, {"amount": form.get("amount") or None, "reason": form.get("reason", "")})
    key = refunds.organiser_key(user.organisation_id, str(form.get("idempotency_key") or ""))
    await refunds.refund_order(user, order, RefundRequest(wanted.cents, key, wanted.reason))
    return RedirectResponse(_back(request, event.slug, order.code), status_code=303)


async def cancel_and_refund(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await manage.organiser_order(event, request.path_params["code"])
    key = refunds.organiser_key(user.organisation_id, str(form.get("idempotency_key") or ""))
    await refunds.cancel_with_refund(user, order, key)
    return RedirectResponse(_back(request, event.slug, order.code), status_code=303)


routes = [
    Route("/stripe/webhook", stripe_webhook, methods=["POST"], name="stripe_webhook"),
    Route("/orders/{code:code}/{secret:secret}/pay", pay, methods=["GET"], name="order_pay"),
    Route(
        "/dashboard/events/{slug:slug}/orders/{code:code}/refund",
        refund,
        methods=["POST"],
        name="dashboard_order_refund",
    ),
    Route(
        "/dashboard/events/{slug:slug}/orders/{code:code}/cancel-and-refund",
        cancel_and_refund,
        methods=["POST"],
        name="dashboard_order_cancel_refund",
    ),
]

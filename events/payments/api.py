"""The organiser's refunds in the JSON API (cancellation with a refund lives beside the order's cancel)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.catalogue.offer_schemas import money
from events.catalogue.services import organiser_event
from events.payments import refunds
from events.payments.models import Refund
from events.payments.refunds import RefundRequest
from events.payments.schemas import RefundIn
from events.ticketing import lifecycle
from events.ticketing.order_schemas import OrderOut
from events.validation import validate
from events.web.api import answer, documented, json_body


def refund_out(refund: Refund) -> dict[str, object]:
    return {"id": refund.id, "amount": money(refund.amount_cents), "status": str(refund.status)}


@documented("Refund an order, fully or partly (send an Idempotency-Key header to retry safely)",
            body=RefundIn, response=OrderOut)  # fmt: skip
async def refund_order(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await lifecycle.organiser_order(event, request.path_params["code"])
    wanted = validate(RefundIn, await json_body(request))
    key = refunds.organiser_key(user.organisation_id, request.headers.get("idempotency-key"))
    made = await refunds.refund_order(user, order, RefundRequest(wanted.cents, key, wanted.reason))
    order = await lifecycle.organiser_order(event, order.code)
    return answer({**await lifecycle.order_json(order), "refund": refund_out(made)})


routes = [
    Route(
        "/events/{slug:slug}/orders/{code:code}/refund",
        refund_order,
        methods=["POST"],
        name="api_order_refund",
    ),
]

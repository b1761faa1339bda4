"""Stripe, behind one door: the only module that imports `stripe` (DESIGN rule 8).

The rest of the application sees plain dataclasses (`CheckoutSession`, `StripeRefund`, `WebhookEvent`)
and two errors, so the payment rules can be read and tested without knowing the library. Every call
goes through the official library's async methods, pointed at `STRIPE_API_BASE` when it is set (any
Stripe-compatible server on 127.0.0.1 can stand in for Stripe), and every write carries an idempotency
key derived from our own ids: a retry after a lost answer finds the first object, never a second one.

A client is made per call and closed after it: its connection pool belongs to the event loop that
made it, and the worker, the web server and the tests each run their own loops.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import stripe

if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses
    from stripe.params import RefundCreateParams
    from stripe.params.checkout import SessionCreateParams

from events.errors import InvalidSignature, PaymentProviderUnavailable
from settings import settings

logger = logging.getLogger(__name__)

MAX_NETWORK_RETRIES = 2
TIMEOUT_SECONDS = 20.0
SIGNATURE_TOLERANCE = 300
"""Seconds a webhook signature stays acceptable (stripe-python's own default)."""

HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
    }
)


class GatewayError(Exception):
    """Stripe answered with a refusal we can act on (e.g. expiring a session that is complete)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LineItem:
    name: str
    unit_amount: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSession:
    """What we read of a Checkout Session, with its PaymentIntent and charge when it has them.

    `status` is open | complete | expired; `payment_status` is paid | unpaid | no_payment_required;
    `intent_status` is the PaymentIntent's (processing while a delayed method is on its way,
    requires_payment_method or canceled once it failed, succeeded).
    """

    id: str
    url: str | None
    status: str
    payment_status: str
    amount_total: int | None
    currency: str
    order_code: str
    payment_intent: str | None = None
    intent_status: str | None = None
    amount_refunded: int = 0

    @property
    def paid(self) -> bool:
        return self.status == "complete" and self.payment_status in ("paid", "no_payment_required")

    @property
    def failed(self) -> bool:
        return (
            self.status == "complete"
            and not self.paid
            and self.intent_status in ("requires_payment_method", "canceled")
        )

    @property
    def expired(self) -> bool:
        return self.status == "expired"


@dataclass(frozen=True)
class StripeRefund:
    id: str
    amount: int
    status: str
    payment_intent: str | None
    refund_key: str = ""

    @property
    def settled(self) -> bool:
        """Money on its way back: Stripe may keep a refund `pending` for a while, it rarely fails then."""
        return self.status in ("succeeded", "pending")


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object_id: str
    payment_intent: str | None = None
    data: dict[str, object] = field(default_factory=dict)


class _HttpClient(stripe.HTTPXClient):
    """stripe's own httpx adapter, sending the encoded body as `content` (httpx deprecates raw `data`)."""

    def _get_request_args_kwargs(
        self, method: str, url: str, headers: Mapping[str, str], post_data: object
    ) -> tuple[tuple[object, ...], dict[str, object]]:
        # The parent method carries no annotations: called through a cast so that strict mypy accepts it.
        positional, named = cast(Any, super())._get_request_args_kwargs(method, url, headers, post_data)
        body = named.pop("data", None)
        if body:
            named["content"] = body
        return positional, named


def configured() -> bool:
    return bool(settings.stripe_secret_key)


@asynccontextmanager
async def _client() -> AsyncIterator[stripe.StripeClient]:
    if not settings.stripe_secret_key:
        raise PaymentProviderUnavailable()
    http = _HttpClient(timeout=TIMEOUT_SECONDS)
    addresses: BaseAddresses = {}
    if settings.stripe_api_base:
        addresses = {"api": settings.stripe_api_base, "files": settings.stripe_api_base}
    client = stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses=addresses,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=http,
    )
    try:
        yield client
    except stripe.InvalidRequestError as error:
        raise GatewayError(str(error.user_message or error), str(error.code or "")) from error
    except stripe.StripeError as error:
        logger.warning("stripe: %s %s", error.__class__.__name__, error.user_message or error)
        raise PaymentProviderUnavailable() from error
    finally:
        await cast(Any, http).close_async()


def _session(data: dict[str, Any]) -> CheckoutSession:
    intent = data.get("payment_intent")
    intent_id = intent.get("id") if isinstance(intent, dict) else intent
    intent_status = intent.get("status") if isinstance(intent, dict) else None
    charge = intent.get("latest_charge") if isinstance(intent, dict) else None
    refunded = int(charge.get("amount_refunded") or 0) if isinstance(charge, dict) else 0
    metadata = data.get("metadata") or {}
    return CheckoutSession(
        id=str(data["id"]),
        url=data.get("url"),
        status=str(data.get("status") or ""),
        payment_status=str(data.get("payment_status") or ""),
        amount_total=data.get("amount_total"),
        currency=str(data.get("currency") or "").upper(),
        order_code=str(metadata.get("order_code") or data.get("client_reference_id") or ""),
        payment_intent=intent_id,
        intent_status=intent_status,
        amount_refunded=refunded,
    )


def _refund(data: dict[str, Any]) -> StripeRefund:
    metadata = data.get("metadata") or {}
    return StripeRefund(
        id=str(data["id"]),
        amount=int(data.get("amount") or 0),
        status=str(data.get("status") or ""),
        payment_intent=data.get("payment_intent"),
        refund_key=str(metadata.get("refund_key") or ""),
    )


async def create_checkout_session(
    *,
    order_code: str,
    lines: list[LineItem],
    currency: str,
    email: str,
    locale: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    idempotency_key: str,
) -> CheckoutSession:
    """A hosted payment page for amounts we computed; the order code rides in the metadata."""
    params: SessionCreateParams = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": line.quantity,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": line.unit_amount,
                    "product_data": {"name": line.name},
                },
            }
            for line in lines
        ],
        "customer_email": email,
        "locale": locale,
        "client_reference_id": order_code,
        "metadata": {"order_code": order_code},
        "payment_intent_data": {"metadata": {"order_code": order_code}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    async with _client() as client:
        session = await client.v1.checkout.sessions.create_async(
            params=params, options={"idempotency_key": idempotency_key}
        )
    return _session(session.to_dict())


async def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    """The session as Stripe holds it now, with its PaymentIntent and latest charge expanded."""
    async with _client() as client:
        session = await client.v1.checkout.sessions.retrieve_async(
            session_id, params={"expand": ["payment_intent", "payment_intent.latest_charge"]}
        )
    return _session(session.to_dict())


async def checkout_session_for_payment_intent(payment_intent: str) -> CheckoutSession | None:
    async with _client() as client:
        found = await client.v1.checkout.sessions.list_async(
            params={"payment_intent": payment_intent, "limit": 1}
        )
    sessions = found.to_dict().get("data") or []
    return _session(sessions[0]) if sessions else None


async def expire_checkout_session(session_id: str, *, idempotency_key: str) -> CheckoutSession:
    """Close a session that may still take a payment; `GatewayError` when it is no longer open."""
    async with _client() as client:
        session = await client.v1.checkout.sessions.expire_async(
            session_id, options={"idempotency_key": idempotency_key}
        )
    return _session(session.to_dict())


async def create_refund(
    *, payment_intent: str, amount: int, idempotency_key: str, reason: str = ""
) -> StripeRefund:
    params: RefundCreateParams = {
        "payment_intent": payment_intent,
        "amount": amount,
        "metadata": {"refund_key": idempotency_key, "reason": reason[:400]},
    }
    async with _client() as client:
        refund = await client.v1.refunds.create_async(
            params=params, options={"idempotency_key": idempotency_key}
        )
    return _refund(refund.to_dict())


async def list_refunds(payment_intent: str) -> list[StripeRefund]:
    async with _client() as client:
        found = await client.v1.refunds.list_async(params={"payment_intent": payment_intent, "limit": 100})
    return [_refund(item) for item in found.to_dict().get("data") or []]


def parse_webhook(payload: bytes, signature: str | None) -> WebhookEvent:
    """The event, once its signature over these exact bytes checks out (and is under 5 minutes old)."""
    secret = settings.stripe_webhook_secret
    if not secret or not signature:
        raise InvalidSignature()
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, SIGNATURE_TOLERANCE)
        data = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, IndexError):
        raise InvalidSignature() from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise InvalidSignature()
    obj = data["data"].get("object")
    obj = obj if isinstance(obj, dict) else {}
    intent = obj.get("payment_intent")
    return WebhookEvent(
        id=str(data.get("id") or ""),
        type=str(data.get("type") or ""),
        object_id=str(obj.get("id") or ""),
        payment_intent=intent if isinstance(intent, str) else None,
        data=obj,
    )


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header, as Stripe computes it (for the fake server and the tests)."""
    return str(stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp))

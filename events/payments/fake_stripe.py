"""A Stripe stand-in on 127.0.0.1, for the tests and for trying paid tickets without a Stripe account.

It speaks the part of Stripe's API that Colloque uses, as the official library sends it (form-encoded
nested parameters, `Idempotency-Key`, Bearer key): Checkout Sessions (create, retrieve, list by payment
intent, expire), Refunds (create, list), with payment intents and charges behind them. A hosted "pay"
page completes a session the way Stripe's Checkout does and sends the signed webhook, then sends the
buyer back to the session's `success_url`. Idempotency works like Stripe's: a key replays the first
answer, the same key with other parameters is refused.

Tests drive it directly too (same process, another thread): `complete`, `succeed_async`, `fail_async`,
`expire`, `refund`, `tamper` change a session as Stripe would and return the event Stripe would send,
which `signed` turns into a body and a `Stripe-Signature` header. `fail_next` makes the next answers
503 after the work is done, like an answer lost on the way, to exercise the library's retries.

    python -m events.payments.fake_stripe --port 12111 --webhook-url http://127.0.0.1:8000/stripe/webhook

(uses STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET from the environment; point STRIPE_API_BASE at it).
This is a test double, not a page for real buyers: its text is plain English, like a developer tool.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from events.payments.gateway import signature_header

logger = logging.getLogger(__name__)

StripeObject = dict[str, Any]
"""A Stripe API object as it travels on the wire (a session, an intent, a charge, a refund, an event):
nested JSON whose shape Stripe defines, so its values stay untyped here."""

_KEY = re.compile(r"([^\[\]]+)|\[([^\[\]]*)\]")


def _nest(pairs: list[tuple[str, str]]) -> StripeObject:
    """`line_items[0][price_data][currency]=eur` → {"line_items": [{"price_data": {"currency": "eur"}}]}."""
    root: StripeObject = {}
    for raw_key, value in pairs:
        parts = [a or b for a, b in _KEY.findall(raw_key)]
        node: StripeObject = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
                break
            node = node.setdefault(part, {})
    nested: StripeObject = _lists(root)
    return nested


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


_REUSED_KEY = (
    "Keys for idempotent requests can only be used with the same parameters they were first used with."
)


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def _error(status: int, message: str, code: str = "", kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "code": code}}, status_code=status)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    params: StripeObject
    idempotency_key: str | None


class FakeStripe:
    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        public_url: str = "",
        webhook_url: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.public_url = public_url.rstrip("/")
        self.webhook_url = webhook_url
        self.sessions: dict[str, StripeObject] = {}
        self.intents: dict[str, StripeObject] = {}
        self.charges: dict[str, StripeObject] = {}
        self.refunds: dict[str, StripeObject] = {}
        self.requests: list[Recorded] = []
        self.events: list[StripeObject] = []
        self.deliveries: list[int] = []
        self.fail_next = 0
        self._replays: dict[str, tuple[str, int, StripeObject]] = {}
        self._lock = threading.RLock()
        self.app = Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions", self._list_sessions, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}", self._retrieve_session, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}/expire", self._expire_session, methods=["POST"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
                Route("/v1/refunds", self._list_refunds, methods=["GET"]),
                Route("/pay/{id}", self._pay_page, methods=["GET"]),
                Route("/pay/{id}", self._pay, methods=["POST"]),
            ]
        )

    # ------------------------------------------------------------ plumbing

    def reset(self) -> None:
        with self._lock:
            for store in (self.sessions, self.intents, self.charges, self.refunds, self._replays):
                store.clear()
            self.requests.clear()
            self.events.clear()
            self.deliveries.clear()
            self.fail_next = 0

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization", "") == f"Bearer {self.api_key}"

    async def _params(self, request: Request) -> StripeObject:
        body = (await request.body()).decode() if request.method == "POST" else request.url.query
        params = _nest(parse_qsl(body, keep_blank_values=True))
        key = request.headers.get("idempotency-key")
        with self._lock:
            self.requests.append(Recorded(request.method, request.url.path, params, key))
        return params

    def _answer(self, body: StripeObject, status: int = 200) -> Response:
        with self._lock:
            lost = self.fail_next > 0
            self.fail_next -= int(lost)
        if lost:  # the work is done, the answer is lost on the way: the client retries with its key
            return _error(503, "The answer was lost.", kind="api_error")
        return JSONResponse(body, status_code=status)

    async def _write(
        self, request: Request, action: Callable[[Request, StripeObject], tuple[int, StripeObject]]
    ) -> Response:
        """Run a write once per idempotency key; the same key again replays the first answer."""
        if not self._authorised(request):
            return _error(401, "Invalid API key provided.", kind="invalid_request_error")
        params = await self._params(request)
        key = request.headers.get("idempotency-key")
        fingerprint = json.dumps([request.url.path, params], sort_keys=True)
        with self._lock:
            if key and key in self._replays:
                seen, status, body = self._replays[key]
                if seen != fingerprint:
                    return _error(400, _REUSED_KEY, kind="idempotency_error")
                return self._answer(copy.deepcopy(body), status)
            status, body = action(request, params)
            if key:
                self._replays[key] = (fingerprint, status, copy.deepcopy(body))
        return self._answer(body, status)

    # ------------------------------------------------------------ API: checkout sessions

    async def _create_session(self, request: Request) -> Response:
        return await self._write(request, self._new_session)

    def _new_session(self, request: Request, params: StripeObject) -> tuple[int, StripeObject]:
        lines = params.get("line_items") or []
        try:
            amounts = [
                (int(line["price_data"]["unit_amount"]), int(line.get("quantity", 1)), line) for line in lines
            ]
            currency = str(lines[0]["price_data"]["currency"]).lower()
        except (KeyError, ValueError, IndexError, TypeError):
            return 400, {"error": {"type": "invalid_request_error", "message": "Invalid line_items."}}
        session_id = _new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.public_url}/pay/{session_id}",
            "mode": params.get("mode", "payment"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": sum(a * q for a, q, _ in amounts),
            "amount_total": sum(a * q for a, q, _ in amounts),
            "currency": currency,
            "customer_email": params.get("customer_email"),
            "locale": params.get("locale"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "created": int(time.time()),
            "payment_intent": None,
            "livemode": False,
        }
        self.sessions[session_id] = session
        self.sessions[session_id]["_lines"] = [
            {"name": line["price_data"]["product_data"]["name"], "amount": a, "quantity": q}
            for a, q, line in amounts
        ]
        self.sessions[session_id]["_intent_metadata"] = (params.get("payment_intent_data") or {}).get(
            "metadata"
        ) or {}
        return 200, self._public(session)

    @staticmethod
    def _public(session: StripeObject) -> StripeObject:
        return {k: copy.deepcopy(v) for k, v in session.items() if not k.startswith("_")}

    def _expanded(self, session: StripeObject, expand: list[str]) -> StripeObject:
        body = self._public(session)
        intent_id = session.get("payment_intent")
        if intent_id and "payment_intent" in expand:
            intent = copy.deepcopy(self.intents[intent_id])
            if "payment_intent.latest_charge" in expand and intent.get("latest_charge"):
                intent["latest_charge"] = copy.deepcopy(self.charges[intent["latest_charge"]])
            body["payment_intent"] = intent
        return body

    async def _retrieve_session(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid API key provided.")
        params = await self._params(request)
        with self._lock:
            session = self.sessions.get(request.path_params["id"])
            if session is None:
                return _error(404, "No such checkout.session", "resource_missing")
            expand = params.get("expand") or []
            return self._answer(self._expanded(session, list(expand)))

    async def _list_sessions(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid API key provided.")
        params = await self._params(request)
        with self._lock:
            found = [
                self._public(s)
                for s in self.sessions.values()
                if not params.get("payment_intent") or s.get("payment_intent") == params["payment_intent"]
            ]
        return self._answer({"object": "list", "data": found, "has_more": False, "url": request.url.path})

    async def _expire_session(self, request: Request) -> Response:
        def expire(request: Request, params: StripeObject) -> tuple[int, StripeObject]:
            session = self.sessions.get(request.path_params["id"])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                       "message": "No such checkout.session"}}  # fmt: skip
            if session["status"] != "open":
                return 400, {"error": {"type": "invalid_request_error", "code": "checkout_session_not_open",
                                       "message": "Only Checkout Sessions with a status in [\"open\"] "
                                       "can be expired."}}  # fmt: skip
            session["status"] = "expired"
            self._event("checkout.session.expired", self._public(session))
            return 200, self._public(session)

        return await self._write(request, expire)

    # ------------------------------------------------------------ API: refunds

    async def _create_refund(self, request: Request) -> Response:
        return await self._write(request, self._new_refund)

    def _new_refund(self, request: Request, params: StripeObject) -> tuple[int, StripeObject]:
        intent = self.intents.get(str(params.get("payment_intent") or ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": "No such payment_intent or it has not succeeded."}}  # fmt: skip
        charge = self.charges[intent["latest_charge"]]
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount") or left)
        if amount <= 0 or amount > left:
            code = "charge_already_refunded" if left == 0 else "amount_too_large"
            return 400, {"error": {"type": "invalid_request_error", "code": code,
                                   "message": f"Refund amount ({amount}) is greater than unrefunded "
                                   f"amount on charge ({left})."}}  # fmt: skip
        return 200, self._refund(charge, amount, params.get("metadata") or {})

    def _refund(self, charge: StripeObject, amount: int, metadata: StripeObject) -> StripeObject:
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "status": "succeeded",
            "charge": charge["id"],
            "payment_intent": charge["payment_intent"],
            "metadata": metadata,
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._event("charge.refunded", copy.deepcopy(charge))
        return copy.deepcopy(refund)

    async def _list_refunds(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "Invalid API key provided.")
        params = await self._params(request)
        with self._lock:
            found = [
                copy.deepcopy(r)
                for r in self.refunds.values()
                if not params.get("payment_intent") or r["payment_intent"] == params["payment_intent"]
            ]
        return self._answer({"object": "list", "data": found, "has_more": False, "url": "/v1/refunds"})

    # ------------------------------------------------------------ what happens at Stripe

    def _event(self, kind: str, obj: StripeObject) -> StripeObject:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "type": kind,
            "livemode": False,
            "data": {"object": obj},
        }
        self.events.append(event)
        return event

    def _session(self, session_id: str) -> StripeObject:
        session = self.sessions.get(session_id)
        if session is None:
            raise KeyError(f"no session {session_id}")
        return session

    def complete(self, session_id: str, *, delayed: bool = False) -> StripeObject:
        """The buyer pays on the hosted page (a card; or a delayed method, still processing)."""
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise ValueError(f"session {session_id} is {session['status']}")
            charge_id, intent_id = _new_id("ch"), _new_id("pi")
            amount, currency = int(session["amount_total"]), session["currency"]
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "currency": currency,
                "status": "processing" if delayed else "succeeded",
                "latest_charge": None if delayed else charge_id,
                "metadata": copy.deepcopy(session["_intent_metadata"]),
            }
            if not delayed:
                self._charge(charge_id, intent_id, amount, currency)
            session.update(status="complete", payment_status="unpaid" if delayed else "paid")
            session["payment_intent"] = intent_id
            return self._event("checkout.session.completed", self._public(session))

    def _charge(self, charge_id: str, intent_id: str, amount: int, currency: str) -> None:
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_refunded": 0,
            "refunded": False,
            "currency": currency,
            "payment_intent": intent_id,
            "paid": True,
        }

    def succeed_async(self, session_id: str) -> StripeObject:
        with self._lock:
            session = self._session(session_id)
            intent = self.intents[session["payment_intent"]]
            charge_id = _new_id("ch")
            self._charge(charge_id, intent["id"], intent["amount"], intent["currency"])
            intent.update(status="succeeded", latest_charge=charge_id)
            session["payment_status"] = "paid"
            return self._event("checkout.session.async_payment_succeeded", self._public(session))

    def fail_async(self, session_id: str) -> StripeObject:
        with self._lock:
            session = self._session(session_id)
            self.intents[session["payment_intent"]]["status"] = "requires_payment_method"
            return self._event("checkout.session.async_payment_failed", self._public(session))

    def expire(self, session_id: str) -> StripeObject:
        with self._lock:
            session = self._session(session_id)
            session["status"] = "expired"
            return self._event("checkout.session.expired", self._public(session))

    def refund(self, session_id: str, amount: int | None = None) -> StripeObject:
        """A refund made in Stripe's dashboard; returns the `charge.refunded` event."""
        with self._lock:
            intent = self.intents[self._session(session_id)["payment_intent"]]
            charge = self.charges[intent["latest_charge"]]
            self._refund(charge, amount or charge["amount"] - charge["amount_refunded"], {})
            return self.events[-1]

    def tamper(self, session_id: str, **fields: object) -> None:
        """Change what Stripe holds (e.g. `amount_total`, `currency`), to test our checks."""
        with self._lock:
            self._session(session_id).update(fields)

    def signed(
        self, event: StripeObject, *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        payload = json.dumps(event)
        return payload.encode(), signature_header(payload, secret or self.webhook_secret, timestamp)

    async def deliver(self, event: StripeObject) -> int:
        """POST the signed event to the webhook address, as Stripe does; the answer's status."""
        if not self.webhook_url:
            return 0
        body, header = self.signed(event)
        headers = {"Stripe-Signature": header, "Content-Type": "application/json"}
        try:
            async with httpx.AsyncClient(timeout=20) as client:
                answer = await client.post(self.webhook_url, content=body, headers=headers)
        except httpx.HTTPError as error:
            logger.warning("fake stripe: webhook to %s failed: %s", self.webhook_url, error)
            return 0
        self.deliveries.append(answer.status_code)
        return answer.status_code

    # ------------------------------------------------------------ the hosted payment page

    async def _pay_page(self, request: Request) -> Response:
        with self._lock:
            session = self.sessions.get(request.path_params["id"])
            if session is None:
                return HTMLResponse("<h1>Unknown session</h1>", status_code=404)
            rows = "".join(
                f"<tr><td>{html.escape(line['name'])}</td><td>{line['quantity']}</td>"
                f"<td>{line['amount'] / 100:.2f}</td></tr>"
                for line in session["_lines"]
            )
            total = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
            state, cancel = session["status"], html.escape(session["cancel_url"] or "")
        form = (
            f'<form method="post"><button name="method" value="card">Pay {total}</button> '
            '<button name="method" value="delayed">Pay by bank debit (confirmed later)</button></form>'
            if state == "open"
            else f"<p>This session is {html.escape(state)}.</p>"
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title>'
            "</head><body><main><h1>Fake Stripe Checkout</h1>"
            f"<p>{html.escape(str(session.get('customer_email') or ''))}</p>"
            f"<table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>{rows}</table>"
            f"<p>Total: <strong>{total}</strong></p>{form}"
            f'<p><a href="{cancel}">Back</a></p></main></body></html>'
        )
        return HTMLResponse(page)

    async def _pay(self, request: Request) -> Response:
        form = await request.form()
        session_id = request.path_params["id"]
        try:
            event = self.complete(session_id, delayed=form.get("method") == "delayed")
        except (KeyError, ValueError):
            return RedirectResponse(f"/pay/{session_id}", status_code=303)
        await self.deliver(event)
        target = str(self._session(session_id)["success_url"] or "/").replace(
            "{CHECKOUT_SESSION_ID}", session_id
        )
        return RedirectResponse(target, status_code=303)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from settings import settings

    parser = argparse.ArgumentParser(description="A fake Stripe API on 127.0.0.1, for local trials")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", default=f"{settings.base_url}/stripe/webhook")
    args = parser.parse_args(argv)
    fake = FakeStripe(
        api_key=settings.stripe_secret_key or "sk_test_local",
        webhook_secret=settings.stripe_webhook_secret or "whsec_local",
        public_url=f"http://{args.host}:{args.port}",
        webhook_url=args.webhook_url,
    )
    uvicorn.run(fake.app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()

"""The payments area's periodic jobs for the worker (listed in `events.jobs.JOBS`).

- close at Stripe the Checkout Sessions of lapsed or cancelled orders (our hold is shorter than the
  30 minutes a session lives at least), every cycle;
- ask Stripe again for refunds left pending by a crash or an outage (same idempotency key), every cycle;
- compare every pending order that has a session with Stripe, once a minute: a lost webhook loses no sale.
"""

from __future__ import annotations

from events.payments import gateway, refunds, services

RECONCILE_EVERY = 60.0


async def expire_checkout_sessions() -> int:
    return await services.expire_lapsed_checkout_sessions() if gateway.configured() else 0


async def push_refunds() -> int:
    return await refunds.push_pending() if gateway.configured() else 0


async def reconcile() -> int:
    return await services.reconcile_pending() if gateway.configured() else 0

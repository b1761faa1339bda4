"""Two limits on placing orders, so that one buyer or one address cannot take every place.

A pending card order holds its places for the whole hold (15 minutes by default) without paying
anything, so without limits one client placing 50 orders keeps a paid type sold out for everyone.

- `MAX_HELD_PLACES` (settings.max_held_places): the places one buyer e-mail may hold at once in card
  orders awaiting payment, across every event; beyond it, 409 `conflict`. Free orders are paid at
  once and hold nothing pending; orders paid on invoice are not card orders and are not counted.
- `ORDER_THROTTLE` (settings.order_throttle): orders accepted per client address per minute; beyond
  it, 429 `throttled` with Retry-After. The count is in the database (`accounts.throttle`) so every
  app process shares it. Calls made with an organiser's token are not counted (the routes say so).

`0` turns either off (the benchmarks do: their whole load comes from one address).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from events import clock
from events.accounts import throttle
from events.errors import TooManyHeldPlaces
from events.ticketing.models import OrderStatus, Ticket, TicketStatus
from settings import settings

ORDER_SCOPE = "order"
ORDER_WINDOW = timedelta(minutes=1)


async def held_places(email: str) -> int:
    """Valid tickets of this buyer's card orders that still hold their places, unpaid."""
    return await Ticket.filter(
        status=TicketStatus.VALID,
        order__buyer_email=email,
        order__status=OrderStatus.PENDING,
        order__expires_at__gt=clock.now(),
    ).count()


async def check_held_places(email: str, wanted: int) -> None:
    """Refuse an order that would take this buyer's unpaid places above the limit."""
    limit = settings.max_held_places
    if not limit or wanted == 0:
        return
    held = await held_places(email)
    if held + wanted > limit:
        raise TooManyHeldPlaces(held=held, limit=limit)


@asynccontextmanager
async def order_rate(address: str | None) -> AsyncIterator[None]:
    """Around placing one order from `address` (None: an organiser's call, not counted).

    Raises `Throttled` once the address has had `ORDER_THROTTLE` orders accepted in the last minute;
    an order that is refused (sold out, invalid) does not count.
    """
    limit = settings.order_throttle
    if not limit or address is None:
        yield
        return
    await throttle.check(ORDER_SCOPE, address, limit, ORDER_WINDOW)
    yield
    await throttle.hit(ORDER_SCOPE, address)

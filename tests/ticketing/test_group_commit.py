"""Orders decided together (group commit) are each decided as if alone, in arrival order.

One refusal in a group never takes the group's other orders with it, and the group's figures (places,
a code's uses) carry from one order to the next.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from events.catalogue.models import Event
from events.catalogue.offers import create_promo_code
from events.errors import DomainError, PromoCodeExhausted, SoldOut
from events.ticketing.models import Order, Ticket
from events.ticketing.orders import place_order
from tests.factories import make_event, make_organiser, make_ticket_type, order_body


async def _at_once(event: Event, bodies: list[dict[str, object]]) -> list[str]:
    async def buy(body: dict[str, object]) -> str:
        try:
            await place_order(event.slug, body)
        except DomainError as error:
            return error.code
        return "ok"

    return list(await asyncio.gather(*(buy(body) for body in bodies)))


async def test_an_exhausted_code_refuses_only_the_orders_that_use_it(app: object) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=100)
    await create_promo_code(user, event, {"code": "DUO", "percent_off": 50, "max_uses": 2})
    bodies = [order_body(pass_.id, promo_code="DUO") if n % 2 else order_body(pass_.id) for n in range(20)]
    outcomes = Counter(await _at_once(event, bodies))
    assert outcomes == {"ok": 12, PromoCodeExhausted.code: 8}
    assert await Order.filter(promo_code__code="DUO").count() == 2


async def test_a_large_order_refused_leaves_the_places_to_smaller_ones_behind_it(app: object) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=5, max_per_order=10)
    bodies = [order_body(*[pass_.id] * 6), *(order_body(pass_.id) for _ in range(7))]
    outcomes = await _at_once(event, bodies)
    assert outcomes[0] == SoldOut.code
    assert Counter(outcomes[1:]) == {"ok": 5, SoldOut.code: 2}
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 5

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
from events.privacy.consents import OPTIONAL
from events.privacy.models import ConsentRecord
from events.ticketing import orders
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


async def test_an_order_code_drawn_twice_in_a_group_is_drawn_again_and_every_order_is_placed(
    app: object, monkeypatch: object
) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=100)
    real_new_code = orders.new_code
    drawn = iter(["TWICE234", "TWICE234"])
    monkeypatch.setattr(orders, "new_code", lambda: next(drawn, None) or real_new_code())  # type: ignore[attr-defined]
    outcomes = await _at_once(
        event,
        [order_body(pass_.id, buyer={"name": f"B {n}", "email": f"b{n}@example.org"}) for n in range(4)],
    )
    assert outcomes == ["ok"] * 4
    placed = await Order.filter(event_id=event.id).prefetch_related("tickets")
    assert len({order.code for order in placed}) == 4
    assert all(len(order.tickets) == 1 for order in placed)
    assert await ConsentRecord.filter(event_id=event.id).count() == 4 * len(OPTIONAL)

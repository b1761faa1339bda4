"""Never oversell: many buyers at once, each through the real order service, on both databases.

On PostgreSQL the app's pool gives 20 real connections racing for the same rows; on SQLite the one
process serialises writers. Either way exactly `capacity` places are sold and every loser is told
`sold_out`, never anything else.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from events.catalogue.models import Event
from events.errors import DomainError, PromoCodeExhausted, SoldOut
from events.ticketing.models import Order, OrderStatus, Ticket
from events.ticketing.orders import place_order
from tests.conftest import BACKEND
from tests.factories import make_event, make_organiser, make_ticket_type, order_body

ROOT = Path(__file__).resolve().parents[2]
BUYERS, PLACES = (500, 100) if BACKEND == "postgres" else (50, 10)


async def _race(event: Event, bodies: list[dict[str, object]]) -> Counter[str]:
    async def buy(body: dict[str, object]) -> str:
        try:
            await place_order(event.slug, body)
        except DomainError as error:
            return error.code
        return "ok"

    return Counter(await asyncio.gather(*(buy(b) for b in bodies)))


@pytest.mark.parametrize("run", range(2))
async def test_many_buyers_of_the_last_places_get_exactly_the_capacity(app: object, run: int) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=PLACES)
    outcomes = await _race(event, [order_body(pass_.id) for _ in range(BUYERS)])
    assert outcomes == {"ok": PLACES, SoldOut.code: BUYERS - PLACES}
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == PLACES


async def test_orders_over_two_types_sharing_the_event_cap_are_all_or_nothing(app: object) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=12)
    a = await make_ticket_type(event, capacity=8)
    b = await make_ticket_type(event, capacity=7)
    rng = random.Random(2027)
    bodies = [order_body(*(rng.choice([a.id, b.id]) for _ in range(rng.randint(1, 5)))) for _ in range(40)]
    outcomes = await _race(event, bodies)
    assert set(outcomes) <= {"ok", SoldOut.code}
    sold = Counter(await Ticket.filter(event_id=event.id).values_list("ticket_type_id", flat=True))
    assert sold[a.id] <= 8 and sold[b.id] <= 7 and sum(sold.values()) <= 12
    for order in await Order.filter(event_id=event.id).prefetch_related("tickets"):
        names = {t.attendee_name.rsplit("-", 1)[0] for t in order.tickets}
        assert len(names) == 1
    wanted = {b["buyer"]["email"]: len(b["tickets"]) for b in bodies}  # type: ignore[index]
    for order in await Order.filter(event_id=event.id).prefetch_related("tickets"):
        assert len(order.tickets) == wanted[order.buyer_email]
    assert outcomes["ok"] == await Order.filter(event_id=event.id).count()


async def test_promo_code_limited_to_five_uses_is_used_five_times(app: object) -> None:
    from events.catalogue.offers import create_promo_code

    user = await make_organiser()
    event = await make_event(user, published=True, capacity=None)
    pass_ = await make_ticket_type(event, price="100.00")
    await create_promo_code(user, event, {"code": "LAB5", "percent_off": 50, "max_uses": 5})
    outcomes = await _race(event, [order_body(pass_.id, promo_code="LAB5") for _ in range(50)])
    assert outcomes == {"ok": 5, PromoCodeExhausted.code: 45}
    assert await Order.filter(promo_code__code="LAB5").count() == 5


async def test_concurrent_registrations_over_http_never_answer_500(
    app: object, client: httpx.AsyncClient
) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=10)
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id)) for _ in range(50))
    )
    assert Counter(a.status_code for a in answers) == {201: 10, 409: 40}
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"sold_out"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres_only
async def test_two_app_processes_on_one_postgresql_sell_exactly_the_capacity(
    app: object, database_url: str
) -> None:
    event = await make_event(await make_organiser(), published=True, capacity=None)
    pass_ = await make_ticket_type(event, capacity=100)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RUN_WORKER_IN_PROCESS": "false",
        "SECRET_KEY": "two-process-test",
    }
    server = subprocess.Popen(  # noqa: S603 — our own app, fixed arguments
        [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            limits = httpx.Limits(max_connections=300)
            async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as buyers:
                answers = await asyncio.gather(
                    *(
                        buyers.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id))
                        for _ in range(300)
                    )
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert Counter(a.status_code for a in answers) == {201: 100, 409: 200}
    assert await Ticket.filter(ticket_type_id=pass_.id).count() == 100
    assert await Order.filter(event_id=event.id, status=OrderStatus.PAID).count() == 100

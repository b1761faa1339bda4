"""Retention with a moved clock: the worker anonymises exactly what each event's policy says, once."""

from __future__ import annotations

from datetime import timedelta

from events import clock
from events.catalogue import offers
from events.catalogue.models import Event
from events.privacy.consents import notice_version
from events.privacy.jobs import add_months, apply_retention
from events.privacy.models import ConsentRecord
from events.ticketing.models import Order, Ticket
from tests.factories import make_event, make_order, make_organiser, make_ticket_type


async def _event_with_answers(**policy: int) -> tuple[Event, str, str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, **policy)
    diet = await offers.create_question(owner, event, {"label": "Régime", "kind": "text", "sensitive": True})
    lab = await offers.create_question(owner, event, {"label": "Laboratoire", "kind": "text"})
    order = await make_order(event, (await make_ticket_type(event)).id)
    ticket = await Ticket.get(order_id=order.id)
    ticket.answers = {str(diet.id): "sans gluten", str(lab.id): "INSERM U1037"}
    await ticket.save()
    return event, str(diet.id), str(lab.id)


async def test_sensitive_answers_are_purged_after_their_days_and_the_rest_after_its_months(
    app: object,
) -> None:
    event, _diet, lab = await _event_with_answers(retention_months=6, sensitive_retention_days=10)
    other, _d, _l = await _event_with_answers(retention_months=12, sensitive_retention_days=60)
    with clock.frozen(event.ends_at + timedelta(days=9)) as advance:
        assert await apply_retention() == 0
        advance(timedelta(days=1, seconds=1))
        assert await apply_retention() == 1
        ticket = await Ticket.get(event_id=event.id)
        assert ticket.answers == {lab: "INSERM U1037"}
        assert ticket.attendee_name != "—"
        untouched = await Ticket.get(event_id=other.id)
        assert len(untouched.answers) == 2
        assert await apply_retention() == 0  # done once
        advance(add_months(event.ends_at, 6) - clock.now() + timedelta(seconds=1))
        assert await apply_retention() == 2  # this event anonymised, the other's 60 days are over too
    ticket = await Ticket.get(event_id=event.id)
    order = await Order.get(event_id=event.id)
    assert (ticket.attendee_name, ticket.attendee_email, ticket.answers) == ("—", "", {})
    assert (order.buyer_email, order.buyer_name) == ("", "—")
    assert await ConsentRecord.filter(event_id=event.id, email__not="").count() == 0
    kept = await Ticket.get(event_id=other.id)
    assert kept.attendee_name != "—" and len(kept.answers) == 1
    assert (await Event.get(id=event.id)).anonymised_at is not None


async def test_an_order_records_its_optional_consents_with_the_notice_version(app: object) -> None:
    event = await make_event(await make_organiser(), published=True)
    order = await make_order(
        event, (await make_ticket_type(event)).id, consents={"privacy": True, "marketing": True}
    )
    records = await ConsentRecord.filter(order_id=order.id).order_by("purpose")
    assert [(r.purpose, r.granted) for r in records] == [("marketing", True), ("partners", False)]
    assert {r.notice_version for r in records} == {notice_version(event)}
    assert {r.email for r in records} == {order.buyer_email}

"""Attendee self-service: the buyer corrects attendees' details until the event's edit deadline."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from events import clock
from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event, Question, TicketType
from events.errors import OrderNotChangeable
from events.ticketing import attendees
from events.ticketing.lifecycle import cancel_by_attendee
from events.ticketing.models import Order, Ticket
from tests.factories import csrf_from, make_event, make_order, make_organiser, make_ticket_type


@pytest.fixture
async def event(app: object) -> Event:
    return await make_event(await make_organiser(), published=True)


@pytest.fixture
async def pass_(event: Event) -> TicketType:
    return await make_ticket_type(event, name="Pass congrès")


@pytest.fixture
async def diet(event: Event) -> Question:
    owner = await User.filter(organisation_id=event.organisation_id).first()
    assert owner is not None
    return await offers.create_question(
        owner,
        event,
        {"label": "Régime", "kind": "choice", "options": ["Aucun", "Végétarien"], "sensitive": True},
    )


async def _order(event: Event, pass_: TicketType) -> tuple[Order, list[Ticket]]:
    order = await make_order(event, pass_.id, pass_.id)
    return order, await Ticket.filter(order_id=order.id).order_by("id")


def _edit_path(order: Order, ticket: Ticket) -> str:
    return f"/orders/{order.code}/{order.secret}/tickets/{ticket.id}/attendee"


def _form(token: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "ticket-0-name": "Camille Durand-Petit",
        "ticket-0-email": "camille@labo.fr",
        "ticket-0-organisation": "Inserm",
        "ticket-0-job_title": "Chercheuse",
    }
    data.update(fields)
    return data


async def test_order_page_links_each_attendee_to_its_edit_page(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    order, tickets = await _order(event, pass_)
    page = (await client.get(f"/orders/{order.code}/{order.secret}")).text
    for ticket in tickets:
        assert _edit_path(order, ticket) in page


async def test_buyer_corrects_an_attendee_before_the_deadline(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    order, tickets = await _order(event, pass_)
    path = _edit_path(order, tickets[1])
    page = await client.get(path)
    assert f'value="{tickets[1].attendee_last_name}"' in page.text
    answer = await client.post(path, data=_form(await csrf_from(client, path)))
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("notice=attendee_saved")
    changed = await Ticket.get(id=tickets[1].id)
    assert (changed.attendee_name, changed.attendee_email, changed.attendee_job_title) == (
        "Camille Durand-Petit",
        "camille@labo.fr",
        "Chercheuse",
    )
    assert changed.secret == tickets[1].secret
    assert (await Ticket.get(id=tickets[0].id)).attendee_name == tickets[0].attendee_name
    order_page = await client.get(answer.headers["location"])
    assert "Camille Durand-Petit" in order_page.text


async def test_change_is_in_the_audit_trail_without_sensitive_answers(
    client: httpx.AsyncClient, event: Event, pass_: TicketType, diet: Question
) -> None:
    order, tickets = await _order(event, pass_)
    path = _edit_path(order, tickets[0])
    data = _form(await csrf_from(client, path), **{f"ticket-0-q-{diet.id}": "Végétarien"})
    assert (await client.post(path, data=data)).status_code == 303
    entry = await AuditEntry.get(action="ticket.attendee_updated")
    assert entry.object_id == str(tickets[0].id) and entry.user_id is None
    assert entry.after["name"] == "Camille Durand-Petit"
    assert entry.after[f"answer_{diet.id}"] == "…"
    assert (await Ticket.get(id=tickets[0].id)).answers == {str(diet.id): "Végétarien"}


async def test_bad_details_show_the_form_again_and_change_nothing(
    client: httpx.AsyncClient, event: Event, pass_: TicketType, diet: Question
) -> None:
    order, tickets = await _order(event, pass_)
    path = _edit_path(order, tickets[0])
    data = _form(
        await csrf_from(client, path),
        **{"ticket-0-name": "", "ticket-0-email": "nope", f"ticket-0-q-{diet.id}": "Carnivore"},
    )
    answer = await client.post(path, data=data)
    assert answer.status_code == 422
    for field in ("ticket-0-last_name", "ticket-0-email", f"ticket-0-q-{diet.id}"):
        assert f'id="e-{field}"' in answer.text
    assert 'value="Inserm"' in answer.text
    unchanged = await Ticket.get(id=tickets[0].id)
    assert unchanged.attendee_name == tickets[0].attendee_name
    assert await AuditEntry.filter(action="ticket.attendee_updated").count() == 0


async def test_after_the_edit_deadline_changes_are_refused(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    order, tickets = await _order(event, pass_)
    path = _edit_path(order, tickets[0])
    token = await csrf_from(client, path)
    event.attendee_edit_until = clock.now() - timedelta(minutes=1)
    await event.save()
    with pytest.raises(OrderNotChangeable) as refused:
        await attendees.update_attendee(order, tickets[0].id, {"attendee": {"name": "X"}})
    assert refused.value.code == "order_not_changeable"
    answer = await client.post(path, data=_form(token))
    assert answer.status_code == 409
    assert "can no longer be changed" in answer.text
    assert (await Ticket.get(id=tickets[0].id)).attendee_name == tickets[0].attendee_name
    order_page = await client.get(f"/orders/{order.code}/{order.secret}")
    assert _edit_path(order, tickets[0]) not in order_page.text
    assert "can no longer be changed" in order_page.text


async def test_without_a_deadline_changes_stop_when_the_event_starts(event: Event, pass_: TicketType) -> None:
    order, tickets = await _order(event, pass_)
    with clock.frozen(event.starts_at - timedelta(seconds=1)):
        await attendees.update_attendee(order, tickets[0].id, {"attendee": {"name": "Avant"}})
    with clock.frozen(event.starts_at), pytest.raises(OrderNotChangeable):
        await attendees.update_attendee(order, tickets[0].id, {"attendee": {"name": "Après"}})
    assert (await Ticket.get(id=tickets[0].id)).attendee_name == "Avant"


async def test_cancelled_order_cannot_be_changed(event: Event, pass_: TicketType) -> None:
    order, tickets = await _order(event, pass_)
    await cancel_by_attendee(order)
    with pytest.raises(OrderNotChangeable):
        await attendees.update_attendee(order, tickets[0].id, {"attendee": {"name": "X"}})


async def test_ticket_of_another_order_is_not_found(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    mine, _tickets = await _order(event, pass_)
    _theirs, their_tickets = await _order(event, pass_)
    path = _edit_path(mine, their_tickets[0])
    assert (await client.get(path)).status_code == 404
    wrong_secret = f"/orders/{mine.code}/not-the-secret/tickets/{their_tickets[0].id}/attendee"
    assert (await client.get(wrong_secret)).status_code == 404

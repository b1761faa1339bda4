"""A question marked "show at the door" from the dashboard, and each attendee's own agreement to it on the
registration form: asked only where such questions exist, recorded per attendee."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event, Question
from events.privacy.models import ConsentRecord
from events.ticketing.models import Ticket
from tests.factories import csrf_from, login, make_event, make_organiser, make_ticket_type


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True)


async def test_organiser_marks_a_question_show_at_the_door_in_the_dashboard(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    await login(client, owner.email)
    path = f"/dashboard/events/{event.slug}/questions"
    fields = {"label": "Besoins d'accessibilité", "kind": "text", "show_at_door": "on"}
    answer = await client.post(path, data={"csrf_token": await csrf_from(client, path), **fields})

    assert answer.status_code == 303
    question = await Question.get(event_id=event.id)
    assert (question.show_at_door, question.sensitive) == (True, True)
    entry = await AuditEntry.get(action="question.created")
    assert entry.after["show_at_door"] is True
    page = (await client.get(f"{answer.headers['location']}?lang=en")).text
    assert "At the door" in page


async def test_registration_asks_each_attendee_only_when_a_question_is_shown_at_the_door(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    path = f"/events/{event.slug}/register?type-{pass_.id}=2&lang=en"
    await offers.create_question(owner, event, {"label": "Laboratoire", "kind": "text"})
    assert 'name="ticket-0-door"' not in (await client.get(path)).text

    await offers.create_question(owner, event, {"label": "Régime", "kind": "text", "show_at_door": True})
    form = (await client.get(path)).text

    assert 'name="ticket-0-door"' in form and 'name="ticket-1-door"' in form
    assert "door staff see my answers to these questions when my badge is scanned: Régime." in form


async def test_each_attendee_s_agreement_from_the_form_is_recorded(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    diet = await offers.create_question(
        owner, event, {"label": "Régime", "kind": "text", "show_at_door": True}
    )
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{pass_.id}=2")
    data = {
        "csrf_token": token, "count": "2", "privacy": "on",
        "ticket-0-type": str(pass_.id), "ticket-0-name": "Camille Durand",
        "ticket-0-email": "camille@labo.fr",
        f"ticket-0-q-{diet.id}": "Sans gluten", "ticket-0-door": "on",
        "ticket-1-type": str(pass_.id), "ticket-1-name": "Noah Martin", f"ticket-1-q-{diet.id}": "Végétarien",
        "buyer-name": "Camille Durand", "buyer-email": "camille@labo.fr", "buyer-country": "FR",
    }  # fmt: skip

    answer = await client.post(f"/events/{event.slug}/register", data=data)

    assert answer.status_code == 303, answer.text
    tickets = await Ticket.filter(event_id=event.id).order_by("id")
    assert [(t.attendee_name, t.door_consent) for t in tickets] == [
        ("Camille Durand", True),
        ("Noah Martin", False),
    ]
    rows = await ConsentRecord.filter(purpose="door").order_by("id").values_list("email", "granted")
    assert rows == [("camille@labo.fr", True), ("camille@labo.fr", False)]

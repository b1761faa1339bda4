"""Changing and deleting what is on sale: ticket types, promo codes and questions; unpublishing and
previewing an event. What an order used stays (a clear 409), every change is audited, and another
organisation's object is a 404."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event, EventStatus, PromoCode, Question, TicketType
from events.ticketing.models import Order, OrderStatus, Ticket
from tests.factories import csrf_from, login, make_event, make_order, make_organiser, make_ticket_type


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True, capacity=100)


async def _post(client: httpx.AsyncClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    token = await csrf_from(client, "/dashboard")
    return await client.post(path, data={**(data or {}), "csrf_token": token})


# ------------------------------------------------------------------ ticket types


async def test_unsold_ticket_type_is_deleted_with_an_audit_row(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    spare = await make_ticket_type(event, name="Tarif oublié")
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{event.slug}/tickets/{spare.id}/delete")
    assert answer.status_code == 303
    assert not await TicketType.exists(id=spare.id)
    assert await AuditEntry.exists(action="ticket_type.deleted", object_id=str(spare.id))


async def test_sold_ticket_type_is_refused_with_a_409_and_a_message(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    sold = await make_ticket_type(event)
    await make_order(event, sold.id)
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{event.slug}/tickets/{sold.id}/delete?lang=en")
    assert answer.status_code == 409
    assert "hide it or end its sales" in answer.text
    assert await TicketType.exists(id=sold.id)
    assert await Ticket.filter(ticket_type_id=sold.id).count() == 1


async def test_another_organisations_ticket_type_cannot_be_deleted(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    stranger = await make_organiser()
    theirs = await make_event(stranger)
    their_type = await make_ticket_type(theirs)
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{theirs.slug}/tickets/{their_type.id}/delete")
    assert answer.status_code == 404
    answer = await _post(client, f"/dashboard/events/{event.slug}/tickets/{their_type.id}/delete")
    assert answer.status_code == 404
    assert await TicketType.exists(id=their_type.id)


# ------------------------------------------------------------------ promo codes


async def _promo(owner: User, event: Event, code: str = "MEMBRE2027") -> PromoCode:
    return await offers.create_promo_code(owner, event, {"code": code, "percent_off": 10})


async def test_promo_code_is_changed_through_its_form(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    promo = await _promo(owner, event)
    member = await make_ticket_type(event, name="Adhérent")
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/promo-codes/{promo.id}")).text
    assert 'value="MEMBRE2027"' in page and 'value="10"' in page
    form = {"code": "adherent27", "percent_off": "", "amount_off": "15,50", "max_uses": "30",
            "ticket_types": str(member.id)}  # fmt: skip
    answer = await _post(client, f"/dashboard/events/{event.slug}/promo-codes/{promo.id}", form)
    assert answer.status_code == 303
    changed = await PromoCode.get(id=promo.id)
    assert (changed.code, changed.percent_off, changed.amount_off_cents, changed.max_uses) == (
        "ADHERENT27",
        None,
        1550,
        30,
    )
    assert [t.id for t in await changed.ticket_types.all()] == [member.id]
    entry = await AuditEntry.get(action="promo_code.updated", object_id=str(promo.id))
    assert entry.before is not None and entry.before["code"] == "MEMBRE2027"


async def test_bad_promo_change_shows_the_form_again_and_keeps_the_code(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    promo = await _promo(owner, event)
    await _promo(owner, event, "AUTRE")
    await login(client, owner.email)
    answer = await _post(
        client,
        f"/dashboard/events/{event.slug}/promo-codes/{promo.id}",
        {"code": "autre", "percent_off": "10"},
    )
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.text
    assert (await PromoCode.get(id=promo.id)).code == "MEMBRE2027"


async def test_unused_promo_code_is_deleted_and_a_used_one_is_refused(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event, price="100.00")
    used = await _promo(owner, event, "UTILISE")
    unused = await _promo(owner, event, "INUTILE")
    await make_order(event, pass_.id, promo_code="UTILISE")
    await login(client, owner.email)
    refused = await _post(client, f"/dashboard/events/{event.slug}/promo-codes/{used.id}/delete?lang=en")
    assert refused.status_code == 409
    assert "set its end date" in refused.text
    assert await PromoCode.exists(id=used.id)
    done = await _post(client, f"/dashboard/events/{event.slug}/promo-codes/{unused.id}/delete")
    assert done.status_code == 303
    assert not await PromoCode.exists(id=unused.id)
    assert await AuditEntry.exists(action="promo_code.deleted", object_id=str(unused.id))


# ------------------------------------------------------------------ questions


async def _question(owner: User, event: Event) -> Question:
    return await offers.create_question(
        owner, event, {"label": "Régime alimentaire", "kind": "choice", "options": ["Aucun", "Végétarien"]}
    )


async def test_question_is_changed_and_earlier_answers_stay(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    question = await _question(owner, event)
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    await Ticket.filter(order_id=order.id).update(answers={str(question.id): "Végétarien"})
    await login(client, owner.email)
    form = {
        "label": "Repas du midi",
        "kind": "choice",
        "option-0-key": "Aucun", "option-0-fr": "Aucun",
        "option-1-key": "Végétarien", "option-1-fr": "Végétarien",
        "option-2-fr": "Végan",
        "required": "on",
    }  # fmt: skip
    answer = await _post(client, f"/dashboard/events/{event.slug}/questions/{question.id}", form)
    assert answer.status_code == 303
    changed = await Question.get(id=question.id)
    assert (changed.label, [o["fr"] for o in changed.options], changed.required) == (
        "Repas du midi",
        ["Aucun", "Végétarien", "Végan"],
        True,
    )
    assert [o["key"] for o in changed.options][:2] == ["Aucun", "Végétarien"]  # the answers' keys kept
    assert (await Ticket.get(order_id=order.id)).answers == {str(question.id): "Végétarien"}
    assert await AuditEntry.exists(action="question.updated", object_id=str(question.id))


async def test_answered_question_cannot_be_deleted_and_its_answers_stay_readable(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    question = await _question(owner, event)
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    await Ticket.filter(order_id=order.id).update(answers={str(question.id): "Végétarien"})
    await login(client, owner.email)
    refused = await _post(client, f"/dashboard/events/{event.slug}/questions/{question.id}/delete?lang=en")
    assert refused.status_code == 409
    assert "make it optional instead" in refused.text
    assert await Question.exists(id=question.id)
    page = (await client.get(f"/dashboard/events/{event.slug}/orders/{order.code}")).text
    assert "Régime alimentaire" in page and "Végétarien" in page


async def test_unanswered_question_is_deleted_with_an_audit_row(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    question = await _question(owner, event)
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{event.slug}/questions/{question.id}/delete")
    assert answer.status_code == 303
    assert not await Question.exists(id=question.id)
    assert await AuditEntry.exists(action="question.deleted", object_id=str(question.id))


# ------------------------------------------------------------------ unpublish and preview


async def test_event_without_registrations_is_unpublished_and_hidden_again(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event, price="50.00")
    lapsed = await make_order(event, pass_.id)
    await Order.filter(id=lapsed.id).update(status=OrderStatus.EXPIRED)
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{event.slug}/unpublish")
    assert answer.status_code == 303
    assert (await Event.get(id=event.id)).status == EventStatus.DRAFT
    assert await AuditEntry.exists(action="event.draft", object_id=str(event.id))
    client.cookies.clear()
    assert (await client.get(f"/events/{event.slug}")).status_code == 404


async def test_event_with_a_paid_order_cannot_be_unpublished(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    await make_order(event, pass_.id)
    await login(client, owner.email)
    answer = await _post(client, f"/dashboard/events/{event.slug}/unpublish?lang=en")
    assert answer.status_code == 409
    assert "cancel it to tell them" in answer.text
    assert (await Event.get(id=event.id)).status == EventStatus.PUBLISHED


async def test_draft_preview_opens_for_its_organiser_only(client: httpx.AsyncClient, owner: User) -> None:
    draft = await make_event(owner, title="Rencontres Biotech 2028")
    await make_ticket_type(draft, name="Pass découverte")
    await login(client, owner.email)
    overview = (await client.get(f"/dashboard/events/{draft.slug}")).text
    assert 'id="preview-link"' in overview
    preview = await client.get(f"/dashboard/events/{draft.slug}/preview")
    assert preview.status_code == 200
    assert "Rencontres Biotech 2028" in preview.text and "Pass découverte" in preview.text
    assert 'id="draft-preview"' in preview.text
    assert preview.headers["cache-control"] == "no-store"
    stranger = await make_organiser()
    client.cookies.clear()
    await login(client, stranger.email)
    assert (await client.get(f"/dashboard/events/{draft.slug}/preview")).status_code == 404
    client.cookies.clear()
    anonymous = await client.get(f"/dashboard/events/{draft.slug}/preview")
    assert anonymous.status_code in (302, 303, 401)
    assert "Rencontres Biotech 2028" not in anonymous.text
    assert (await client.get(f"/events/{draft.slug}")).status_code == 404


async def test_question_edit_form_shows_and_saves_the_show_at_door_flag(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    question = await offers.create_question(
        owner, event, {"label": "Régime alimentaire", "kind": "text", "show_at_door": True}
    )
    await login(client, owner.email)
    page = await client.get(f"/dashboard/events/{event.slug}/questions/{question.id}")
    assert 'name="show_at_door" aria-describedby="h-show_at_door" checked' in page.text

    form = {"label": "Régime alimentaire", "kind": "text", "sensitive": "on"}  # the box unticked
    answer = await _post(client, f"/dashboard/events/{event.slug}/questions/{question.id}", form)

    assert answer.status_code == 303
    assert (await Question.get(id=question.id)).show_at_door is False

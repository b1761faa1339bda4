"""What orders read once for many (the event's offer, the member directory, the organisation's identity)
follows every change made through the app at once: the next order sees it."""

from __future__ import annotations

import pytest

from events.accounts import members
from events.catalogue import offers
from events.catalogue.offer_schemas import TicketTypePatch
from events.errors import Invalid
from events.invoicing.seller import update_legal_details
from events.mail.models import OutboxMessage
from tests.factories import make_event, make_order, make_organiser, make_ticket_type

LAB_SIRET = "18003830900019"


async def test_a_new_price_applies_to_the_next_order(app: object) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event, price="100.00")
    assert (await make_order(event, pass_.id)).total_cents == 10000
    await offers.update_ticket_type(owner, pass_, TicketTypePatch(price="80.00"))
    assert (await make_order(event, pass_.id)).total_cents == 8000


async def test_a_new_required_question_is_asked_of_the_next_order(app: object) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event)
    await make_order(event, pass_.id)
    await offers.create_question(owner, event, {"label": "Régime alimentaire", "required": True})
    with pytest.raises(Invalid) as refused:
        await make_order(event, pass_.id)
    assert any(field.startswith("tickets.0.answers") for field in refused.value.details)


async def test_a_new_member_pays_the_member_price_on_the_next_order(app: object) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event, price="300.00", member_price="200.00")
    lab = {"name": "Camille Durand", "email": "camille@inserm.fr", "siret": LAB_SIRET, "country": "FR",
           "organisation": "Unité 1234", "address": "101 rue de Tolbiac, 75013 Paris"}  # fmt: skip
    assert (await make_order(event, pass_.id, buyer=lab)).total_cents == 30000
    await members.replace_directory(owner, {"members": [{"name": "INSERM", "siren": LAB_SIRET[:9]}]})
    second = await make_order(event, pass_.id, buyer=lab)
    assert (second.total_cents, second.member_name) == (20000, "INSERM")


async def test_a_new_legal_name_signs_the_next_confirmation(app: object) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    pass_ = await make_ticket_type(event)
    await make_order(event, pass_.id)
    await update_legal_details(owner, {"legal_name": "Association Biopôle Sud"})
    second = await make_order(event, pass_.id)
    mail = await OutboxMessage.filter(to_address=second.buyer_email).get()
    assert "Association Biopôle Sud" in mail.text_body

"""Next year's edition: a draft copy with every date moved by the same days at the same local time."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event, Question, Session, TicketType
from events.checkin.models import CheckinList
from events.checkin.services import create_list
from events.ticketing.models import Order
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    paris,
)

PARIS = ZoneInfo("Europe/Paris")


async def _source() -> tuple[object, Event]:
    owner = await make_organiser()
    # Winter edition (UTC+1); the copy lands in summer (UTC+2): local times must stay the same.
    event = await make_event(
        owner,
        published=True,
        starts_at=paris(2031, 1, 20, 9).isoformat(),
        ends_at=paris(2031, 1, 21, 18).isoformat(),
    )
    early = await make_ticket_type(event, name="Early bird", sales_end=paris(2030, 12, 1, 23, 59).isoformat())
    await make_ticket_type(event, name="Dîner")
    await offers.create_question(owner, event, {"label": "Régime", "kind": "text"})
    await Session.create(
        event=event,
        title="Ouverture",
        starts_at=paris(2031, 1, 20, 9, 30),
        ends_at=paris(2031, 1, 20, 10, 30),
    )
    await create_list(
        owner, event, {"name": "Dîner", "ticket_types": [early.id], "allow_multiple_entries": False}
    )
    await make_order(event, early.id)
    return owner, event


def _local(moment: object) -> str:
    assert moment is not None
    return moment.astimezone(PARIS).strftime("%H:%M")  # type: ignore[attr-defined]


async def test_duplicate_moves_every_date_by_the_same_days_at_the_same_local_time(
    client: httpx.AsyncClient,
) -> None:
    owner, event = await _source()
    token = await api_token(client, owner.email)  # type: ignore[attr-defined]
    answer = await client.post(
        f"/api/v1/events/{event.slug}/duplicate",
        json={"starts_at": "2031-06-16T09:00:00+02:00", "title": "Congrès 2031 (été)", "slug": "congres-ete"},
        headers=bearer(token),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["slug"] == "congres-ete" and answer.json()["status"] == "draft"
    copy = await Event.get(slug="congres-ete")
    days = (copy.starts_at.astimezone(PARIS).date() - event.starts_at.astimezone(PARIS).date()).days
    assert days == 147
    pairs = [(event.starts_at, copy.starts_at), (event.ends_at, copy.ends_at)]
    old_types = {t.name: t for t in await TicketType.filter(event_id=event.id)}
    new_types = {t.name: t for t in await TicketType.filter(event_id=copy.id)}
    assert set(new_types) == {"Early bird", "Dîner"}
    pairs.append((old_types["Early bird"].sales_end, new_types["Early bird"].sales_end))
    old_session = await Session.get(event_id=event.id)
    new_session = await Session.get(event_id=copy.id)
    pairs += [(old_session.starts_at, new_session.starts_at), (old_session.ends_at, new_session.ends_at)]
    for old, new in pairs:
        assert old is not None and new is not None
        assert (new.astimezone(PARIS).date() - old.astimezone(PARIS).date()).days == days
        assert _local(new) == _local(old)
    assert await Question.filter(event_id=copy.id).count() == 1
    dinner = await CheckinList.get(event_id=copy.id, name="Dîner").prefetch_related("ticket_types")
    assert [t.id for t in dinner.ticket_types] == [new_types["Early bird"].id]
    assert await Order.filter(event_id=copy.id).count() == 0
    assert await AuditEntry.filter(action="event.duplicated", object_id=str(copy.id)).count() == 1


async def test_duplicate_with_a_taken_slug_is_409_and_changes_nothing(client: httpx.AsyncClient) -> None:
    owner, event = await _source()
    token = await api_token(client, owner.email)  # type: ignore[attr-defined]
    before = await Event.all().count()
    answer = await client.post(
        f"/api/v1/events/{event.slug}/duplicate",
        json={"starts_at": "2032-01-19T09:00:00+01:00", "slug": event.slug},
        headers=bearer(token),
    )
    assert answer.status_code == 409
    assert await Event.all().count() == before
    assert not await AuditEntry.filter(action="event.duplicated").exists()


async def test_duplicate_refuses_another_organisation_and_bad_input(client: httpx.AsyncClient) -> None:
    _owner, event = await _source()
    stranger = await make_organiser()
    token = await api_token(client, stranger.email)
    url = f"/api/v1/events/{event.slug}/duplicate"
    assert (
        await client.post(url, json={"starts_at": "2032-01-19T09:00:00+01:00"}, headers=bearer(token))
    ).status_code == 404
    assert (await client.post(url, json={"starts_at": "2032-01-19T09:00:00+01:00"})).status_code == 401
    mine = await api_token(client, _owner.email)  # type: ignore[attr-defined]
    bad = await client.post(url, json={"starts_at": "soon"}, headers=bearer(mine))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"


async def test_dashboard_duplicates_on_a_new_first_day(client: httpx.AsyncClient) -> None:
    owner, event = await _source()
    await login(client, owner.email)  # type: ignore[attr-defined]
    page = f"/dashboard/events/{event.slug}/duplicate"
    token = await csrf_from(client, page)
    answer = await client.post(
        page, data={"csrf_token": token, "starts_on": "2032-01-19", "title": "Édition 2032", "slug": ""}
    )
    assert answer.status_code == 303
    copy = await Event.get(title="Édition 2032")
    assert (
        copy.starts_at.astimezone(PARIS).date().isoformat() == "2032-01-19"
        and _local(copy.starts_at) == "09:00"
    )
    assert copy.ends_at - copy.starts_at == event.ends_at - event.starts_at + timedelta(0)


async def test_duplicate_carries_the_partnering_set_up_at_the_same_local_times(
    client: httpx.AsyncClient,
) -> None:
    from events.partnering import services as partnering
    from events.partnering.models import PartneringSetup, Slot
    from tests.partnering.conftest import setup_body

    owner, event = await _source()
    await partnering.configure(owner, event, setup_body(event))  # type: ignore[arg-type]
    token = await api_token(client, owner.email)  # type: ignore[attr-defined]
    answer = await client.post(
        f"/api/v1/events/{event.slug}/duplicate",
        json={"starts_at": "2031-06-16T09:00:00+02:00", "slug": "congres-ete"},
        headers=bearer(token),
    )
    assert answer.status_code == 201, answer.text
    copy = await Event.get(slug="congres-ete")
    old = [s.starts_at for s in await Slot.filter(event_id=event.id).order_by("starts_at")]
    new = [s.starts_at for s in await Slot.filter(event_id=copy.id).order_by("starts_at")]
    assert len(new) == len(old) > 0
    assert [_local(moment) for moment in new] == [_local(moment) for moment in old]
    assert not (await PartneringSetup.get(event_id=copy.id)).enabled

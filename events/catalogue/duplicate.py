"""Next year's edition: an event copied as a draft, every date moved by the same number of days.

The copy takes the event's settings, ticket types, questions, programme sessions (limited to the
copy's types where the original was) and check-in lists (pointing at the copy's types); never orders,
tickets or promo codes, and a signing key of its own is made when the copy first issues a ticket.
Each date moves by the same whole number of days and keeps its local time in the event's zone, so a
09:00 opening in winter is still 09:00 in summer.

Other areas copy their own data with a copier listed in `COPIERS` below, where a reader sees them all:
each is called inside the same transaction with the source, the copy, the date shift and the id maps
made so far (`{"ticket_type": {old: new}, "session": {…}, "question": {…}}`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from tortoise.models import Model
from tortoise.transactions import in_transaction

from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, EventStatus, Question, Session, TicketType
from events.catalogue.services import _unique_slug as unique_slug
from events.catalogue.services import organiser_event
from events.checkin.models import CheckinList
from events.errors import N_, Conflict, Invalid
from events.i18n import gettext
from events.partnering import services as partnering
from events.validation import validate
from events.web.pagecache import public_pages

M = TypeVar("M", bound=Model)
IdMaps = dict[str, dict[int, int]]
SKIPPED = {"id", "created_at", "updated_at", "lock_version", "sequence"}


@dataclass(frozen=True)
class Shift:
    """Moves a moment by `days` whole days at the same local time in `zone`."""

    days: int
    zone: ZoneInfo

    def move(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        local = moment.astimezone(self.zone).replace(tzinfo=None) + timedelta(days=self.days)
        return local.replace(tzinfo=self.zone)


Copier = Callable[[Event, Event, Shift, IdMaps], Awaitable[None]]


async def _copy_partnering(source: Event, copy: Event, shift: Shift, maps: IdMaps) -> None:
    """The B2B meetings' set-up and slots, at the same local times (no people, requests or meetings)."""

    def move(moment: datetime) -> datetime:
        moved = shift.move(moment)
        assert moved is not None
        return moved

    await partnering.copy_partnering(source, copy, move)


COPIERS: tuple[Copier, ...] = (_copy_partnering,)


class DuplicateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    starts_at: AwareDatetime | datetime
    title: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _values(row: Model, shift: Shift, **overrides: Any) -> dict[str, Any]:
    """The row's own columns (no id or bookkeeping), dates moved, with `overrides` on top."""
    values: dict[str, Any] = {}
    for name in row._meta.db_fields:
        field = row._meta.fields_map.get(name)
        key = field.model_field_name if field is not None else name
        if key in SKIPPED or key in overrides:
            continue
        value = getattr(row, key)
        values[key] = shift.move(value) if isinstance(value, datetime) else value
    return {**values, **overrides}


async def _copy_rows(rows: list[M], shift: Shift, **overrides: Any) -> dict[int, M]:
    made: dict[int, M] = {}
    for row in rows:
        made[row.pk] = await row.__class__.create(**_values(row, shift, **overrides))
    return made


async def _slug(wanted: str | None, title: str) -> str:
    if wanted:
        if await Event.filter(slug=wanted).exists():
            raise Conflict(N_("This address is already used by another event."))
        return wanted
    return await unique_slug(None, title)


def _shift(event: Event, starts_at: datetime) -> Shift:
    zone = ZoneInfo(event.timezone or "Europe/Paris")
    start = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=zone)
    days = (start.astimezone(zone).date() - event.starts_at.astimezone(zone).date()).days
    return Shift(days, zone)


async def duplicate(user: User, slug: str, data: object) -> Event:
    """The copy of the organiser's event `slug` as a draft, starting on the day of `starts_at`."""
    source = await organiser_event(user, slug)
    wanted = validate(DuplicateIn, data)
    shift = _shift(source, wanted.starts_at)
    if abs(shift.days) > 365 * 20:
        raise Invalid({"starts_at": gettext(N_("Choose one of the offered values."))})
    title = wanted.title or source.title
    async with in_transaction():
        copy = await Event.create(
            **_values(
                source, shift, title=title, slug=await _slug(wanted.slug, title), status=EventStatus.DRAFT
            )
        )
        maps: IdMaps = {}
        types = await _copy_rows(
            await TicketType.filter(event_id=source.id).order_by("id"), shift, event_id=copy.id
        )
        maps["ticket_type"] = {old: new.id for old, new in types.items()}
        questions = await _copy_rows(
            await Question.filter(event_id=source.id).order_by("id"), shift, event_id=copy.id
        )
        maps["question"] = {old: new.id for old, new in questions.items()}
        sessions = await _copy_rows(
            await Session.filter(event_id=source.id).order_by("id"), shift, event_id=copy.id
        )
        maps["session"] = {old: new.id for old, new in sessions.items()}
        await _copy_session_types(sessions, types)
        await _copy_lists(source, copy, shift, types, maps["session"])
        for copier in COPIERS:
            await copier(source, copy, shift, maps)
        await audit.record(
            user, user.organisation_id, "event.duplicated", "event", copy.id,
            after={"from": source.slug, "slug": copy.slug, "days": shift.days},
        )  # fmt: skip
    public_pages.clear()
    return copy


async def _copy_session_types(sessions: dict[int, Session], types: dict[int, TicketType]) -> None:
    """A session limited to some ticket types is limited, in the copy, to the copies of those types."""
    for source in await Session.filter(id__in=list(sessions)).prefetch_related("ticket_types"):
        chosen = [types[t.id] for t in source.ticket_types if t.id in types]
        if chosen:
            await sessions[source.id].ticket_types.add(*chosen)


async def _copy_lists(
    source: Event, copy: Event, shift: Shift, types: dict[int, TicketType], sessions: dict[int, int]
) -> None:
    """Each check-in list, admitting the copy's types (and the copy's session, for a session's list)."""
    for checkin_list in (
        await CheckinList.filter(event_id=source.id).order_by("id").prefetch_related("ticket_types")
    ):
        extra: dict[str, Any] = {"event_id": copy.id}
        session_id = getattr(checkin_list, "session_id", None)
        if session_id is not None:
            extra["session_id"] = sessions.get(session_id)
        made = await CheckinList.create(**_values(checkin_list, shift, **extra))
        chosen = [types[t.id] for t in checkin_list.ticket_types if t.id in types]
        if chosen:
            await made.ticket_types.add(*chosen)

"""The wire shapes of programme sessions: what the API and the organiser's form accept, and what they return.

Times without an offset are read in the event's time zone, which (with the event's dates, for the
bounds) comes in through pydantic's validation context: see `sessions.validate_session`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from events import texts
from events.catalogue.models import Event, Session, SessionStatus
from events.catalogue.schemas import Bilingual, Translation
from events.errors import N_
from events.validation import RowRef

SESSION_TEXTS = ("title", "description")

MAX_LENGTH = timedelta(hours=24)
MARGIN = timedelta(days=1)
_DEFAULT_ZONE = "Europe/Paris"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SessionWindow:
    """What validation needs to know of the event: its time zone and the span sessions must fit in.

    Sessions may start the day before the event (a pre-conference workshop) and end the day after,
    counted in whole local days.
    """

    def __init__(self, event: Event) -> None:
        self.zone = ZoneInfo(event.timezone)
        first_day = event.starts_at.astimezone(self.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        last_day = event.ends_at.astimezone(self.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        self.earliest = first_day - MARGIN
        self.latest = last_day + 2 * MARGIN

    def contains(self, value: datetime) -> bool:
        return self.earliest <= value <= self.latest


def _window(info: ValidationInfo) -> SessionWindow | None:
    window = (info.context or {}).get("window")
    return window if isinstance(window, SessionWindow) else None


def _aware(value: datetime, info: ValidationInfo) -> datetime:
    if value.tzinfo is not None:
        return value
    window = _window(info)
    return value.replace(tzinfo=window.zone if window else ZoneInfo(_DEFAULT_ZONE))


class SessionInput(BaseModel):
    """Every field an organiser can set on a session."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # English first, so that the French title's check can see it (at least one language).
    title_en: str = Field(default="", max_length=300)
    title: str = Field(default="", max_length=300, validate_default=True)
    starts_at: datetime
    ends_at: datetime
    room: str = Field(default="", max_length=120)
    speakers: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=20000)
    description_en: str = Field(default="", max_length=20000)
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    status: SessionStatus = SessionStatus.SCHEDULED
    # Ids of the ticket types that may book it (empty: every type); checked against the event's types
    # in `sessions.validate_ticket_types`.
    ticket_types: list[RowRef] = Field(default_factory=list, max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _bilingual(cls, data: object) -> object:
        return texts.expand(data, SESSION_TEXTS)

    @field_validator("title_en", "room", "speakers", "description", "description_en", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("title", "title_en", "room", "speakers", "description", "description_en", mode="before")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        """PostgreSQL refuses NUL in text, and no reader wants the other control characters."""
        return _CONTROL.sub("", value) if isinstance(value, str) else value

    @field_validator("title", "title_en", "room", "speakers")
    @classmethod
    def _one_line(cls, value: str) -> str:
        """Titles, rooms and speakers are shown on one line, in pages and in calendars."""
        return " ".join(value.split())

    @field_validator("title")
    @classmethod
    def _some_title(cls, value: str, info: ValidationInfo) -> str:
        if not value and not info.data.get("title_en"):
            raise ValueError(N_("This field is required."))
        return value

    @field_validator("starts_at")
    @classmethod
    def _start_in_event(cls, value: datetime, info: ValidationInfo) -> datetime:
        value = _aware(value, info)
        window = _window(info)
        if window is not None and not window.contains(value):
            raise ValueError(N_("Keep the session within the event's dates (a day before or after at most)."))
        return value

    @field_validator("ends_at")
    @classmethod
    def _end_after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        value = _aware(value, info)
        starts_at = info.data.get("starts_at")
        if starts_at is not None and value <= starts_at:
            raise ValueError(N_("The end must come after the start."))
        if starts_at is not None and value - starts_at > MAX_LENGTH:
            raise ValueError(N_("A session lasts at most 24 hours."))
        window = _window(info)
        if window is not None and not window.contains(value):
            raise ValueError(N_("Keep the session within the event's dates (a day before or after at most)."))
        return value


class SessionPatch(BaseModel):
    """A partial change: only the fields sent are touched."""

    model_config = ConfigDict(extra="forbid")

    title: Bilingual | None = None
    # The organiser's form sends each language in its own box.
    title_en: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: str | None = None
    speakers: str | None = None
    description: Bilingual | None = None
    description_en: str | None = None
    capacity: int | None = None
    status: SessionStatus | None = None
    ticket_types: list[RowRef] | None = None


class SessionOut(BaseModel):
    """A session in the request's language; `translations` (both languages) only in the organiser API."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    speakers: str
    description: str
    capacity: int | None
    status: SessionStatus
    ticket_types: list[int]
    booked: int
    available: int | None
    translations: dict[str, Translation] | None = None


class SessionList(BaseModel):
    sessions: list[SessionOut]


EDITABLE_FIELDS = tuple(SessionInput.model_fields)
# The fields kept in the session's own row (`ticket_types` is a table of its own).
COLUMN_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "ticket_types")


def type_ids(session: Session) -> list[int]:
    """The ids of the ticket types the session is limited to (fetched beforehand), in id order."""
    return sorted(t.id for t in session.ticket_types)


def session_values(session: Session) -> dict[str, object]:
    """The editable values of a session, as a `SessionInput` would hold them (its types fetched)."""
    values = {name: getattr(session, name) for name in COLUMN_FIELDS}
    values["ticket_types"] = type_ids(session)
    return values


def session_out(session: Session, timezone: str, booked: int, organiser: bool = False) -> dict[str, object]:
    """The JSON of a session: times with the event's offset, and how many places are left."""
    zone = ZoneInfo(timezone)
    values = session_values(session)
    for name in SESSION_TEXTS:
        values.pop(f"{name}_en")
        values[name] = texts.localized(session, name)
    extra = {"translations": texts.translations(session, SESSION_TEXTS)} if organiser else {}
    return {
        "id": session.id,
        **values,
        **extra,
        "starts_at": session.starts_at.astimezone(zone).isoformat(),
        "ends_at": session.ends_at.astimezone(zone).isoformat(),
        "status": str(session.status),
        "booked": booked,
        "available": None if session.capacity is None else max(0, session.capacity - booked),
    }

"""Wire shapes of check-in: a scan, a check-in list, a door token, and the answers the API gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from events.checkin.models import CheckinList
from events.errors import N_
from events.validation import QueryIn

SECRET_MAX_LENGTH = 4096
"""Longer than any secret; a longer text is refused as a malformed request, not looked at."""
ID_MAX = 2**31 - 1
"""Ids are 32-bit integers in the database: a larger number names nothing (and must not reach a query)."""


class ScanIn(BaseModel):
    """One scan. `secret` is what the QR holds; `ticket` (an id) is for the attendee found by name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    secret: str | None = Field(default=None, max_length=SECRET_MAX_LENGTH)
    ticket: int | None = Field(default=None, ge=1, le=ID_MAX)
    checkin_list: int | None = Field(default=None, alias="list", ge=1, le=ID_MAX)
    type: Literal["entry", "exit"] = "entry"
    nonce: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[\x21-\x7e]+$")

    @field_validator("secret")
    @classmethod
    def _trim(cls, value: str | None) -> str | None:
        """Handheld scanners may type a trailing carriage return or spaces."""
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _one_target(self) -> ScanIn:
        if (self.secret is None) == (self.ticket is None):
            raise ValueError(N_("Send either a secret or a ticket id."))
        return self


def unprintable(value: str) -> bool:
    """Control characters or lone surrogates: PostgreSQL refuses NUL in text, and neither is a name."""
    return any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value)


def _printable(value: str) -> str:
    if unprintable(value):
        raise ValueError(N_("This value is not valid."))
    return value


class CheckinListIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)

    _check_name = field_validator("name")(_printable)
    ticket_types: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(default_factory=list, max_length=200)
    allow_multiple_entries: bool = False
    once_per_day: bool = False
    session: int | None = Field(default=None, ge=1, le=ID_MAX)
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @model_validator(mode="after")
    def _window(self) -> CheckinListIn:
        if self.valid_from and self.valid_until and _aware(self.valid_until) <= _aware(self.valid_from):
            raise ValueError(N_("The end must come after the start."))
        return self

    def localised(self, timezone: str) -> CheckinListIn:
        """Times given without an offset are read in the event's time zone (API.md)."""
        zone = ZoneInfo(timezone)
        return self.model_copy(
            update={
                "valid_from": _aware(self.valid_from, zone) if self.valid_from else None,
                "valid_until": _aware(self.valid_until, zone) if self.valid_until else None,
            }
        )


def _aware(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    return value.replace(tzinfo=zone or ZoneInfo("UTC")) if value.tzinfo is None else value


class DoorTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)

    _check_name = field_validator("name")(_printable)


class DoorUserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    password: str = Field(max_length=256)

    _check_name = field_validator("name")(_printable)


class DoorAnswerOut(BaseModel):
    """An answer to a "show at the door" question, of an attendee who agreed to it being shown."""

    question_id: int
    question: str
    answer: str


class ScanTicketOut(BaseModel):
    id: int
    attendee_name: str
    organisation: str
    ticket_type: str
    ticket_type_id: int
    badge_colour: str
    order: str
    # Only at an event that asks a question shown at the door.
    door_answers: list[DoorAnswerOut] | None = None


class ScanOut(BaseModel):
    status: Literal["ok", "already_redeemed", "invalid", "unpaid", "cancelled", "product", "invalid_time"]
    ticket: ScanTicketOut | None
    checked_in_at: str | None
    type: Literal["entry", "exit"]
    list: int | None


class CheckinListOut(BaseModel):
    id: int
    name: str
    is_main: bool
    all_ticket_types: bool
    ticket_types: list[int]
    allow_multiple_entries: bool
    once_per_day: bool
    session: int | None
    valid_from: str | None
    valid_until: str | None


class CheckinListsOut(BaseModel):
    lists: list[CheckinListOut]


class ListStatsOut(BaseModel):
    id: int
    name: str
    checked_in: int
    inside: int
    expected: int
    conflicts: int
    session: int | None


class StatsOut(BaseModel):
    lists: list[ListStatsOut]


class DoorTokenOut(BaseModel):
    token: str
    scanner_url: str


class SearchHitOut(BaseModel):
    id: int
    attendee_name: str
    organisation: str
    ticket_type: str
    order: str
    status: str
    inside: bool


class SearchQuery(QueryIn):
    """A badge left at home: words of a name, an organisation or an order code, on one list."""

    q: str = Field("", max_length=200, description="At least two characters to find anything")
    checkin_list: int | None = Field(
        None, alias="list", ge=1, le=ID_MAX, description="Default: the main list"
    )


class SearchOut(BaseModel):
    tickets: list[SearchHitOut]


def list_out(checkin_list: CheckinList, type_ids: list[int]) -> dict[str, object]:
    return {
        "id": checkin_list.id,
        "name": checkin_list.name,
        "is_main": checkin_list.is_main,
        "all_ticket_types": checkin_list.all_ticket_types,
        "ticket_types": sorted(type_ids),
        "allow_multiple_entries": checkin_list.allow_multiple_entries,
        "once_per_day": checkin_list.once_per_day,
        "session": checkin_list.session_id,
        "valid_from": checkin_list.valid_from.isoformat() if checkin_list.valid_from else None,
        "valid_until": checkin_list.valid_until.isoformat() if checkin_list.valid_until else None,
    }


class OfflineListOut(BaseModel):
    id: int
    name: str
    is_main: bool
    ticket_types: list[int]
    session: int | None
    allow_multiple_entries: bool
    once_per_day: bool
    valid_from: str | None
    valid_until: str | None


class OfflineTicketOut(BaseModel):
    """`name` and `organisation` are present only when the event's `offline_names` is true."""

    ticket_id: int
    ticket_type: int
    status: Literal["valid", "cancelled", "unpaid"]
    sessions: list[int]
    inside: list[int]
    short_code: str
    name: str | None = None
    organisation: str | None = None
    door_answers: list[DoorAnswerOut] | None = None


class OfflineTypeOut(BaseModel):
    name: str
    badge_colour: str


class OfflineSessionOut(BaseModel):
    title: str
    opens_at: str
    ends_at: str
    booking: bool


class OfflinePackOut(BaseModel):
    event: str
    event_id: int
    public_key: str
    offline_names: bool
    lists: list[OfflineListOut]
    ticket_types: dict[str, OfflineTypeOut]
    sessions: dict[str, OfflineSessionOut]
    tickets: dict[str, OfflineTicketOut]
    generated_at: str


BATCH_MAX_SCANS = 5000
"""A door offline for a whole morning queues a few thousand scans; more in one call is not a door."""


class BatchScanIn(BaseModel):
    """One scan made offline: what `ScanIn` holds, plus when the badge was scanned (required)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    secret: str = Field(min_length=1, max_length=SECRET_MAX_LENGTH)
    checkin_list: int | None = Field(default=None, alias="list", ge=1, le=ID_MAX)
    type: Literal["entry", "exit"] = "entry"
    nonce: str = Field(min_length=1, max_length=80, pattern=r"^[\x21-\x7e]+$")
    scanned_at: datetime

    @field_validator("secret")
    @classmethod
    def _trim(cls, value: str) -> str:
        return value.strip()


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scans: list[BatchScanIn] = Field(max_length=BATCH_MAX_SCANS)


class BatchResultOut(BaseModel):
    nonce: str
    status: Literal["ok", "already_redeemed", "invalid", "unpaid", "cancelled", "product", "invalid_time"]
    ticket: ScanTicketOut | None
    checked_in_at: str | None
    conflict: bool


class BatchOut(BaseModel):
    results: list[BatchResultOut]


class ConflictOut(BaseModel):
    ticket_id: int
    attendee_name: str
    first_at: str
    second_at: str
    list: int
    device: str


class ConflictsOut(BaseModel):
    conflicts: list[ConflictOut]

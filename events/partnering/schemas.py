"""Wire shapes of partnering: the organiser's set-up, a profile, a request, a meeting and the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from events.errors import N_
from events.partnering.models import OrganisationKind, Outcome
from events.validation import QueryIn

ID_MAX = 2**31 - 1
TOKEN_MAX_LENGTH = 80
"""A participant token is `{ticket id}-{43 characters}`: anything longer names nobody."""

ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fr: str = Field(default="", max_length=120)
    en: str = Field(default="", max_length=120)


def _pair(value: object) -> object:
    """A plain string sets both languages; one language alone stands for the other."""
    if isinstance(value, str):
        return {"fr": value.strip(), "en": value.strip()}
    if isinstance(value, dict):
        fr, en = str(value.get("fr") or "").strip(), str(value.get("en") or "").strip()
        return {"fr": fr or en, "en": en or fr}
    return value


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: datetime
    ends_at: datetime


class SetupIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    enabled: bool = True
    meeting_minutes: int = Field(default=30, ge=5, le=240)
    windows: list[Window] = Field(default_factory=list, max_length=50)
    tables: int = Field(default=10, ge=1, le=1000)
    table_names: list[ShortText] = Field(default_factory=list, max_length=1000)
    max_meetings: int = Field(default=8, ge=1, le=100)
    requests_close_at: datetime | None = None
    topics: list[Bilingual] = Field(default_factory=list, max_length=100)
    cooperation_types: list[Bilingual] = Field(default_factory=list, max_length=100)
    follow_up_months: int = Field(default=3, ge=1, le=24)

    @field_validator("topics", "cooperation_types", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        return [_pair(item) for item in value] if isinstance(value, list) else value


class Card(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    visible: bool = False
    organisation_kind: OrganisationKind = OrganisationKind.OTHER
    headline: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    topics: list[Annotated[str, Field(max_length=120)]] = Field(default_factory=list, max_length=50)
    offers: list[Card] = Field(default_factory=list, max_length=20)
    looking_for: list[Card] = Field(default_factory=list, max_length=20)
    languages: list[Literal["fr", "en"]] = Field(default_factory=list, max_length=2)
    available_slots: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default_factory=list, max_length=500
    )


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: int = Field(ge=1, le=ID_MAX)
    message: str = Field(default="", max_length=2000)


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(default=10, gt=0, le=60)


class MeetingPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot_id: int = Field(ge=1, le=ID_MAX)
    table: int = Field(ge=1, le=1000)
    pinned: bool = True


class TableScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: str = Field(min_length=1, max_length=4096)

    @field_validator("secret")
    @classmethod
    def _trim(cls, value: str) -> str:
        return value.strip()


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rating: int = Field(ge=1, le=5)
    outcome: Outcome
    comment: str = Field(default="", max_length=2000)


class SlotOut(BaseModel):
    id: int
    starts_at: str
    ends_at: str


class SetupOut(BaseModel):
    enabled: bool
    meeting_minutes: int
    windows: list[Window]
    tables: int
    table_names: list[str]
    max_meetings: int
    requests_close_at: str | None
    topics: list[str]
    cooperation_types: list[str]
    slots: list[SlotOut]


class ProfileOut(BaseModel):
    id: int
    name: str
    organisation: str
    organisation_kind: str
    headline: str
    description: str
    topics: list[str]
    offers: list[Card]
    looking_for: list[Card]
    languages: list[str]


class ProfilesOut(BaseModel):
    profiles: list[ProfileOut]


class RequestOut(BaseModel):
    id: int
    to: int
    message: str
    status: str
    from_: int = Field(alias="from")


class MeetingOut(BaseModel):
    id: int
    request_id: int
    participants: list[int]
    slot_id: int
    starts_at: str
    ends_at: str
    table: int
    status: str
    absent: list[int]


class MeetingsOut(BaseModel):
    meetings: list[MeetingOut]


class ScheduleOut(BaseModel):
    scheduled: int
    total: int
    unscheduled: list[dict[str, str | int]]
    seconds: float


class TableScanOut(BaseModel):
    status: Literal["ok", "not_in_meeting", "invalid"]


class StatsOut(BaseModel):
    participants: int
    visible_profiles: int
    requests: dict[str, int]
    meetings: dict[str, int]
    outcomes: dict[str, int]


UNPLACED_REASONS = {
    "no_common_slot": N_("The two participants have no free slot in common."),
    "max_meetings": N_("One of the participants already has as many meetings as allowed."),
    "no_table": N_("Every table is taken in the slots both participants have free."),
    "time_limit": N_("The solver found no place for it within its time limit."),
}


class ProfilesQuery(QueryIn):
    q: str = Field("", max_length=200, description="Words found in a profile, all of them")
    kind: OrganisationKind | None = None
    topic: str = Field("", max_length=120, description="One of the event's topics")

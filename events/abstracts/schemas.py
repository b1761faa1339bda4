"""The wire shapes of the call for abstracts: what the API and the forms accept.

Times without an offset are read in the event's time zone, given through pydantic's validation
context (`{"zone": ZoneInfo}`), as the programme's sessions do.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from events.abstracts.models import AbstractStatus
from events.catalogue.schemas import EventTime
from events.errors import N_
from events.validation import EMAIL_PATTERN, ID_MAX, QueryIn

MAX_BODY_CHARACTERS = 40_000
MAX_AUTHORS = 40
_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(_WORD.findall(text))


def _aware(value: datetime, info: ValidationInfo) -> datetime:
    if value.tzinfo is not None:
        return value
    zone = (info.context or {}).get("zone")
    return value.replace(tzinfo=zone if isinstance(zone, ZoneInfo) else ZoneInfo("Europe/Paris"))


def _email(value: str) -> str:
    value = value.strip()
    if not EMAIL_PATTERN.match(value):
        raise ValueError(N_("Enter a valid e-mail address."))
    return value.lower()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TrackIn(_Strict):
    id: int | None = Field(default=None, ge=1, le=999_999_999)
    name: str = Field(min_length=1, max_length=200)


class QuestionIn(_Strict):
    id: int | None = Field(default=None, ge=1, le=999_999_999)
    text: str = Field(min_length=1, max_length=300)
    max_score: int = Field(default=5, ge=1, le=100)


class CallTrackOut(BaseModel):
    id: int
    name: str


class ReviewQuestionOut(BaseModel):
    id: int
    text: str
    max_score: int


class CallOut(BaseModel):
    """The call as `GET|PUT …/call-for-abstracts` answer it (services.call_json): ids given, `open` added."""

    opens_at: datetime
    closes_at: datetime
    tracks: list[CallTrackOut]
    contribution_types: list[str]
    max_words: int
    blind: bool
    presenter_promo_code: str | None
    review_questions: list[ReviewQuestionOut]
    open: bool


class CallInput(_Strict):
    """The whole call, as `PUT /api/v1/events/{slug}/call-for-abstracts` sends it."""

    opens_at: EventTime
    closes_at: EventTime
    tracks: list[TrackIn] = Field(min_length=1, max_length=50)
    contribution_types: list[str] = Field(default=["oral", "poster"], min_length=1, max_length=10)
    max_words: int = Field(default=300, ge=10, le=5000)
    blind: bool = False
    presenter_promo_code: str | None = Field(default=None, max_length=40)
    review_questions: list[QuestionIn] = Field(default_factory=list, max_length=30)

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _in_zone(cls, value: datetime, info: ValidationInfo) -> datetime:
        return _aware(value, info)

    @field_validator("contribution_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip().lower() for item in value]
        if any(not _TYPE.match(item) for item in cleaned):
            raise ValueError(N_("Use short names in lower-case letters, digits and underscores."))
        if len(set(cleaned)) != len(cleaned):
            raise ValueError(N_("Each contribution type once."))
        return cleaned

    @model_validator(mode="after")
    def _order(self) -> CallInput:
        if self.closes_at <= self.opens_at:
            raise ValueError(N_("The call must close after it opens."))
        return self


class AuthorIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    affiliation: str = Field(default="", max_length=300)
    presenting: bool = False

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        return _email(value)


class SubmitterIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        return _email(value)


def _authors_ok(authors: list[AuthorIn]) -> list[AuthorIn]:
    if not any(author.presenting for author in authors):
        raise ValueError(N_("Say which author presents."))
    return authors


class SubmissionInput(_Strict):
    """A new abstract; the track and type are checked against the call by the service."""

    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARACTERS)
    track: int = Field(ge=1, le=999_999_999)
    contribution_type: str = Field(min_length=1, max_length=40)
    authors: list[AuthorIn] = Field(min_length=1, max_length=MAX_AUTHORS)
    submitter: SubmitterIn
    locale: Literal["fr", "en"] = "fr"

    @field_validator("authors")
    @classmethod
    def _presenting(cls, value: list[AuthorIn]) -> list[AuthorIn]:
        return _authors_ok(value)


class SubmissionPatch(_Strict):
    """What a submitter may change with the private link, until the call closes."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY_CHARACTERS)
    track: int | None = Field(default=None, ge=1, le=999_999_999)
    contribution_type: str | None = Field(default=None, min_length=1, max_length=40)
    authors: list[AuthorIn] | None = Field(default=None, min_length=1, max_length=MAX_AUTHORS)
    locale: Literal["fr", "en"] | None = None

    @field_validator("authors")
    @classmethod
    def _presenting(cls, value: list[AuthorIn] | None) -> list[AuthorIn] | None:
        return None if value is None else _authors_ok(value)


class ReviewerInput(_Strict):
    user_id: int = Field(ge=1, le=999_999_999)
    tracks: list[int] = Field(min_length=1, max_length=50)
    affiliation: str = Field(default="", max_length=200)


class AssignInput(_Strict):
    per_abstract: int = Field(ge=1, le=20)


class AssignmentChange(_Strict):
    """A manual change: give an abstract to a reviewer, or take it back."""

    abstract_id: int = Field(ge=1, le=999_999_999)
    reviewer_id: int = Field(ge=1, le=999_999_999)


class ReviewInput(_Strict):
    scores: dict[str, int] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=10_000)
    recommendation: str = Field(min_length=1, max_length=48)

    @field_validator("comment", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value


class DecisionInput(_Strict):
    decision: Literal["accepted", "rejected"]
    contribution_type: str | None = Field(default=None, max_length=40)
    track: int | None = Field(default=None, ge=1, le=999_999_999)


class BulkDecisionInput(_Strict):
    abstract_ids: list[int] = Field(min_length=1, max_length=1000)
    decision: Literal["accepted", "rejected"]


class ScheduleInput(_Strict):
    """An oral gets a time and a room; a poster gets a board label."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: str = Field(default="", max_length=120)
    poster_board: str | None = Field(default=None, min_length=1, max_length=40)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _in_zone(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return None if value is None else _aware(value, info)

    @model_validator(mode="after")
    def _one_kind(self) -> ScheduleInput:
        if self.poster_board is None and (self.starts_at is None or self.ends_at is None):
            raise ValueError(N_("Give a start and an end, or a poster board."))
        return self


class AbstractsQuery(QueryIn):
    track: int | None = Field(None, ge=1, le=ID_MAX, description="A track id of the call")
    status: AbstractStatus | None = None

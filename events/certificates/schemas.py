"""Wire shapes of certificates: the organiser's rules (API.md "The door, offline, and attendance")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from events.checkin.schemas import ID_MAX, unprintable
from events.errors import N_
from events.validation import QueryIn


def _printable(value: str) -> str:
    if unprintable(value):
        raise ValueError(N_("This value is not valid."))
    return value


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_checkin: bool = False
    min_sessions: int = Field(default=0, ge=0, le=1000)
    sessions: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(default_factory=list, max_length=500)


class TitleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fr: str = Field(default="", max_length=200)
    en: str = Field(default="", max_length=200)

    _check = field_validator("fr", "en")(_printable)


class CertificatesIn(BaseModel):
    """A plain string title sets both languages; one language alone stands for the other."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rule: RuleIn = Field(default_factory=RuleIn)
    title: TitleIn | str = ""
    signatory: str = Field(default="", max_length=200)

    _check = field_validator("signatory")(_printable)

    @field_validator("title", mode="before")
    @classmethod
    def _plain_title(cls, value: object) -> object:
        if isinstance(value, str):
            if len(value) > 200 or unprintable(value):
                raise ValueError(N_("This value is not valid."))
            return {"fr": value, "en": value}
        return value

    def titles(self) -> tuple[str, str]:
        title = self.title if isinstance(self.title, TitleIn) else TitleIn(fr=self.title, en=self.title)
        return title.fr or title.en, title.en or title.fr


class CertificateRulesOut(BaseModel):
    rule: RuleIn
    title: TitleIn
    signatory: str


class IssuedOut(BaseModel):
    issued: int


INSTITUTION_MAX_LENGTH = 200


class InstitutionQuery(QueryIn):
    institution: str = Field(
        "", max_length=INSTITUTION_MAX_LENGTH, description="As printed; empty for attendees without one"
    )

"""Wire shapes of the privacy API: a person named by e-mail, what is held about them, what was erased."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from events.accounts.services import normalise_email
from events.errors import N_
from events.validation import EMAIL_LENGTH, EMAIL_PATTERN

EXPORT_KINDS = ("orders", "tickets", "answers", "checkins", "consents", "mailings", "partnering", "abstracts")
"""The keys API.md promises in every export, filled or empty; contributors may add more."""


class PersonIn(BaseModel):
    """The person, by e-mail, in a POST body: an address never goes into a URL (or a log)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=EMAIL_LENGTH)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(normalise_email(value)):
            raise ValueError(N_("Enter a valid e-mail address."))
        return normalise_email(value)


class PersonData(BaseModel):
    email: str
    orders: list[dict[str, object]]
    tickets: list[dict[str, object]]
    answers: list[dict[str, object]]
    checkins: list[dict[str, object]]
    consents: list[dict[str, object]]
    mailings: list[dict[str, object]]
    partnering: list[dict[str, object]]
    abstracts: list[dict[str, object]]
    # Billing (orders' invoicing details, transfers, documents issued) and the organisation's team.
    billing: list[dict[str, object]] = Field(default_factory=list)
    bank_transfers: list[dict[str, object]] = Field(default_factory=list)
    invoices: list[dict[str, object]] = Field(default_factory=list)
    team: list[dict[str, object]] = Field(default_factory=list)
    invitations: list[dict[str, object]] = Field(default_factory=list)


class Erased(BaseModel):
    erased: dict[str, int]

"""Wire shapes of what an event sells: ticket types, promo codes and registration questions."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from events import texts
from events.catalogue import options
from events.catalogue.models import PromoCode, Question, QuestionKind, TicketType
from events.catalogue.schemas import Bilingual, Translation
from events.errors import N_
from events.validation import RowRef

TYPE_TEXTS = ("name", "description")

MONEY = Field(default=Decimal("0.00"), ge=0, le=Decimal("100000"), max_digits=9, decimal_places=2)


def money(cents: int) -> str:
    """Integer cents as the decimal string of the API: 12000 -> "120.00"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class TicketTypeInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # English first, so that the French name's check can see it (at least one language).
    name_en: str = Field(default="", max_length=120)
    description_en: str = Field(default="", max_length=5000)
    name: str = Field(default="", max_length=120, validate_default=True)
    description: str = Field(default="", max_length=5000)
    price: Decimal = MONEY
    vat_rate: Decimal = Field(default=Decimal("0.00"), ge=0, le=100, max_digits=5, decimal_places=2)
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    sales_start: datetime | None = None
    sales_end: datetime | None = None
    hidden: bool = False
    max_per_order: int = Field(default=10, ge=1, le=100)
    badge_colour: str = Field(default="#0b5c8e", pattern=r"^#[0-9a-fA-F]{6}$")
    member_price: Decimal | None = Field(
        default=None, ge=0, le=Decimal("100000"), max_digits=9, decimal_places=2
    )
    members_only: bool = False

    @model_validator(mode="before")
    @classmethod
    def _bilingual(cls, data: object) -> object:
        return texts.expand(data, TYPE_TEXTS)

    @field_validator("description", "name_en", "description_en", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("name")
    @classmethod
    def _some_name(cls, value: str, info: ValidationInfo) -> str:
        if not value and not info.data.get("name_en"):
            raise ValueError(N_("This field is required."))
        return value

    @model_validator(mode="after")
    def _window(self) -> TicketTypeInput:
        if self.sales_start and self.sales_end and self.sales_end <= self.sales_start:
            raise ValueError(N_("Sales must end after they start."))
        return self


class TicketTypePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Bilingual | None = None
    description: Bilingual | None = None
    # The organiser's form sends each language in its own box.
    name_en: str | None = None
    description_en: str | None = None
    price: Decimal | None = None
    vat_rate: Decimal | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    sales_start: datetime | None = None
    sales_end: datetime | None = None
    hidden: bool | None = None
    max_per_order: int | None = Field(default=None, ge=1, le=100)
    badge_colour: str | None = None
    member_price: Decimal | None = None
    members_only: bool | None = None


class TicketTypeOut(BaseModel):
    """A ticket type; `translations` (both languages of its texts) only in the organiser API."""

    id: int
    name: str
    description: str
    price: str
    currency: str
    vat_rate: str
    capacity: int | None
    available: int | None
    sales_start: datetime | None
    sales_end: datetime | None
    hidden: bool
    max_per_order: int
    on_sale: bool
    member_price: str | None
    members_only: bool
    translations: dict[str, Translation] | None = None


class TicketTypeList(BaseModel):
    ticket_types: list[TicketTypeOut]


def ticket_type_values(ticket_type: TicketType) -> dict[str, object]:
    return {
        "name": ticket_type.name,
        "name_en": ticket_type.name_en,
        "description": ticket_type.description,
        "description_en": ticket_type.description_en,
        "price": Decimal(ticket_type.price_cents) / 100,
        "vat_rate": Decimal(ticket_type.vat_rate_bp) / 100,
        "capacity": ticket_type.capacity,
        "sales_start": ticket_type.sales_start,
        "sales_end": ticket_type.sales_end,
        "hidden": ticket_type.hidden,
        "max_per_order": ticket_type.max_per_order,
        "badge_colour": ticket_type.badge_colour,
        "member_price": None
        if ticket_type.member_price_cents is None
        else Decimal(ticket_type.member_price_cents) / 100,
        "members_only": ticket_type.members_only,
    }


def ticket_type_out(
    ticket_type: TicketType, currency: str, available: int | None, on_sale: bool
) -> dict[str, object]:
    return {
        "id": ticket_type.id,
        "name": texts.localized(ticket_type, "name"),
        "description": texts.localized(ticket_type, "description"),
        "price": money(ticket_type.price_cents),
        "currency": currency,
        "vat_rate": money(ticket_type.vat_rate_bp),
        "capacity": ticket_type.capacity,
        "available": available,
        "sales_start": ticket_type.sales_start.isoformat() if ticket_type.sales_start else None,
        "sales_end": ticket_type.sales_end.isoformat() if ticket_type.sales_end else None,
        "hidden": ticket_type.hidden,
        "max_per_order": ticket_type.max_per_order,
        "on_sale": on_sale,
        "member_price": None
        if ticket_type.member_price_cents is None
        else money(ticket_type.member_price_cents),
        "members_only": ticket_type.members_only,
    }


class PromoCodeInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    percent_off: int | None = Field(default=None, ge=1, le=100)
    amount_off: Decimal | None = Field(default=None, gt=0, max_digits=9, decimal_places=2)
    max_uses: int | None = Field(default=None, ge=1, le=1_000_000)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    ticket_types: list[RowRef] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _one_discount(self) -> PromoCodeInput:
        if self.percent_off is not None and self.amount_off is not None:
            raise ValueError(N_("Give either a percentage or an amount, not both."))
        return self


class PromoCodeOut(BaseModel):
    id: int
    code: str
    percent_off: int | None
    amount_off: str | None
    max_uses: int | None
    uses: int
    valid_from: datetime | None
    valid_until: datetime | None
    ticket_types: list[int]


def promo_code_out(promo: PromoCode, ticket_type_ids: list[int], uses: int) -> dict[str, object]:
    return {
        "id": promo.id,
        "code": promo.code,
        "percent_off": promo.percent_off,
        "amount_off": money(promo.amount_off_cents) if promo.amount_off_cents else None,
        "max_uses": promo.max_uses,
        "uses": uses,
        "valid_from": promo.valid_from.isoformat() if promo.valid_from else None,
        "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
        "ticket_types": ticket_type_ids,
    }


QUESTION_TEXTS = ("label",)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: object) -> object:
    """PostgreSQL refuses NUL in text and JSON, and no reader wants the other control characters."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class OptionIn(BaseModel):
    """One option in both languages; `key` (kept when sent) is what answers name."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(default="", max_length=200)
    fr: str = Field(default="", max_length=300)
    en: str = Field(default="", max_length=300)

    _no_control_characters = field_validator("key", "fr", "en", mode="before")(_printable)


class QuestionInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # English first, so that the French label's check can see it (at least one language).
    label_en: str = Field(default="", max_length=300)
    label: str = Field(default="", max_length=300, validate_default=True)
    kind: QuestionKind = QuestionKind.TEXT
    required: bool = False
    options: list[Annotated[str, Field(max_length=300)] | OptionIn] = Field(
        default_factory=list, max_length=50
    )
    sensitive: bool = False
    # Shown to the door staff at the scan, for attendees who agreed; always sensitive (purged by retention).
    show_at_door: bool = False
    position: int = Field(default=0, ge=-1_000_000, le=1_000_000)

    @model_validator(mode="before")
    @classmethod
    def _bilingual(cls, data: object) -> object:
        return texts.expand(data, QUESTION_TEXTS)

    @field_validator("label_en", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("label", "label_en", mode="before")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        return _printable(value)

    @field_validator("options", mode="before")
    @classmethod
    def _printable_options(cls, value: object) -> object:
        return [_printable(item) for item in value] if isinstance(value, list) else value

    @field_validator("label")
    @classmethod
    def _some_label(cls, value: str, info: ValidationInfo) -> str:
        if not value and not info.data.get("label_en"):
            raise ValueError(N_("This field is required."))
        return value

    @model_validator(mode="after")
    def _options(self) -> QuestionInput:
        needs_options = self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE)
        if needs_options and len(self.option_values()) < 2:
            raise ValueError(N_("Give at least two options."))
        if self.show_at_door:
            self.sensitive = True
        return self

    def option_values(self, previous: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
        """The options as stored: `{key, fr, en}`, keys kept from `previous` where the text is the same."""
        sent = [o if isinstance(o, str) else o.model_dump() for o in self.options]
        return options.normalise(sent, previous or [])


class QuestionPatch(BaseModel):
    """A partial change: only the fields sent are touched; options sent replace the list."""

    model_config = ConfigDict(extra="forbid")

    label: Bilingual | None = None
    label_en: str | None = None
    required: bool | None = None
    options: list[Annotated[str, Field(max_length=300)] | OptionIn] | None = Field(
        default=None, max_length=50
    )
    sensitive: bool | None = None
    show_at_door: bool | None = None
    position: int | None = Field(default=None, ge=-1_000_000, le=1_000_000)


class OptionOut(BaseModel):
    """An option: its key and its text in the request's language (the organiser also gets fr and en)."""

    key: str
    label: str
    fr: str | None = None
    en: str | None = None


class QuestionOut(BaseModel):
    id: int
    label: str
    kind: str
    required: bool
    options: list[OptionOut]
    sensitive: bool
    show_at_door: bool
    position: int
    translations: dict[str, Translation] | None = None


def question_values(question: Question) -> dict[str, object]:
    return {
        "label": question.label,
        "label_en": question.label_en,
        "kind": str(question.kind),
        "required": question.required,
        "options": options.stored(question.options),
        "sensitive": question.sensitive,
        "show_at_door": question.show_at_door,
        "position": question.position,
    }


def question_out(question: Question, organiser: bool = False) -> dict[str, object]:
    shown = []
    for option in options.stored(question.options):
        row: dict[str, object] = {"key": option["key"], "label": options.text(option)}
        if organiser:
            row.update(fr=option["fr"], en=option["en"])
        shown.append(row)
    out: dict[str, object] = {
        "id": question.id,
        "label": texts.localized(question, "label"),
        "kind": str(question.kind),
        "required": question.required,
        "options": shown,
        "sensitive": question.sensitive,
        "show_at_door": question.show_at_door,
        "position": question.position,
    }
    if organiser:
        out["translations"] = texts.translations(question, QUESTION_TEXTS)
    return out


class BadgeColours(BaseModel):
    """The colour band of each ticket type on its badges, by ticket type id (`#rrggbb`)."""

    model_config = ConfigDict(extra="forbid")

    colours: dict[Annotated[int, Field(ge=1, le=2**31 - 1)], Annotated[str, Field(max_length=20)]]

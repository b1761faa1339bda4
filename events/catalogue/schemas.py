"""The wire shapes of events: what the API and the organiser's form accept, and what they return."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from events import texts
from events.catalogue.models import Event
from events.errors import N_

FIRST_YEAR, LAST_YEAR = 2000, 2199


def _sane_year(value: datetime) -> datetime:
    """An event between 2000 and 2199: earlier dates are typing slips, and before 1900 the time zones'
    local mean time has offsets in seconds, which no ISO 8601 reader accepts back."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(N_("Give a date between 2000 and 2199."))
    return value


EventTime = Annotated[datetime, AfterValidator(_sane_year)]


BILINGUAL_FIELDS = ("title", "description", "venue")
# A bilingual text on the wire: a plain string (both languages) or {"fr": "…", "en": "…"}.
Bilingual = str | dict[Literal["fr", "en"], str]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_COUNTRIES = frozenset(code for code in get_global("territory_currencies") if len(code) == 2)
_CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "CAD", "JPY", "SEK", "NOK", "DKK", "PLN"})
_ZONES = frozenset(available_timezones())


class EventInput(BaseModel):
    """Every field an organiser can set on an event. Times without an offset are local to `timezone`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The English columns come first so that the French validators can see them (at least one language).
    title_en: str = Field(default="", max_length=200)
    description_en: str = Field(default="", max_length=20000)
    venue_en: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200, validate_default=True)
    slug: str | None = Field(default=None, max_length=80, pattern=SLUG_PATTERN)
    description: str = Field(default="", max_length=20000)
    venue: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=120)
    country: str = Field(default="", max_length=2)
    timezone: str = "Europe/Paris"
    starts_at: EventTime
    ends_at: EventTime
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    currency: str = "EUR"
    invoice_payment_days: int | None = Field(default=None, ge=1, le=60)
    retention_months: int = Field(default=36, ge=1, le=120)
    sensitive_retention_days: int = Field(default=30, ge=0, le=3650)
    offline_names: bool = False

    @model_validator(mode="before")
    @classmethod
    def _bilingual(cls, data: object) -> object:
        return texts.expand(data, BILINGUAL_FIELDS)

    @field_validator(
        "title",
        "description",
        "venue",
        "address",
        "city",
        "country",
        "title_en",
        "description_en",
        "venue_en",
        mode="before",
    )
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("title")
    @classmethod
    def _some_title(cls, value: str, info: ValidationInfo) -> str:
        if not value and not info.data.get("title_en"):
            raise ValueError(N_("This field is required."))
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value and value.upper() not in _COUNTRIES:
            raise ValueError(N_("Use a two-letter country code such as FR."))
        return value.upper()

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value not in _ZONES:
            raise ValueError(N_("Use a time zone such as Europe/Paris."))
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value.upper() not in _CURRENCIES:
            raise ValueError(N_("Use a currency code such as EUR."))
        return value.upper()

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        zone = _zone(info.data.get("timezone"))
        if starts_at is not None and _aware(value, zone) <= _aware(starts_at, zone):
            raise ValueError(N_("The end must come after the start."))
        return value

    @model_validator(mode="after")
    def _localise(self) -> EventInput:
        zone = _zone(self.timezone)
        self.starts_at = _aware(self.starts_at, zone)
        self.ends_at = _aware(self.ends_at, zone)
        return self


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name)) if name in _ZONES else ZoneInfo("Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


class EventPatch(BaseModel):
    """A partial change: only the fields sent are touched (a plain text sets both languages)."""

    model_config = ConfigDict(extra="forbid")

    title: Bilingual | None = None
    slug: str | None = None
    description: Bilingual | None = None
    venue: Bilingual | None = None
    # The organiser's form sends each language in its own box.
    title_en: str | None = None
    description_en: str | None = None
    venue_en: str | None = None
    address: str | None = None
    city: str | None = None
    country: str | None = None
    timezone: str | None = None
    starts_at: EventTime | None = None
    ends_at: EventTime | None = None
    capacity: int | None = None
    currency: str | None = None
    invoice_payment_days: int | None = None
    retention_months: int | None = None
    sensitive_retention_days: int | None = None
    offline_names: bool | None = None


class Translation(BaseModel):
    fr: str
    en: str


class EventOut(BaseModel):
    slug: str
    title: str
    description: str
    venue: str
    address: str
    city: str
    country: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    currency: str
    invoice_payment_days: int | None
    retention_months: int
    sensitive_retention_days: int
    offline_names: bool
    status: str
    url: str
    ical_url: str
    translations: dict[str, Translation] | None = None


class EventList(BaseModel):
    events: list[EventOut]


EDITABLE_FIELDS = tuple(EventInput.model_fields)
_PUBLIC_FIELDS = tuple(name for name in EDITABLE_FIELDS if not name.endswith("_en"))


def event_values(event: Event) -> dict[str, object]:
    """The editable values of an event, as an `EventInput` would hold them."""
    return {name: getattr(event, name) for name in EDITABLE_FIELDS}


def event_out(event: Event, base_url: str, organiser: bool = False) -> dict[str, object]:
    """The event as the API answers it: texts in the request's language, both for the organiser."""
    zone = ZoneInfo(event.timezone)
    extra: dict[str, object] = {}
    if organiser:
        extra["translations"] = texts.translations(event, BILINGUAL_FIELDS)
    return {
        **{name: getattr(event, name) for name in _PUBLIC_FIELDS},
        **{name: texts.localized(event, name) for name in BILINGUAL_FIELDS},
        **extra,
        "starts_at": event.starts_at.astimezone(zone).isoformat(),
        "ends_at": event.ends_at.astimezone(zone).isoformat(),
        "status": str(event.status),
        "url": f"{base_url}/events/{event.slug}",
        "ical_url": f"{base_url}/events/{event.slug}.ics",
    }

"""What is on offer: events (and, as the catalogue grows, their programme and ticket types).

An event's status moves one way:

    draft ──publish──▶ published ──cancel──▶ cancelled
      ▲ └──────────────cancel──────────────────▲
      └──unpublish── published (only while no order is pending, paid or refunded)

Only published events are visible to the public; a cancelled event stays readable (and in the feeds,
marked cancelled) but can no longer be changed or sold.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from events.accounts.models import Organisation
from events.catalogue import options
from events.texts import Localized


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Event(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="events", on_delete=fields.RESTRICT
    )
    slug = fields.CharField(max_length=80, unique=True)
    # French in the original columns, English in `_en` (events.texts reads them in the reader's language).
    title = fields.CharField(max_length=200)
    title_en = fields.CharField(max_length=200, default="", db_default="")
    description = fields.TextField(default="")
    description_en = fields.TextField(default="", db_default="")
    venue = fields.CharField(max_length=200, default="")
    venue_en = fields.CharField(max_length=200, default="", db_default="")
    address = fields.CharField(max_length=300, default="")
    city = fields.CharField(max_length=120, default="")
    country = fields.CharField(max_length=2, default="")
    timezone = fields.CharField(max_length=64, default="Europe/Paris")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField(null=True)
    currency = fields.CharField(max_length=3, default="EUR")
    status = fields.CharEnumField(EventStatus, max_length=16, default=EventStatus.DRAFT)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    hold_minutes = fields.IntField(default=15)
    allow_self_cancel = fields.BooleanField(default=True)
    attendee_edit_until = fields.DatetimeField(null=True)
    waiting_list_offer_hours = fields.IntField(default=24)
    privacy_notice = fields.TextField(default="")
    # Days a buyer has to pay by bank transfer on invoice; null = paying on invoice is off.
    invoice_payment_days = fields.IntField(null=True)
    # Data protection (events.privacy.jobs): attendee data is anonymised `retention_months` after the
    # event ends, answers to sensitive questions `sensitive_retention_days` after it; each job marks
    # the event when done, so it runs once per event.
    retention_months = fields.IntField(default=36, db_default=36)
    sensitive_retention_days = fields.IntField(default=30, db_default=30)
    anonymised_at = fields.DatetimeField(null=True)
    sensitive_purged_at = fields.DatetimeField(null=True)
    offline_names = fields.BooleanField(default=False, db_default=False)
    sequence = fields.IntField(default=0)
    # Written first by every order transaction: it takes the event's lock on both databases.
    lock_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    organisation_id: int

    class Meta:
        table = "event"
        ordering = ("starts_at",)

    def __str__(self) -> str:
        return self.title or self.title_en

    @property
    def i18n(self) -> Localized:
        return Localized(self)


class TicketType(Model):
    """Something an attendee can buy (or take for free) for one event.

    `capacity` is this type's own limit inside the event's cap (null: only the event's cap applies).
    A `hidden` type is offered only to a buyer whose promo code unlocks it.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="ticket_types", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    name_en = fields.CharField(max_length=120, default="", db_default="")
    description = fields.TextField(default="")
    description_en = fields.TextField(default="", db_default="")
    price_cents = fields.IntField(default=0)
    vat_rate_bp = fields.IntField(default=0, description="VAT rate in hundredths of a percent")
    capacity = fields.IntField(null=True)
    sales_start = fields.DatetimeField(null=True)
    sales_end = fields.DatetimeField(null=True)
    hidden = fields.BooleanField(default=False)
    max_per_order = fields.IntField(default=10)
    # Price for buyers found in the organisation's member directory (null = the same price for all).
    member_price_cents = fields.IntField(null=True)
    members_only = fields.BooleanField(default=False, db_default=False)
    badge_colour = fields.CharField(max_length=7, default="#0b5c8e")
    position = fields.IntField(default=0)
    lock_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int

    @property
    def i18n(self) -> Localized:
        return Localized(self)

    class Meta:
        table = "ticket_type"
        ordering = ("position", "id")


class PromoCode(Model):
    """A code that takes a percentage or an amount off, and may unlock hidden ticket types.

    An empty `ticket_types` set means every type of the event.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="promo_codes", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=40)
    percent_off = fields.IntField(null=True)
    amount_off_cents = fields.IntField(null=True)
    max_uses = fields.IntField(null=True)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    ticket_types: fields.ManyToManyRelation[TicketType] = fields.ManyToManyField(
        "models.TicketType", related_name="promo_codes", through="promo_code_ticket_type"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int

    class Meta:
        table = "promo_code"
        unique_together = (("event", "code"),)


class QuestionKind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    CHOICE = "choice"
    MULTIPLE = "multiple"
    CHECKBOX = "checkbox"
    COUNTRY = "country"


class Question(Model):
    """A registration question asked of every attendee.

    `sensitive` answers (dietary or accessibility needs) are purged after the event. An answer to a
    `show_at_door` question is also shown to the door staff when the badge is scanned, for attendees who
    agreed to it (`Ticket.door_consent`); such a question is always sensitive.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="questions", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=300)
    label_en = fields.CharField(max_length=300, default="", db_default="")
    kind = fields.CharEnumField(QuestionKind, max_length=16, default=QuestionKind.TEXT)
    required = fields.BooleanField(default=False)
    # [{"key", "fr", "en"}, …]: an answer holds the key, so it survives renaming and translating the text
    # (events.catalogue.options reads them).
    options: list[dict[str, str]] = fields.JSONField(default=list)
    sensitive = fields.BooleanField(default=False)
    show_at_door = fields.BooleanField(default=False, db_default=False)
    position = fields.IntField(default=0)

    event_id: int

    class Meta:
        table = "question"
        ordering = ("position", "id")

    @property
    def i18n(self) -> Localized:
        return Localized(self)

    def choices(self) -> list[tuple[str, str]]:
        """(key, text in the current language) of each option, as a form offers them."""
        return [(o["key"], options.text(o)) for o in options.stored(self.options)]

    def answer_text(self, value: object) -> str:
        """A stored answer as the reader reads it: an option's text in their language, else the value."""
        if self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE):
            return options.answer_text(self.options, value)
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Session(Model):
    """One item of the programme: a talk, workshop, panel, B2B slot or break.

    A session with a `capacity` must be booked; without one, anyone with a ticket may attend.
    A non-empty `ticket_types` set limits it to tickets of those types (empty: every type of the event),
    as for promo codes; `events.catalogue.sessions.check_ticket_types` holds the rule.
    `sequence` rises on every change so that calendars replace their copy.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="sessions", on_delete=fields.CASCADE
    )
    # French in the original columns, English in `_en`, as for the event's texts.
    title = fields.CharField(max_length=300)
    title_en = fields.CharField(max_length=300, default="", db_default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    room = fields.CharField(max_length=120, default="")
    speakers = fields.CharField(max_length=500, default="")
    description = fields.TextField(default="")
    description_en = fields.TextField(default="", db_default="")
    capacity = fields.IntField(null=True)
    ticket_types: fields.ManyToManyRelation[TicketType] = fields.ManyToManyField(
        "models.TicketType", related_name="open_sessions", through="session_ticket_type"
    )
    status = fields.CharEnumField(SessionStatus, max_length=16, default=SessionStatus.SCHEDULED)
    sequence = fields.IntField(default=0)
    lock_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int

    class Meta:
        table = "session"
        ordering = ("starts_at", "id")

    def __str__(self) -> str:
        return self.title or self.title_en

    @property
    def i18n(self) -> Localized:
        return Localized(self)

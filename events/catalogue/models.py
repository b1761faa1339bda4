"""What is on offer: events (and, as the catalogue grows, their programme and ticket types).

An event's status moves one way:

    draft ──publish──▶ published ──cancel──▶ cancelled
      └───────────────cancel──────────────────▲

Only published events are visible to the public; a cancelled event stays readable (and in the feeds,
marked cancelled) but can no longer be changed or sold.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from events.accounts.models import Organisation


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
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    venue = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=300, default="")
    city = fields.CharField(max_length=120, default="")
    country = fields.CharField(max_length=2, default="")
    timezone = fields.CharField(max_length=64, default="Europe/Paris")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField(null=True)
    currency = fields.CharField(max_length=3, default="EUR")
    status = fields.CharEnumField(EventStatus, max_length=16, default=EventStatus.DRAFT)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    organisation_id: int

    class Meta:
        table = "event"
        ordering = ("starts_at",)

    def __str__(self) -> str:
        return self.title

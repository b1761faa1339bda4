"""Partnering: an event's set-up, its slots, participants' profiles, requests, meetings and feedback.

A participant is a valid ticket of a partnering event: the row is made on first visit of the space
(the token is derived from the ticket, see `tokens`), so tickets bought before partnering was switched
on have a space too. A profile is shown to others only while `visible` is true, and it starts false.

A request's status:

    pending ──accept (receiver)──▶ accepted ──scheduler──▶ (a Meeting)
       ├──decline (receiver)──▶ declined
       └──cancel (sender)──▶ cancelled      (accepted ones may be cancelled too: the meeting goes)

A meeting's status:

    scheduled ──both badges scanned──▶ held
        ├──slot ended without both──▶ no_show  (`absent` names who was not scanned)
        └──request cancelled / ticket cancelled──▶ cancelled

`sequence` rises whenever a meeting moves or is cancelled, so calendars replace their copy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from events.catalogue.models import Event
from events.ticketing.models import Ticket


class OrganisationKind(StrEnum):
    LAB = "lab"
    STARTUP = "startup"
    SME = "sme"
    LARGE_COMPANY = "large_company"
    INVESTOR = "investor"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"
    NO_SHOW = "no_show"


class Outcome(StrEnum):
    NONE = "none"
    FOLLOW_UP = "follow_up"
    NEGOTIATION = "negotiation"
    AGREEMENT = "agreement"


class PartneringSetup(Model):
    """One event's partnering rules: meeting windows (ISO start and end, UTC), tables, limits, and the
    topics and cooperation types (French and English pairs) that profiles choose from."""

    id = fields.IntField(primary_key=True)
    event: fields.OneToOneRelation[Event] = fields.OneToOneField(
        "models.Event", related_name="partnering", on_delete=fields.CASCADE
    )
    enabled = fields.BooleanField(default=False)
    meeting_minutes = fields.IntField(default=30)
    windows: list[dict[str, str]] = fields.JSONField(default=list)
    tables = fields.IntField(default=10)
    table_names: list[str] = fields.JSONField(default=list)
    max_meetings = fields.IntField(default=8)
    requests_close_at = fields.DatetimeField(null=True)
    topics: list[dict[str, str]] = fields.JSONField(default=list)
    cooperation_types: list[dict[str, str]] = fields.JSONField(default=list)
    follow_up_months = fields.IntField(default=3)
    published_at = fields.DatetimeField(null=True)
    # The latest scheduling run, for the organiser's page: {"at", "scheduled", "total", "unscheduled"}.
    last_run: dict[str, Any] = fields.JSONField(default=dict)
    opened_at = fields.DatetimeField(null=True)
    # Written first by every request and scheduling transaction: it serialises them on both databases.
    lock_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int

    class Meta:
        table = "partnering_setup"


class Slot(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="partnering_slots", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    event_id: int

    class Meta:
        table = "partnering_slot"
        ordering = ("starts_at", "id")
        unique_together = (("event", "starts_at"),)


class Participant(Model):
    """One ticket's partnering space and profile, closed once the ticket is cancelled."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="partnering_participants", on_delete=fields.CASCADE
    )
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
        "models.Ticket", related_name="partnering", on_delete=fields.CASCADE
    )
    visible = fields.BooleanField(default=False)
    closed = fields.BooleanField(default=False)
    organisation_kind = fields.CharEnumField(OrganisationKind, max_length=16, default=OrganisationKind.OTHER)
    headline = fields.CharField(max_length=200, default="")
    description = fields.TextField(default="")
    topics: list[str] = fields.JSONField(default=list)
    offers: list[dict[str, str]] = fields.JSONField(default=list)
    looking_for: list[dict[str, str]] = fields.JSONField(default=list)
    languages: list[str] = fields.JSONField(default=list)
    available_slots: list[int] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    ticket_id: int

    class Meta:
        table = "partnering_participant"
        indexes = (("event_id", "visible", "closed"),)


class MeetingRequest(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="partnering_requests", on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="requests_sent", on_delete=fields.CASCADE
    )
    receiver: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="requests_received", on_delete=fields.CASCADE
    )
    message = fields.TextField(default="")
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    sender_id: int
    receiver_id: int

    class Meta:
        table = "partnering_request"
        indexes = (("event_id", "status"), ("sender_id",), ("receiver_id",))


class Meeting(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="partnering_meetings", on_delete=fields.CASCADE
    )
    request: fields.OneToOneRelation[MeetingRequest] = fields.OneToOneField(
        "models.MeetingRequest", related_name="meeting", on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="meetings_sent", on_delete=fields.CASCADE
    )
    receiver: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="meetings_received", on_delete=fields.CASCADE
    )
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "models.Slot", related_name="meetings", on_delete=fields.RESTRICT
    )
    table = fields.IntField()
    status = fields.CharEnumField(MeetingStatus, max_length=16, default=MeetingStatus.SCHEDULED)
    pinned = fields.BooleanField(default=False)
    sequence = fields.IntField(default=0)
    sender_scanned_at = fields.DatetimeField(null=True)
    receiver_scanned_at = fields.DatetimeField(null=True)
    absent: list[int] = fields.JSONField(default=list)
    announced_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    request_id: int
    sender_id: int
    receiver_id: int
    slot_id: int

    class Meta:
        table = "partnering_meeting"
        indexes = (("event_id", "status"), ("slot_id", "table"))


class Feedback(Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="feedback", on_delete=fields.CASCADE
    )
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="feedback", on_delete=fields.CASCADE
    )
    rating = fields.IntField()
    outcome = fields.CharEnumField(Outcome, max_length=16)
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    meeting_id: int
    participant_id: int

    class Meta:
        table = "partnering_feedback"
        unique_together = (("meeting", "participant"),)


def profile_values(participant: Participant) -> dict[str, object]:
    """The profile's own fields, as the audit trail and the export see them."""
    return {
        "visible": participant.visible,
        "organisation_kind": str(participant.organisation_kind),
        "headline": participant.headline,
        "description": participant.description,
        "topics": participant.topics,
        "offers": participant.offers,
        "looking_for": participant.looking_for,
        "languages": participant.languages,
        "available_slots": participant.available_slots,
    }


def table_label(setup: PartneringSetup, table: int) -> str:
    """A table's number, with its name when the organiser gave one."""
    name = setup.table_names[table - 1] if 0 < table <= len(setup.table_names) else ""
    return f"{table} · {name}" if name else str(table)

"""Check-in lists, the check-ins themselves, door tokens for staff without an account, and scan nonces.

A list admits either every ticket type of its event (`all_ticket_types`) or only those it names. With
`allow_multiple_entries` off, a badge enters once (an exit re-opens the door for it); with `once_per_day`
it enters once per calendar day in the event's time zone. A list tied to a programme `session` is that
session's room.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NotRequired, TypedDict

from tortoise import fields
from tortoise.models import Model

from events.catalogue.models import Event, Session, TicketType
from events.ticketing.models import Ticket


class CheckinList(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="checkin_lists", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    is_main = fields.BooleanField(default=False)
    all_ticket_types = fields.BooleanField(default=True)
    ticket_types: fields.ManyToManyRelation[TicketType] = fields.ManyToManyField(
        "models.TicketType", related_name="checkin_lists", through="checkin_list_ticket_type"
    )
    allow_multiple_entries = fields.BooleanField(default=False)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    session: fields.ForeignKeyNullableRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="checkin_lists", on_delete=fields.CASCADE, null=True
    )
    once_per_day = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int
    session_id: int | None

    class Meta:
        table = "checkin_list"
        ordering = ("id",)


class CheckinType(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class Checkin(Model):
    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="checkins", on_delete=fields.CASCADE
    )
    checkin_list: fields.ForeignKeyRelation[CheckinList] = fields.ForeignKeyField(
        "models.CheckinList", related_name="checkins", on_delete=fields.CASCADE
    )
    type = fields.CharEnumField(CheckinType, max_length=8, default=CheckinType.ENTRY)
    created_at = fields.DatetimeField()
    device = fields.CharField(max_length=120, default="")

    ticket_id: int
    checkin_list_id: int

    class Meta:
        table = "checkin"
        indexes = (("checkin_list_id", "ticket_id"), ("ticket_id",))


class ListTicketState(Model):
    """One row per (list, ticket) once scanned: the row every scan of that badge locks and updates.

    It makes "exactly one ok" a conditional update on both databases.
    """

    id = fields.BigIntField(primary_key=True)
    checkin_list: fields.ForeignKeyRelation[CheckinList] = fields.ForeignKeyField(
        "models.CheckinList", related_name="ticket_states", on_delete=fields.CASCADE
    )
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="list_states", on_delete=fields.CASCADE
    )
    inside = fields.BooleanField(default=False)
    entries = fields.IntField(default=0)
    first_entry_at = fields.DatetimeField(null=True)
    last_change_at = fields.DatetimeField(null=True)

    checkin_list_id: int
    ticket_id: int

    class Meta:
        table = "list_ticket_state"
        unique_together = (("checkin_list", "ticket"),)


class DoorToken(Model):
    """A named, revocable link that opens one event's scanner and check-in API, nothing else."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="door_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    token_hash = fields.CharField(max_length=64, unique=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int

    class Meta:
        table = "door_token"


class ScanTicketWire(TypedDict):
    """The badge in a scan's answer (API.md), as `redeem.ScanTicket` writes it."""

    id: int
    attendee_name: str
    organisation: str
    ticket_type: str
    ticket_type_id: int
    badge_colour: str
    order: str


class ScanWire(TypedDict):
    """A scan's answer in API.md's JSON, as a nonce keeps it for a retry."""

    status: str
    ticket: ScanTicketWire | None
    checked_in_at: str | None
    type: str
    list: int
    # An offline entry refused because the badge was already inside (`batch.py`).
    conflict: NotRequired[bool]


class ScanNonce(Model):
    """The first answer given to a scan nonce, returned again when the scanner retries."""

    id = fields.BigIntField(primary_key=True)
    event_id = fields.IntField()
    nonce = fields.CharField(max_length=80)
    response = fields.JSONField[ScanWire]()
    created_at = fields.DatetimeField()

    class Meta:
        table = "scan_nonce"
        unique_together = (("event_id", "nonce"),)


class CheckinConflict(Model):
    """An entry a door admitted offline that the server found already made elsewhere.

    The scan is not lost: the organiser sees both times and decides whether a badge was shared.
    """

    id = fields.BigIntField(primary_key=True)
    checkin_list: fields.ForeignKeyRelation[CheckinList] = fields.ForeignKeyField(
        "models.CheckinList", related_name="conflicts", on_delete=fields.CASCADE
    )
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="checkin_conflicts", on_delete=fields.CASCADE
    )
    first_at = fields.DatetimeField()
    second_at = fields.DatetimeField()
    device = fields.CharField(max_length=120, default="")
    created_at = fields.DatetimeField()

    checkin_list_id: int
    ticket_id: int

    class Meta:
        table = "checkin_conflict"
        indexes = (("checkin_list_id",), ("ticket_id",))

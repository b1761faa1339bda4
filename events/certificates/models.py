"""Certificates of attendance: an event's rules for earning one, and the certificates issued.

A certificate is issued once per ticket, by the organiser, once the event has started. It keeps what it
certifies as it was when issued (the sessions attended, with their dates and hours), so that a later
change of the programme does not rewrite a document someone handed to an employer. Its `code` is the
unguessable part of the public page that confirms it.
"""

from __future__ import annotations

from typing import TypedDict

from tortoise import fields
from tortoise.models import Model

from events.catalogue.models import Event
from events.ticketing.models import Ticket


class CertificateRules(Model):
    """Who earns a certificate at an event: checked in at the event, and/or at least `min_sessions` of
    the programme's sessions attended (only `sessions` count, when some are named)."""

    id = fields.IntField(primary_key=True)
    event: fields.OneToOneRelation[Event] = fields.OneToOneField(
        "models.Event", related_name="certificate_rules", on_delete=fields.CASCADE
    )
    event_checkin = fields.BooleanField(default=False)
    min_sessions = fields.IntField(default=0)
    sessions: list[int] = fields.JSONField(default=list)
    title_fr = fields.CharField(max_length=200, default="")
    title_en = fields.CharField(max_length=200, default="")
    signatory = fields.CharField(max_length=200, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int

    class Meta:
        table = "certificate_rules"


class CertificateSession(TypedDict):
    """A session attended, as the certificate printed it when issued."""

    id: int
    title: str
    title_en: str
    starts_at: str
    ends_at: str
    room: str


class Certificate(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="certificates", on_delete=fields.CASCADE
    )
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
        "models.Ticket", related_name="certificate", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=32, unique=True)
    locale = fields.CharField(max_length=2, default="fr")
    attendee_name = fields.CharField(max_length=200)
    organisation = fields.CharField(max_length=200, default="")
    sessions: list[CertificateSession] = fields.JSONField(default=list)
    issued_at = fields.DatetimeField()

    event_id: int
    ticket_id: int

    class Meta:
        table = "certificate"
        indexes = (("event_id",),)

"""The outbox: every e-mail is a row written in the transaction of the change that caused it.

A worker sends pending rows and marks them sent, so a crash between commit and sending loses nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from events.catalogue.models import Event


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    # The same logical message is enqueued once (e.g. "order-confirmation:ABC123").
    dedupe_key = fields.CharField(max_length=120, unique=True, null=True)
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    text_body = fields.TextField()
    html_body = fields.TextField(default="")
    locale = fields.CharField(max_length=5, default="fr")
    # What to generate and attach at sending time: [{"kind": "ticket_pdf", "order_id": 1}, …]
    attachments: list[dict[str, object]] = fields.JSONField(default=list)
    status = fields.CharEnumField(MailStatus, max_length=16, default=MailStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    next_attempt_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Extra e-mail headers (a mailing's List-Unsubscribe), and what the message belongs to, for the
    # organiser's mail log: null for messages that predate them or belong to no event.
    headers: dict[str, str] | None = fields.JSONField(null=True)
    event_id = fields.IntField(null=True)
    mailing_id = fields.IntField(null=True)

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"), ("event_id", "id"), ("mailing_id", "status"))


class MailingStatus(StrEnum):
    """draft ──send──▶ sending ──(every message out of the outbox)──▶ sent"""

    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"


class Mailing(Model):
    """A message the organiser writes to an event's attendees, in French and English, with placeholders.

    Sending turns it into one outbox row per recipient address, at most once: the mailing's status moves
    from draft to sending in one conditional update, and each row carries a unique dedupe key.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="mailings", on_delete=fields.CASCADE
    )
    subject: dict[str, str] = fields.JSONField()
    body: dict[str, str] = fields.JSONField()
    audience: dict[str, object] = fields.JSONField()
    status = fields.CharEnumField(MailingStatus, max_length=16, default=MailingStatus.DRAFT)
    recipients = fields.IntField(default=0)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    event_id: int

    class Meta:
        table = "mailing"

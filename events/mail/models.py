"""The outbox: every e-mail is a row written in the transaction of the change that caused it.

A worker sends pending rows and marks them sent, so a crash between commit and sending loses nothing.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


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

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)

"""Consent records: what a person agreed to, when, and under which version of the privacy notice.

The order keeps its buyer's choices (`Order.consents`) for the order's own use; this table is the proof
a data-protection officer asks for: one row per optional consent given or refused, never updated
(a change of mind is a new row), with the notice version shown at the time.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ConsentRecord(Model):
    id = fields.BigIntField(primary_key=True)
    organisation_id = fields.IntField(db_index=True)
    event_id = fields.IntField(null=True)
    order_id = fields.IntField(null=True)
    email = fields.CharField(max_length=254, db_index=True)
    # What was asked: "marketing" (the organiser's news), "partners" (shared with partners)...
    purpose = fields.CharField(max_length=40)
    granted = fields.BooleanField()
    notice_version = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()

    class Meta:
        table = "consent_record"

"""The audit trail: who changed what, with the values before and after. Rows are never updated."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    organisation_id = fields.IntField(db_index=True)
    user_id = fields.IntField(null=True)
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32)
    object_id = fields.CharField(max_length=64)
    before: Any = fields.JSONField(null=True)
    after: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    # The event the change concerns, when there is one (null for organisation-wide changes and old rows).
    event_id = fields.IntField(null=True)

    class Meta:
        table = "audit_entry"
        indexes = (("organisation_id", "id"), ("organisation_id", "object_type", "object_id"))

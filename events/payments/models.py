"""Stripe's side of an order: webhook events recorded before processing, and refunds."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from events.ticketing.models import Order


class StripeEvent(Model):
    """A webhook delivery, recorded by Stripe's event id: a second delivery is acknowledged, ignored."""

    id = fields.CharField(max_length=255, primary_key=True)
    type = fields.CharField(max_length=80)
    object_id = fields.CharField(max_length=255, default="")
    received_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "stripe_event"


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="refunds", on_delete=fields.RESTRICT
    )
    amount_cents = fields.IntField()
    reason = fields.CharField(max_length=200, default="")
    idempotency_key = fields.CharField(max_length=120, unique=True)
    stripe_refund_id = fields.CharField(max_length=255, null=True, unique=True)
    status = fields.CharEnumField(RefundStatus, max_length=16, default=RefundStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int

    class Meta:
        table = "refund"
        indexes = (("order_id",),)

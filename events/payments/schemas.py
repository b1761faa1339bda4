"""Wire shapes of refunds and cancellations asked by the organiser (API and dashboard forms)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from events.catalogue.offer_schemas import to_cents
from events.validation import Confirmed


class RefundIn(BaseModel):
    """`amount` is a decimal string such as "40.00"; the refund may be partial."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    amount: Decimal = Field(gt=0, le=Decimal("1000000"), max_digits=9, decimal_places=2)
    reason: str = Field(default="", max_length=200)

    @property
    def cents(self) -> int:
        return to_cents(self.amount)


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refund: bool = False


class RefundForm(RefundIn, Confirmed):
    """The dashboard's refund form: a refund, with the key that makes a double click one refund, not two,
    and the box that confirms it."""

    idempotency_key: str = Field(default="", max_length=200)


class CancelRefundForm(Confirmed):
    """The dashboard's "cancel and refund" form, with its own idempotency key and its confirmation box."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(default="", max_length=200)

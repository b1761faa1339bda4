"""The invoicing tests pay through the fake Stripe, with the payments tests' shop."""

from __future__ import annotations

from tests.payments.conftest import shop

__all__ = ["shop"]

"""The door's event (a free pass, a door token) serves the certificates' tests too."""

from __future__ import annotations

from tests.checkin.conftest import door

__all__ = ["door"]

"""Colloque's application package; importing it registers the `{name:id}` path convertor."""

from events.web import convertors as _convertors  # noqa: F401 — registers the convertor first

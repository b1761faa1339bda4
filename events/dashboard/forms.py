"""Reading the organiser's HTML forms into the plain values the services validate.

Browsers send `datetime-local` fields without an offset: they are read in the event's time zone here,
so that services and the API see the same aware datetimes. Whatever cannot be read is passed on as
sent, so the service's validation names the field and says what is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

YEARS = (1900, 2999)
OUT_OF_RANGE = "out of range"


def local_time(value: str | None, timezone: str) -> datetime | str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if not YEARS[0] <= moment.year <= YEARS[1]:
        return OUT_OF_RANGE  # year 1 in Paris is before year 1 in UTC: refuse it as unreadable
    return moment.replace(tzinfo=ZoneInfo(timezone)) if moment.tzinfo is None else moment


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def optional(form: FormData, name: str) -> str | None:
    """An optional field: left empty, it is absent (None), not an empty string to parse."""
    return text(form, name) or None


def checked(form: FormData, name: str) -> bool:
    return form.get(name) == "on"


def lines(form: FormData, name: str) -> list[str]:
    return [line.strip() for line in text(form, name).splitlines() if line.strip()]


def ids(form: FormData, name: str) -> list[Any]:
    """Chosen ids of a group of checkboxes; anything not a number is passed on to be refused."""
    chosen = [str(value) for value in form.getlist(name)]
    return [int(value) if value.isdigit() and len(value) < 10 else value for value in chosen]

"""Query strings of the orders and attendees lists and of the export files, as the API documents them.

The values stay the strings the roster and the exports already understand; the models bound them (known
values, lengths, ranges) before any query, and are what the OpenAPI document lists.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from events.ticketing import exports, roster
from events.ticketing.models import OrderStatus
from events.validation import ID_MAX, QueryIn

QUERY_LENGTH = 200
"""Longest search text accepted; the lists search the first `roster.SEARCH_LENGTH` characters of it."""

Flag = Literal["true", "false", "1", "0", "yes", "no"]
_SORT = "^-?(" + "|".join(roster.SORTS) + ")$"


class OrdersQuery(QueryIn):
    status: OrderStatus | None = Field(None, description="Only orders in this state")
    q: str = Field("", max_length=QUERY_LENGTH, description="Order code, buyer or attendee name, e-mail")


class AttendeeFilters(QueryIn):
    q: str = Field("", max_length=QUERY_LENGTH, description="Name, e-mail, organisation or order code")
    ticket_type: int | None = Field(None, ge=1, le=ID_MAX, description="A ticket type id of the event")
    status: Literal["valid", "cancelled", "all"] | None = Field(None, description="Default: valid")
    checked_in: Flag | None = None
    sort: str | None = Field(None, pattern=_SORT, description="A column, `-` first for descending")
    question: int | None = Field(
        None, ge=1, le=ID_MAX, description="A question id of the event, with `answer`"
    )
    answer: str = Field("", max_length=QUERY_LENGTH, description="The answer to that question")

    def roster_params(self) -> dict[str, str | None]:
        """The filters as `roster.filters` reads them."""
        return {
            "q": self.q,
            "ticket_type": None if self.ticket_type is None else str(self.ticket_type),
            "status": self.status,
            "checked_in": self.checked_in,
            "sort": self.sort,
            "question": None if self.question is None else str(self.question),
            "answer": self.answer,
        }


class AttendeesQuery(AttendeeFilters):
    limit: int = Field(roster.DEFAULT_LIMIT, ge=1, le=roster.MAX_LIMIT)
    cursor: str | None = Field(None, max_length=roster.CURSOR_LENGTH, pattern="^[A-Za-z0-9_=-]+$")


class ExportFormat(QueryIn):
    columns: str | None = Field(
        None, max_length=exports.COLUMNS_LENGTH, description="Comma-separated column names"
    )
    delimiter: Literal["comma", "semicolon"] | None = Field(None, description="CSV only; default comma")


class AttendeeExportQuery(AttendeeFilters, ExportFormat):
    pass


class OrderExportQuery(OrdersQuery, ExportFormat):
    pass

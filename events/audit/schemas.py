"""The audit trail's query string, as the API documents it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from events.audit import trail
from events.errors import N_
from events.validation import ID_MAX, QueryIn


def _within_the_calendar(value: datetime) -> datetime:
    """Found by the fuzzer on PostgreSQL: 9999-12-31T23:59:59-05:00 is past the last date once in UTC."""
    if not 1900 <= value.year <= 2999:
        raise ValueError(N_("This value is not valid."))
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_within_the_calendar)]


class AuditQuery(QueryIn):
    object_type: str = Field("", max_length=trail.TYPE_LENGTH, examples=["order"])
    object_id: str = Field("", max_length=trail.TEXT_LENGTH)
    actor: int | None = Field(None, ge=0, le=ID_MAX, description="A member id")
    since: Moment | None = Field(
        None, description="Entries at or after this time (with an offset), 1900-2999"
    )
    until: Moment | None = Field(None, description="Entries before this time (with an offset), 1900-2999")
    limit: int = Field(trail.DEFAULT_LIMIT, ge=1, le=trail.MAX_LIMIT)
    cursor: int | None = Field(None, ge=0, le=ID_MAX, description="`next_cursor` of the page before")

    def wanted(self) -> trail.Query:
        return trail.Query(
            object_type=self.object_type.strip(),
            object_id=self.object_id.strip(),
            actor=self.actor,
            since=self.since,
            until=self.until,
            limit=self.limit,
            cursor=self.cursor,
        )

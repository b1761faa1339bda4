"""The audit trail's query string, as the API documents it."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from events.audit import trail
from events.validation import ID_MAX, QueryIn


class AuditQuery(QueryIn):
    object_type: str = Field("", max_length=trail.TYPE_LENGTH, examples=["order"])
    object_id: str = Field("", max_length=trail.TEXT_LENGTH)
    actor: int | None = Field(None, ge=0, le=ID_MAX, description="A member id")
    since: AwareDatetime | None = Field(None, description="Entries at or after this time (with an offset)")
    until: AwareDatetime | None = Field(None, description="Entries before this time (with an offset)")
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

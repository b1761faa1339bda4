"""Reading the audit trail: filters by object, person and period, newest first, with cursor pages.

Entries are only ever read here; nothing edits or deletes one (erasure, in the privacy area, replaces
the erased person's fields inside entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue.models import Event
from events.errors import N_, Invalid
from events.i18n import gettext

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
TEXT_LENGTH = 64
TYPE_LENGTH = 32
"""The longest `object_type` and object id a filter may name: the columns' lengths (a longer value, which
matches nothing, would fail in the ORM's own check of the column)."""


@dataclass(frozen=True)
class Query:
    object_type: str = ""
    object_id: str = ""
    actor: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = DEFAULT_LIMIT
    cursor: int | None = None


def _bad(name: str) -> Invalid:
    return Invalid({name: gettext(N_("This value is not valid."))})


def _number(name: str, value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise _bad(name)
    return int(value)


def _moment(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value[:40])
    except ValueError:
        raise _bad(name) from None
    if moment.tzinfo is None or not 1900 <= moment.year <= 2999:
        raise _bad(name)
    return moment


def _text(name: str, value: str | None, limit: int = TEXT_LENGTH) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise _bad(name)
    return text


def query(params: dict[str, str | None]) -> Query:
    """The query string, checked: an unreadable value is `Invalid`."""
    limit = _number("limit", params.get("limit"))
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise _bad("limit")
    return Query(
        object_type=_text("object_type", params.get("object_type"), TYPE_LENGTH),
        object_id=_text("object_id", params.get("object_id")),
        actor=_number("actor", params.get("actor")),
        since=_moment("since", params.get("since")),
        until=_moment("until", params.get("until")),
        limit=limit or DEFAULT_LIMIT,
        cursor=_number("cursor", params.get("cursor")),
    )


@dataclass(frozen=True)
class Page:
    entries: list[dict[str, object]]
    next_cursor: str | None


async def page(user: User, wanted: Query) -> Page:
    found = AuditEntry.filter(organisation_id=user.organisation_id)
    if wanted.object_type:
        found = found.filter(object_type=wanted.object_type)
    if wanted.object_id:
        found = found.filter(object_id=wanted.object_id)
    if wanted.actor is not None:
        found = found.filter(user_id=wanted.actor)
    if wanted.since:
        found = found.filter(created_at__gte=wanted.since)
    if wanted.until:
        found = found.filter(created_at__lt=wanted.until)
    if wanted.cursor is not None:
        found = found.filter(id__lt=wanted.cursor)
    rows = list(await found.order_by("-id").limit(wanted.limit + 1))
    more = len(rows) > wanted.limit
    rows = rows[: wanted.limit]
    return Page(await entries_out(user, rows), str(rows[-1].id) if more and rows else None)


async def entries_out(user: User, rows: list[AuditEntry]) -> list[dict[str, object]]:
    """The API's entries, with two queries for the actors' names and the events' slugs."""
    people = {
        u["id"]: u["name"] or u["email"]
        for u in await User.filter(
            organisation_id=user.organisation_id, id__in={r.user_id for r in rows if r.user_id}
        ).values("id", "name", "email")
    }
    slugs = {
        e["id"]: e["slug"]
        for e in await Event.filter(
            organisation_id=user.organisation_id, id__in={r.event_id for r in rows if r.event_id}
        ).values("id", "slug")
    }
    return [
        {
            "id": row.id,
            "at": row.created_at.isoformat(),
            "actor": {"id": row.user_id, "name": people.get(row.user_id, "")} if row.user_id else None,
            "action": row.action,
            "object_type": row.object_type,
            "object_id": row.object_id,
            "event": slugs.get(row.event_id) if row.event_id else None,
            "before": row.before,
            "after": row.after,
        }
        for row in rows
    ]


def difference(before: object, after: object) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field the entry records, for a readable before/after table."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    return [(key, old.get(key), new.get(key)) for key in dict.fromkeys([*old, *new])]

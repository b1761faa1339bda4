"""The organiser's attendee list: search, filters, sorting and cursor pagination over an event's tickets.

One attendee is one ticket. A page is read in a fixed number of queries (the tickets with their order
joined, the type names, the first entries), however many rows it holds, so the list stays fast at tens
of thousands of attendees. Pagination is by key (the sort value and the ticket id of the last row), so
a page never repeats or skips a row when the one before it is read again, and every attendee comes
exactly once over the pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from tortoise import Tortoise
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Min
from tortoise.queryset import QuerySet

from events.catalogue.models import Event, Question, QuestionKind, TicketType
from events.checkin.models import Checkin, CheckinType
from events.errors import N_, Invalid
from events.i18n import gettext
from events.ticketing.models import Order, Ticket, TicketStatus, fold
from events.validation import ID_MAX

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SEARCH_LENGTH = 100
CURSOR_LENGTH = 400

# The sort keys a caller may ask for, and the ticket column each one orders by (then by id).
SORTS: dict[str, str] = {
    "name": "attendee_name",
    "last_name": "attendee_last_name",
    "email": "attendee_email",
    "organisation": "attendee_organisation",
    "registered": "id",
}
DEFAULT_SORT = "registered"
# The query string names every face of the list reads (the page, the API and the export files).
FILTER_NAMES = ("q", "ticket_type", "status", "checked_in", "sort", "question", "answer")

# The columns read for each attendee: the ticket's own, and its order's through one join.
ROW_FIELDS = (
    "id", "attendee_name", "attendee_first_name", "attendee_last_name", "attendee_email",
    "attendee_organisation", "attendee_job_title",
    "ticket_type_id", "status", "answers", "order__code", "order__status",
)  # fmt: skip


@dataclass(frozen=True)
class AnswerFilter:
    """Attendees whose answer to `question` is `value`: an option's key for a choice (one of the chosen
    ones for a multiple choice), True or False for a checkbox, a country code, or a piece of a text."""

    question: int
    kind: QuestionKind
    value: str | bool


@dataclass(frozen=True)
class Filters:
    """What the organiser asked for, already checked: build it with `filters()`."""

    q: str = ""
    ticket_type: int | None = None
    status: TicketStatus | None = TicketStatus.VALID
    checked_in: bool | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False
    answer: AnswerFilter | None = None
    # The ids of the event's orders whose code holds `q`, read beforehand (None: too many, matched in a
    # subquery), so that PostgreSQL can use its trigram index beside the order index.
    order_ids: tuple[int, ...] | None = ()


def _bad(name: str, message: str) -> Invalid:
    return Invalid({name: gettext(message)})


def _flag(name: str, value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise _bad(name, N_("Choose one of the offered values."))


def _status(value: str | None) -> TicketStatus | None:
    if value in (None, ""):
        return TicketStatus.VALID
    if value == "all":
        return None
    try:
        return TicketStatus(value)
    except ValueError:
        raise _bad("status", N_("Choose one of the offered values.")) from None


def _sort(value: str | None) -> tuple[str, bool]:
    wanted = value or DEFAULT_SORT
    descending = wanted.startswith("-")
    key = wanted.removeprefix("-")
    if key not in SORTS:
        raise _bad("sort", N_("Choose one of the offered values."))
    return key, descending


# A checkbox's answer as an organiser types it, in either language.
_CHECKED = {
    "true": True,
    "yes": True,
    "oui": True,
    "1": True,
    "false": False,
    "no": False,
    "non": False,
    "0": False,
}


def option_keys(question: Question) -> list[str]:
    """The keys answers store for a question's options (a plain option is its own key)."""
    keys = []
    for option in question.options:
        found: object = option.get("key") if isinstance(option, dict) else option
        if isinstance(found, str):
            keys.append(found)
    return keys


async def _answer(event: Event, raw_question: str | None, raw_value: str | None) -> AnswerFilter | None:
    """`?question=<id>&answer=<value>`, checked against the event's question and its options."""
    value = (raw_value or "").strip()[:SEARCH_LENGTH]
    if not raw_question:
        if value:
            raise _bad("question", N_("Choose the question this answer is for."))
        return None
    found = None
    if raw_question.isdigit() and len(raw_question) <= 9:
        found = await Question.get_or_none(id=int(raw_question), event_id=event.id)
    if found is None:
        raise _bad("question", N_("Choose one of the offered values."))
    kind = QuestionKind(found.kind)
    if not value:
        raise _bad("answer", N_("Enter the answer to look for."))
    if kind == QuestionKind.CHECKBOX:
        flag = _CHECKED.get(value.casefold())
        if flag is None:
            raise _bad("answer", N_("Choose yes or no."))
        return AnswerFilter(found.id, kind, flag)
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE) and value not in option_keys(found):
        raise _bad("answer", N_("Choose one of the offered values."))
    if kind == QuestionKind.COUNTRY:
        value = value.upper()
    return AnswerFilter(found.id, kind, value)


async def filters(event: Event, params: dict[str, str | None]) -> Filters:
    """Check what came in the query string: an unknown value is `Invalid`, never an empty list."""
    ticket_type: int | None = None
    raw_type = params.get("ticket_type")
    if raw_type:
        if not raw_type.isdigit() or len(raw_type) > 9:
            raise _bad("ticket_type", N_("Choose one of the offered values."))
        ticket_type = int(raw_type)
        if not await TicketType.exists(id=ticket_type, event_id=event.id):
            raise _bad("ticket_type", N_("Choose one of the offered values."))
    sort, descending = _sort(params.get("sort"))
    q = (params.get("q") or "").strip()[:SEARCH_LENGTH]
    return Filters(
        q=q,
        order_ids=await _order_ids(event, q),
        ticket_type=ticket_type,
        status=_status(params.get("status")),
        checked_in=_flag("checked_in", params.get("checked_in")),
        sort=sort,
        descending=descending,
        answer=await _answer(event, params.get("question"), params.get("answer")),
    )


async def page_filters(event: Event, params: dict[str, str | None]) -> tuple[Filters, dict[str, str]]:
    """For the dashboard's page: an answer filter that cannot apply is said beside its fields (the
    messages returned) over the list without it; any other bad value is `Invalid` as in `filters`."""
    try:
        return await filters(event, params), {}
    except Invalid as error:
        if not error.details or not set(error.details) <= {"question", "answer"}:
            raise
        kept = await filters(event, {**params, "question": "", "answer": ""})
        return kept, {name: str(message) for name, message in error.details.items()}


ORDER_IDS_AT_MOST = 200


def _codes(event: Event, q: str) -> QuerySet[Order]:
    return Order.filter(event_id=event.id, code__contains=q.upper()[:20])


async def _order_ids(event: Event, q: str) -> tuple[int, ...] | None:
    if not q:
        return ()
    rows = await _codes(event, q).limit(ORDER_IDS_AT_MOST + 1).values("id")
    return tuple(int(row["id"]) for row in rows) if len(rows) <= ORDER_IDS_AT_MOST else None


def _entered() -> Subquery:
    return Subquery(Checkin.filter(type=CheckinType.ENTRY).values("ticket_id"))


def query(event: Event, wanted: Filters) -> QuerySet[Ticket]:
    """Every ticket of `event` that `wanted` keeps, in no particular order."""
    found = Ticket.filter(event_id=event.id)
    if wanted.status is not None:
        found = found.filter(status=wanted.status)
    if wanted.ticket_type is not None:
        found = found.filter(ticket_type_id=wanted.ticket_type)
    if wanted.checked_in is True:
        found = found.filter(id__in=_entered())
    elif wanted.checked_in is False:
        found = found.exclude(id__in=_entered())
    if wanted.q:
        # One folded column (see `Ticket.search_text`) read with a plain LIKE: the same answer on both
        # databases, accents and case aside; PostgreSQL's trigram index serves it; SQLite counts from the
        # (event, status, search_text, order) index without reading the rows. Order codes are upper case.
        text = Q(search_text__contains=fold(wanted.q))
        if wanted.order_ids is None:
            found = found.filter(text | Q(order_id__in=Subquery(_codes(event, wanted.q).values("id"))))
        else:
            found = found.filter(text | Q(order_id__in=list(wanted.order_ids)) if wanted.order_ids else text)
    if wanted.answer is not None:
        found = _answered(found, wanted.answer)
    return found


def _sqlite() -> bool:
    return bool(Tortoise.get_connection("default").capabilities.dialect == "sqlite")


def _answer_sql(question: int, as_json: bool = False) -> str:
    """The stored answer to `question` (an id, so an integer: nothing of the caller's text goes here)."""
    if _sqlite():
        return f"""json_extract("ticket"."answers", '$."{int(question)}"')"""
    arrow = "->" if as_json else "->>"
    return f""""ticket"."answers"{arrow}'{int(question)}'"""


def _answered(found: QuerySet[Ticket], wanted: AnswerFilter) -> QuerySet[Ticket]:
    """Tickets whose answer matches: compared in SQL, so a page of the list is still a few queries."""
    kind, value = wanted.kind, wanted.value
    if kind == QuestionKind.CHECKBOX:
        # An unanswered checkbox is a "no"; SQLite reads JSON booleans as 1 and 0.
        yes, no = ("1", "0") if _sqlite() else ("'true'", "'false'")
        test = f"COALESCE({_answer_sql(wanted.question)}, {no}) = {yes if value else no}"
        return found.annotate(answer_match=RawSQL(f"CASE WHEN {test} THEN 1 ELSE 0 END")).filter(
            answer_match=1
        )
    multiple = kind == QuestionKind.MULTIPLE
    found = found.annotate(answer_value=RawSQL(_answer_sql(wanted.question, as_json=multiple)))
    if multiple:
        # The chosen keys as JSON text hold the quoted key exactly when it was chosen (SQLite keeps the
        # text as it was written, escaped or not; PostgreSQL writes it unescaped).
        spellings = {json.dumps(value), json.dumps(value, ensure_ascii=False)}
        either = Q(*(Q(answer_value__contains=spelt) for spelt in spellings), join_type="OR")
        return found.filter(either)
    if kind in (QuestionKind.TEXT, QuestionKind.TEXTAREA):
        return found.filter(answer_value__icontains=str(value))
    return found.filter(answer_value=str(value))


def encode_cursor(key: object, ticket_id: int) -> str:
    raw = json.dumps([key, ticket_id], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str | int, int]:
    """The (sort value, ticket id) a cursor carries; anything else is `Invalid`."""
    try:
        if len(cursor) > CURSOR_LENGTH:
            raise ValueError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, ticket_id = json.loads(raw)
        if not isinstance(ticket_id, int) or not isinstance(key, (str, int)):
            raise ValueError(cursor)
        if not 0 <= ticket_id <= ID_MAX:  # beyond the id column: PostgreSQL refuses the comparison
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad("cursor", N_("This value is not valid.")) from None
    return key, ticket_id


def _after(wanted: Filters, cursor: str) -> Q:
    key, ticket_id = decode_cursor(cursor)
    column = SORTS[wanted.sort]
    op = "lt" if wanted.descending else "gt"
    after_id = Q(id__lt=ticket_id) if wanted.descending else Q(id__gt=ticket_id)
    if column == "id":
        return after_id
    if not isinstance(key, str):
        raise _bad("cursor", N_("This value is not valid."))
    beyond: dict[str, str] = {f"{column}__{op}": key}
    return Q(**beyond) | (Q(**{column: key}) & after_id)


def ordered(found: QuerySet[Ticket], wanted: Filters) -> QuerySet[Ticket]:
    column = SORTS[wanted.sort]
    sign = "-" if wanted.descending else ""
    if column == "id":
        return found.order_by(f"{sign}id")
    return found.order_by(f"{sign}{column}", f"{sign}id")


class Attendee(TypedDict):
    """One attendee as the API shows it (`GET .../attendees`), as the exports and the dashboard read it."""

    ticket_id: int
    name: str
    email: str
    organisation: str
    job_title: str
    ticket_type: str
    ticket_type_id: int
    order_code: str
    order_status: str
    status: str
    checked_in_at: str | None
    answers: dict[str, object]


@dataclass(frozen=True)
class Page:
    rows: list[Attendee]
    next_cursor: str | None
    total: int


async def page(event: Event, wanted: Filters, size: int, cursor: str | None = None) -> Page:
    """One page of attendees and the cursor of the next (None on the last page)."""
    found = query(event, wanted)
    after = found.filter(_after(wanted, cursor)) if cursor else found
    rows = list(await ordered(after, wanted).limit(size + 1).values(*ROW_FIELDS))
    more = len(rows) > size
    # A first page that holds every match is its own count: a search for one person reads the rows once.
    total = len(rows) if not cursor and not more else await found.count()
    rows = rows[:size]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(last[SORTS[wanted.sort]], last["id"])
    return Page(await decorate(event, rows), next_cursor, total)


async def type_names(event: Event) -> dict[int, str]:
    return {row["id"]: row["name"] for row in await TicketType.filter(event_id=event.id).values("id", "name")}


async def first_entries(event: Event, ticket_ids: list[int]) -> dict[int, datetime]:
    """When each ticket first came in: one grouped query over the id range of the rows (a page or an
    export batch), rather than a list of thousands of ids. The range is read on the check-in table's
    ticket index alone (a join on the event made SQLite walk every ticket of the event first); entries
    of other tickets in the range are left out here, so only the event's own rows are answered."""
    if not ticket_ids:
        return {}
    wanted = set(ticket_ids)
    rows = (
        await Checkin.filter(
            ticket_id__gte=min(ticket_ids), ticket_id__lte=max(ticket_ids), type=CheckinType.ENTRY
        )
        .annotate(first=Min("created_at"))
        .group_by("ticket_id")
        .values("ticket_id", "first")
    )
    return {row["ticket_id"]: row["first"] for row in rows if row["ticket_id"] in wanted}


async def decorate(
    event: Event, rows: list[dict[str, Any]], names: dict[int, str] | None = None
) -> list[Attendee]:
    """The API's Attendee objects for rows read with `ROW_FIELDS`."""
    names = names if names is not None else await type_names(event)
    entered = await first_entries(event, [row["id"] for row in rows])
    return [attendee_out(row, names, entered.get(row["id"])) for row in rows]


def _answers(value: object) -> dict[str, object]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


def attendee_out(row: dict[str, Any], names: dict[int, str], checked_in_at: datetime | None) -> Attendee:
    return {
        "ticket_id": row["id"],
        "name": row["attendee_name"],
        "email": row["attendee_email"],
        "organisation": row["attendee_organisation"],
        "job_title": row["attendee_job_title"],
        "ticket_type": names.get(row["ticket_type_id"], ""),
        "ticket_type_id": row["ticket_type_id"],
        "order_code": row["order__code"],
        "order_status": str(row["order__status"]),
        "status": str(row["status"]),
        "checked_in_at": checked_in_at.isoformat() if checked_in_at else None,
        "answers": _answers(row["answers"]),
    }

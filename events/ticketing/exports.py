"""Attendee and order exports as CSV and XLSX, streamed in batches so memory does not grow with the rows.

Rows are read by key (ticket or order id) in batches of `BATCH` with a fixed number of queries each.
CSV is written batch by batch straight to the response: UTF-8 with a BOM and a header of column names,
so Excel opens accents and non-Latin names right; a cell that a spreadsheet would read as a formula
(`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`. XLSX goes through openpyxl's
write-only workbook into a temporary file (a zip is only complete at its end), which is then streamed;
its cells are values, never formulas.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from tortoise.expressions import Q
from tortoise.functions import Count

from events import i18n
from events.catalogue import options
from events.catalogue.models import Event, Question, QuestionKind
from events.catalogue.offer_schemas import money
from events.errors import N_, Invalid
from events.i18n import gettext
from events.ticketing import roster
from events.ticketing.models import Order, OrderStatus, Ticket

BATCH = 5000
CHUNK = 64 * 1024
COLUMNS_LENGTH = 2000
FORMULA_FIRST = frozenset(("=", "+", "-", "@", "\t", "\r"))

ATTENDEE_COLUMNS = (
    "ticket_id", "name", "email", "organisation", "job_title", "ticket_type", "ticket_type_id",
    "order_code", "order_status", "status", "checked_in_at",
)  # fmt: skip
ORDER_COLUMNS = (
    "code", "status", "total", "currency", "buyer_name", "buyer_email", "buyer_organisation",
    "created_at", "paid_at", "tickets",
)  # fmt: skip
ORDER_FIELDS = (
    "id", "code", "status", "total_cents", "currency", "buyer_name", "buyer_email",
    "buyer_organisation", "created_at", "paid_at",
)  # fmt: skip

Row = list[object]


@dataclass(frozen=True)
class Export:
    """What to write: the header, and the rows batch by batch."""

    columns: list[str]
    batches: Callable[[], AsyncIterator[list[Row]]]


def chosen_columns(requested: str | None, available: Sequence[str]) -> list[str]:
    """The `?columns=` list, each one known (else `Invalid`), or every available column."""
    if not requested:
        return list(available)
    if len(requested) > COLUMNS_LENGTH:
        raise Invalid({"columns": gettext(N_("This value is not valid."))})
    names = [name.strip() for name in requested.split(",") if name.strip()]
    unknown = [name for name in names if name not in available]
    if unknown or not names:
        raise Invalid({"columns": gettext(N_("Unknown column: {name}."), name=", ".join(unknown[:5]))})
    return list(dict.fromkeys(names))


CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTIPLE)


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat() if value else ""


def answer_text(value: object) -> object:
    """One answer as one cell: choices joined, yes/no as true/false, numbers kept."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value


# ---------------------------------------------------------------- attendees


async def attendee_export(event: Event, wanted: roster.Filters, requested: str | None) -> Export:
    questions = await Question.filter(event_id=event.id).order_by("position", "id")
    available = [*ATTENDEE_COLUMNS, *(f"answer_{q.id}" for q in questions)]
    columns = chosen_columns(requested, available)
    names = await roster.type_names(event)
    zone = ZoneInfo(event.timezone)
    # An option is written in the reader's language (its key means nothing to a person).
    locale = i18n.get_locale()
    choices = {str(q.id): q.options for q in questions if q.kind in CHOICE_KINDS}

    def answer_cell(key: str, value: object) -> object:
        if key in choices and value not in (None, ""):
            return options.answer_text(choices[key], value, locale)
        return answer_text(value)

    def cells(attendee: roster.Attendee) -> Row:
        by_name: Mapping[str, object] = attendee
        row: Row = []
        for column in columns:
            if column.startswith("answer_"):
                key = column.removeprefix("answer_")
                row.append(answer_cell(key, attendee["answers"].get(key)))
            elif column == "checked_in_at":
                entered = attendee["checked_in_at"]
                row.append(datetime.fromisoformat(entered).astimezone(zone).isoformat() if entered else "")
            else:
                row.append(by_name[column])
        return row

    async def batches() -> AsyncIterator[list[Row]]:
        found = roster.query(event, wanted)
        last = 0
        while True:
            rows = await found.filter(id__gt=last).order_by("id").limit(BATCH).values(*roster.ROW_FIELDS)
            if not rows:
                return
            last = rows[-1]["id"]
            yield [cells(attendee) for attendee in await roster.decorate(event, list(rows), names)]

    return Export(columns, batches)


# ---------------------------------------------------------------- orders


def order_filters(status: str | None, q: str | None) -> Q:
    """The orders list's own filters (`?status=`, `?q=`), checked."""
    condition = Q()
    if status:
        if status not in {s.value for s in OrderStatus}:
            raise Invalid({"status": gettext(N_("Choose one of the offered values."))})
        condition &= Q(status=status)
    term = (q or "").strip()[: roster.SEARCH_LENGTH]
    if term:
        matching = Ticket.filter(attendee_name__icontains=term).values("order_id")
        condition &= (
            Q(code__icontains=term)
            | Q(buyer_name__icontains=term)
            | Q(buyer_email__icontains=term)
            | Q(buyer_organisation__icontains=term)
            | Q(id__in=matching)
        )
    return condition


async def order_export(event: Event, condition: Q, requested: str | None) -> Export:
    columns = chosen_columns(requested, ORDER_COLUMNS)
    zone = ZoneInfo(event.timezone)

    def cells(order: dict[str, Any], tickets: dict[int, int]) -> Row:
        values = {
            "code": order["code"],
            "status": str(order["status"]),
            "total": money(order["total_cents"]),
            "currency": order["currency"],
            "buyer_name": order["buyer_name"],
            "buyer_email": order["buyer_email"],
            "buyer_organisation": order["buyer_organisation"],
            "created_at": _when(order["created_at"], zone),
            "paid_at": _when(order["paid_at"], zone),
            "tickets": tickets.get(order["id"], 0),
        }
        return [values[column] for column in columns]

    async def batches() -> AsyncIterator[list[Row]]:
        found = Order.filter(condition, event_id=event.id)
        last = 0
        while True:
            rows = await found.filter(id__gt=last).order_by("id").limit(BATCH).values(*ORDER_FIELDS)
            if not rows:
                return
            last = rows[-1]["id"]
            counted = (
                await Ticket.filter(order_id__in=[row["id"] for row in rows])
                .annotate(n=Count("id"))
                .group_by("order_id")
                .values("order_id", "n")
            )
            tickets = {row["order_id"]: row["n"] for row in counted}
            yield [cells(order, tickets) for order in rows]

    return Export(columns, batches)


# ---------------------------------------------------------------- writing


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula is written with a leading `'`."""
    if type(value) is str and value[:1] in FORMULA_FIRST:
        return "'" + value
    return value


def delimiter(value: str | None) -> str:
    if value in (None, "", "comma"):
        return ","
    if value == "semicolon":
        return ";"
    raise Invalid({"delimiter": gettext(N_("Choose one of the offered values."))})


async def csv_stream(export: Export, separator: str = ",") -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(export.columns)
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for batch in export.batches():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralise(value) for value in row] for row in batch)
        yield buffer.getvalue().encode()


def _xlsx_cells(sheet: WriteOnlyWorksheet, row: Row) -> list[object]:
    cells: list[object] = []
    for value in row:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text that looks like a formula stays text
                value = cell
        cells.append(value)
    return cells


def _append(sheet: WriteOnlyWorksheet, batch: list[Row]) -> None:
    for row in batch:
        sheet.append(_xlsx_cells(sheet, row))


async def xlsx_stream(export: Export, title: str) -> AsyncIterator[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(export.columns)
    async for batch in export.batches():
        await asyncio.to_thread(_append, sheet, batch)
    with tempfile.TemporaryFile() as file:
        await asyncio.to_thread(book.save, file)
        file.seek(0)
        while chunk := await asyncio.to_thread(_read, file):
            yield chunk


def _read(file: IO[bytes]) -> bytes:
    return file.read(CHUNK)

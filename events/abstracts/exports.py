"""The committee's spreadsheet: every abstract with its authors, decision and review figures (CSV, XLSX).

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a quote,
since titles and names come from the public.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from events.abstracts.decisions import event_abstracts
from events.abstracts.schemas import word_count
from events.catalogue.models import Event
from events.i18n import gettext

Cell = str | int | float | None
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _header() -> list[str]:
    return [
        gettext("Reference"),
        gettext("Title"),
        gettext("Track"),
        gettext("Contribution"),
        gettext("Status"),
        gettext("Authors"),
        gettext("Affiliations"),
        gettext("Submitter"),
        gettext("Reviews"),
        gettext("Mean score"),
        gettext("Spread"),
        gettext("Recommendations"),
        gettext("Words"),
    ]


async def rows(event: Event) -> list[list[Cell]]:
    table: list[list[Cell]] = [list(_header())]
    for abstract, numbers in await event_abstracts(event):
        affiliations = sorted({str(a.get("affiliation", "")) for a in abstract.authors} - {""})
        recommendations = ", ".join(f"{k}: {v}" for k, v in sorted(numbers.recommendations.items()))
        line: list[Cell] = [
            abstract.code,
            abstract.title,
            abstract.track.name,
            abstract.contribution_type,
            str(abstract.status),
            "; ".join(str(a.get("name", "")) for a in abstract.authors),
            "; ".join(affiliations),
            f"{abstract.submitter_name} <{abstract.submitter_email}>",
            numbers.count,
            numbers.mean,
            numbers.spread,
            recommendations,
            word_count(abstract.body),
        ]
        table.append([_safe(cell) for cell in line])
    return table


async def as_csv(event: Event) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(await rows(event))
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM, so that spreadsheets read the accents


async def as_xlsx(event: Event) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("Abstracts")[:31]
    for line in await rows(event):
        sheet.append(line)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

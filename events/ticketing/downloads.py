"""The HTTP answers that carry an export file, shared by the JSON API and the dashboard's buttons.

Both faces read the same query string (filters, `columns`, `delimiter`) and answer the same streamed
file; only how the organiser was recognised differs.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.responses import StreamingResponse

from events.catalogue.models import Event
from events.errors import NotFound
from events.ticketing import exports, roster

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _params(query: QueryParams) -> dict[str, str | None]:
    return {key: query.get(key) for key in roster.FILTER_NAMES}


async def export_response(event: Event, kind: str, fmt: str, query: QueryParams) -> StreamingResponse:
    """`kind` is `attendees` or `orders`, `fmt` is `csv` or `xlsx` (anything else is not found)."""
    if fmt not in FORMATS:
        raise NotFound()
    if kind == "attendees":
        export = await exports.attendee_export(
            event, await roster.filters(event, _params(query)), query.get("columns")
        )
    elif kind == "orders":
        condition = exports.order_filters(query.get("status"), query.get("q"))
        export = await exports.order_export(event, condition, query.get("columns"))
    else:
        raise NotFound()
    if fmt == "csv":
        body = exports.csv_stream(export, exports.delimiter(query.get("delimiter")))
    else:
        body = exports.xlsx_stream(export, kind)
    filename = f"{event.slug}-{kind}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return StreamingResponse(body, media_type=FORMATS[fmt], headers=headers)

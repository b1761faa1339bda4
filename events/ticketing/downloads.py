"""The HTTP answers that carry an export file, shared by the JSON API and the dashboard's buttons.

Both faces read the same query string (filters, `columns`, `delimiter`) and answer the same streamed
file; only how the organiser was recognised differs.
"""

from __future__ import annotations

from starlette.responses import StreamingResponse

from events.catalogue.models import Event
from events.errors import NotFound
from events.ticketing import exports, roster
from events.ticketing.query_schemas import AttendeeExportQuery, ExportFormat, OrderExportQuery

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


QUERIES: dict[str, type[ExportFormat]] = {"attendees": AttendeeExportQuery, "orders": OrderExportQuery}
"""The query string of each kind of export, parsed by the route that answers it."""


async def export_response(event: Event, kind: str, fmt: str, query: ExportFormat) -> StreamingResponse:
    """`kind` is `attendees` or `orders`, `fmt` is `csv` or `xlsx` (anything else is not found);
    `query` is the kind's model from `QUERIES`."""
    if fmt not in FORMATS:
        raise NotFound()
    if isinstance(query, AttendeeExportQuery) and kind == "attendees":
        export = await exports.attendee_export(
            event, await roster.filters(event, query.roster_params()), query.columns
        )
    elif isinstance(query, OrderExportQuery) and kind == "orders":
        condition = exports.order_filters(query.status, query.q)
        export = await exports.order_export(event, condition, query.columns)
    else:
        raise NotFound()
    if fmt == "csv":
        body = exports.csv_stream(export, exports.delimiter(query.delimiter))
    else:
        body = exports.xlsx_stream(export, kind)
    filename = f"{event.slug}-{kind}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return StreamingResponse(body, media_type=FORMATS[fmt], headers=headers)

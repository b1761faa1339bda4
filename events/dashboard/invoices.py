"""The organiser's invoices: what is owed on invoice and by whom, every document issued, each one's
Factur-X download, and a day's export (a ZIP with the day's documents and their manifest) to deposit
on Chorus Pro or an approved platform.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events import clock
from events.accounts.auth import organiser
from events.errors import NotFound
from events.invoicing import documents, transfers, transmit
from events.invoicing.models import Invoice
from events.invoicing.services import INVOICE_ZONE
from events.web.templating import render

NUMBER = re.compile(r"[A-Z0-9\-]{1,40}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SHOWN = 200


def _day(value: str) -> date:
    if not DAY.fullmatch(value):
        raise NotFound()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NotFound() from None


async def invoices_page(request: Request) -> Response:
    user = await organiser(request)
    found = (
        await Invoice.filter(organisation_id=user.organisation_id).order_by("-year", "-sequence").limit(SHOWN)
    )
    days = sorted({d.issued_at.astimezone(INVOICE_ZONE).date() for d in found}, reverse=True)
    context = {
        "user": user,
        "documents": found,
        "days": days,
        "today": clock.now().astimezone(INVOICE_ZONE).date(),
        "owed": await transfers.owed(user.organisation_id),
    }
    return render(request, "dashboard/invoices.html", context)


async def invoice_download(request: Request) -> Response:
    user = await organiser(request)
    number = request.path_params["number"]
    if not NUMBER.fullmatch(number):
        raise NotFound()
    document = await Invoice.get_or_none(organisation_id=user.organisation_id, number=number)
    if document is None:
        raise NotFound()
    headers = {
        "Content-Disposition": f'attachment; filename="{number}.pdf"',
        "Cache-Control": "private, no-store",
    }
    return Response(await documents.render(document), media_type="application/pdf", headers=headers)


async def day_export(request: Request) -> Response:
    """The day's Factur-X documents in one ZIP with `manifest.csv`: what the organiser deposits."""
    user = await organiser(request)
    day = _day(request.path_params["day"])
    outgoing = await transmit.rendered(await transmit.documents_of_day(user.organisation_id, day))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in outgoing:
            archive.writestr(f"{item.invoice.number}.pdf", item.pdf)
        archive.writestr("manifest.csv", transmit.manifest(outgoing))
    headers = {
        "Content-Disposition": f'attachment; filename="factur-x-{day.isoformat()}.zip"',
        "Cache-Control": "private, no-store",
    }
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


routes = [
    Route("/dashboard/invoices", invoices_page, methods=["GET"], name="dashboard_invoices"),
    Route(
        "/dashboard/invoices/{number:number}.pdf",
        invoice_download,
        methods=["GET"],
        name="dashboard_invoice_pdf",
    ),
    Route(
        "/dashboard/invoices/export/{day:day}.zip",
        day_export,
        methods=["GET"],
        name="dashboard_invoice_export",
    ),
]

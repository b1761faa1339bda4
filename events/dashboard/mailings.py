"""The organiser's mailings: write one in French and English, preview it for a real recipient, send it,
and read the event's mail log (what went out, what waits, what failed and why)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.catalogue.models import TicketType
from events.dashboard.context import organiser_event
from events.errors import Invalid
from events.mail import mailings
from events.ticketing.models import OrderStatus
from events.web.templating import render

_CHECKED_IN = {"": None, "true": True, "false": False}


def _mailing_form(form: FormData) -> dict[str, Any]:
    checked_in = str(form.get("checked_in", ""))
    return {
        "subject": {"fr": str(form.get("subject_fr", "")), "en": str(form.get("subject_en", ""))},
        "body": {"fr": str(form.get("body_fr", "")), "en": str(form.get("body_en", ""))},
        "audience": {
            "ticket_types": [
                int(v) for v in map(str, form.getlist("ticket_types")) if v.isdigit() and len(v) < 10
            ],
            "checked_in": _CHECKED_IN.get(checked_in, checked_in),
            "order_status": [str(v) for v in form.getlist("order_status")] or ["paid"],
            "news_consent": form.get("news_consent") == "on",
        },
    }


async def _page(
    request: Request, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Response:
    user, event = await organiser_event(request)
    found = await mailings.event_mailings(event)
    context = {
        "user": user,
        "event": event,
        "current": "mailings",
        "mailings": await mailings.mailings_out(found),
        "ticket_types": await TicketType.filter(event_id=event.id).order_by("position", "id"),
        "statuses": list(OrderStatus),
        "values": values or {"audience": {"order_status": ["paid"]}},
        "errors": errors or {},
        "placeholders": mailings.PLACEHOLDERS,
    }
    return render(request, "dashboard/mailings.html", context, status_code=422 if errors else 200)


async def mailings_page(request: Request) -> Response:
    return await _page(request)


async def create_mailing(request: Request) -> Response:
    user, event = await organiser_event(request)
    values = _mailing_form(await checked_form(request))
    try:
        mailing = await mailings.create_mailing(user, event, values)
    except Invalid as error:
        return await _page(request, values, error.details)
    target = request.url_for("dashboard_mailing", slug=event.slug, mailing_id=mailing.id)
    return RedirectResponse(str(target), status_code=303)


async def mailing_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    mailing = await mailings.organiser_mailing(event, request.path_params["mailing_id"])
    context = {
        "user": user,
        "event": event,
        "current": "mailings",
        "mailing": (await mailings.mailings_out([mailing]))[0],
        "preview": await mailings.preview(event, mailing),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/mailing.html", context)


async def send_mailing(request: Request) -> Response:
    user, event = await organiser_event(request)
    await checked_form(request)
    mailing = await mailings.organiser_mailing(event, request.path_params["mailing_id"])
    await mailings.send(user, event, mailing)
    target = request.url_for("dashboard_mailing", slug=event.slug, mailing_id=mailing.id)
    return RedirectResponse(str(target.include_query_params(notice="sending")), status_code=303)


async def mail_log_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    context = {
        "user": user,
        "event": event,
        "current": "mailings",
        "messages": await mailings.mail_log(event),
    }
    return render(request, "dashboard/mail_log.html", context)


routes = [
    Route("/dashboard/events/{slug}/mailings", mailings_page, methods=["GET"], name="dashboard_mailings"),
    Route(
        "/dashboard/events/{slug}/mailings", create_mailing, methods=["POST"], name="dashboard_mailing_create"
    ),
    Route("/dashboard/events/{slug}/mail-log", mail_log_page, methods=["GET"], name="dashboard_mail_log"),
    Route(
        "/dashboard/events/{slug}/mailings/{mailing_id:id}",
        mailing_page,
        methods=["GET"],
        name="dashboard_mailing",
    ),
    Route(
        "/dashboard/events/{slug}/mailings/{mailing_id:id}/send",
        send_mailing,
        methods=["POST"],
        name="dashboard_mailing_send",
    ),
]

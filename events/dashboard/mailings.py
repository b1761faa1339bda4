"""The organiser's mailings: write one in French and English, preview it for a real recipient, send it,
and read the event's mail log (what went out, what waits, what failed and why)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue.models import Event, TicketType
from events.dashboard.context import organiser_and_event as organiser_event
from events.mail import mailings
from events.ticketing.models import OrderStatus
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render

_CHECKED_IN = {"": None, "true": True, "false": False}


def _mailing_form(form: FormData) -> dict[str, object]:
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


async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
    found = await mailings.event_mailings(event)
    context = {
        "user": user,
        "event": event,
        "current": "mailings",
        "mailings": await mailings.mailings_out(found),
        "ticket_types": await TicketType.filter(event_id=event.id).order_by("position", "id"),
        "statuses": list(OrderStatus),
        "placeholders": mailings.PLACEHOLDERS,
    }
    return forms.show(request, "dashboard/mailings.html", context, state)


async def mailings_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _page(request, user, event, FormState({"audience": {"order_status": ["paid"]}}))


async def create_mailing(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await forms.form_cycle(
        request,
        schema=mailings.MailingIn,
        read=_mailing_form,
        save=lambda values: mailings.create_mailing(user, event, _posted(values)),
        page=lambda state: _page(request, user, event, state),
        done=lambda mailing: request.url_for("dashboard_mailing", slug=event.slug, mailing_id=mailing.id),
    )


def _posted(values: mailings.MailingIn) -> dict[str, object]:
    return values.model_dump(mode="json")


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
    mailing = await mailings.organiser_mailing(event, request.path_params["mailing_id"])
    return await forms.button_cycle(
        request,
        save=lambda: mailings.send(user, event, mailing),
        done=lambda sent: request.url_for("dashboard_mailing", slug=event.slug, mailing_id=sent.id),
        notice="sending",
    )


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
    Route(
        "/dashboard/events/{slug:slug}/mailings", mailings_page, methods=["GET"], name="dashboard_mailings"
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/mailings", create_mailing, name="dashboard_mailing_create"
    ),
    Route(
        "/dashboard/events/{slug:slug}/mail-log", mail_log_page, methods=["GET"], name="dashboard_mail_log"
    ),
    Route(
        "/dashboard/events/{slug:slug}/mailings/{mailing_id:id}",
        mailing_page,
        methods=["GET"],
        name="dashboard_mailing",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/mailings/{mailing_id:id}/send",
        send_mailing,
        name="dashboard_mailing_send",
    ),
]

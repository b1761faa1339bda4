"""The organiser's "next edition" page: copy an event as a draft on a new start date."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue.duplicate import DuplicateIn, duplicate
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event as organiser_event
from events.errors import Conflict
from events.web import forms
from events.web.forms import FormState


async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
    context = {"user": user, "event": event, "current": "duplicate"}
    return forms.show(request, "dashboard/duplicate.html", context, state)


async def duplicate_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _page(request, user, event, FormState({"title": event.title}))


def _read(event: Event) -> Callable[[FormData], Mapping[str, object]]:
    def read(form: FormData) -> dict[str, object]:
        day = forms.text(form, "starts_on")
        start = event.starts_at.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")
        values = forms.fields(form, ("title", "slug"))
        values["starts_at"] = forms.local_time(f"{day}T{start}" if day else None, event.timezone)
        return values

    return read


async def duplicate_submit(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await forms.form_cycle(
        request,
        schema=DuplicateIn,
        read=_read(event),
        shown=lambda form: {key: form.get(key) for key in ("title", "slug", "starts_on")},
        save=lambda values: duplicate(user, event.slug, values.model_dump(exclude_none=True)),
        page=lambda state: _page(request, user, event, state),
        done=lambda copy: request.url_for("dashboard_event", slug=copy.slug),
        notice="duplicated",
        problems=(Conflict,),
    )


routes = [
    Route(
        "/dashboard/events/{slug:slug}/duplicate", duplicate_page, methods=["GET"], name="dashboard_duplicate"
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/duplicate", duplicate_submit, name="dashboard_duplicate_submit"
    ),
]

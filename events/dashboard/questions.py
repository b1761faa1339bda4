"""The organiser's registration questions: the list as attendees see it, and a form to add one."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event, QuestionKind
from events.dashboard import forms
from events.dashboard.context import organiser_event
from events.errors import Invalid
from events.web.templating import render


async def _page(
    request: Request,
    user: User,
    event: Event,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "questions",
        "questions": await offers.questions(event),
        "kinds": list(QuestionKind),
        "values": values or {"kind": QuestionKind.TEXT.value},
        "errors": errors or {},
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/questions.html", context, status_code=422 if errors else 200)


def _question_data(form: FormData) -> dict[str, Any]:
    return {
        "label": forms.text(form, "label"),
        "kind": forms.text(form, "kind"),
        "required": forms.checked(form, "required"),
        "sensitive": forms.checked(form, "sensitive"),
        "options": forms.lines(form, "options"),
    }


async def questions_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _page(request, user, event)


async def question_create(request: Request) -> Response:
    user, event = await organiser_event(request)
    form = await checked_form(request)
    data = _question_data(form)
    try:
        await offers.create_question(user, event, data)
    except Invalid as error:
        values = {**data, "options": forms.text(form, "options")}
        return await _page(request, user, event, values, error.details)
    target = request.url_for("dashboard_questions", slug=event.slug)
    return RedirectResponse(str(target.include_query_params(notice="question_saved")), status_code=303)


routes = [
    Route(
        "/dashboard/events/{slug:slug}/questions", questions_page, methods=["GET"], name="dashboard_questions"
    ),
    Route(
        "/dashboard/events/{slug:slug}/questions",
        question_create,
        methods=["POST"],
        name="dashboard_question_create",
    ),
]

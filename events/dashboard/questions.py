"""The organiser's registration questions: the list as attendees see it, and a form to add one."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers
from events.catalogue.models import Event, QuestionKind
from events.catalogue.offer_schemas import QuestionInput
from events.dashboard.context import organiser_and_event
from events.web import forms
from events.web.forms import FormState


async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "questions",
        "questions": await offers.questions(event),
        "kinds": list(QuestionKind),
    }
    return forms.show(request, "dashboard/questions.html", context, state)


def _question_data(form: FormData) -> dict[str, object]:
    return {
        "label": forms.text(form, "label"),
        "kind": forms.text(form, "kind"),
        "required": forms.checked(form, "required"),
        "sensitive": forms.checked(form, "sensitive"),
        "show_at_door": forms.checked(form, "show_at_door"),
        "options": forms.lines(form, "options"),
    }


def _shown(form: FormData) -> dict[str, object]:
    """The options are shown back as typed, one per line, not as the list read from them."""
    return {**_question_data(form), "options": forms.text(form, "options")}


async def questions_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _page(request, user, event, FormState({"kind": QuestionKind.TEXT.value}))


async def question_create(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=QuestionInput,
        read=_question_data,
        save=lambda values: offers.create_question(user, event, values),
        page=lambda state: _page(request, user, event, state),
        done=lambda _: request.url_for("dashboard_questions", slug=event.slug),
        notice="question_saved",
        shown=_shown,
    )


routes = [
    Route(
        "/dashboard/events/{slug:slug}/questions", questions_page, methods=["GET"], name="dashboard_questions"
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/questions", question_create, name="dashboard_question_create"
    ),
]

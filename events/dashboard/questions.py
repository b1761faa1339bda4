"""The organiser's registration questions: the list as attendees see it, adding, changing, deleting one."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers, options
from events.catalogue.models import Event, Question, QuestionKind
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
        "option_rows": option_rows(state.values.get("options")),
    }
    return forms.show(request, "dashboard/questions.html", context, state)


OPTION_ROWS = 50
BLANK_ROWS = 4


def _option_rows(form: FormData) -> list[dict[str, str]]:
    """Each option row as posted (`option-N-key`, `option-N-fr`, `option-N-en`), blank rows left out."""
    rows = []
    for number in range(OPTION_ROWS):
        row = {part: forms.text(form, f"option-{number}-{part}") for part in ("key", "fr", "en")}
        if row["fr"] or row["en"]:
            rows.append(row)
    return rows


def _question_data(form: FormData) -> dict[str, object]:
    return {
        "label": forms.text(form, "label"),
        "label_en": forms.text(form, "label_en"),
        "kind": forms.text(form, "kind"),
        "required": forms.checked(form, "required"),
        "sensitive": forms.checked(form, "sensitive"),
        "show_at_door": forms.checked(form, "show_at_door"),
        "options": _option_rows(form),
    }


def option_rows(filled: object) -> list[dict[str, str]]:
    """The rows of the options table: those filled in, then a few blank ones to add more."""
    rows = [dict(row) for row in filled] if isinstance(filled, list) else []
    return rows + [{"key": "", "fr": "", "en": ""}] * BLANK_ROWS


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
    )


def _question_values(question: Question) -> dict[str, object]:
    return {
        "label": question.label,
        "label_en": question.label_en,
        "kind": str(question.kind),
        "required": question.required,
        "sensitive": question.sensitive,
        "show_at_door": question.show_at_door,
        "options": options.stored(question.options),
    }


async def _edit_page(
    request: Request, user: User, event: Event, question: Question, state: FormState
) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "questions",
        "question": question,
        "kinds": list(QuestionKind),
        "answered": await offers.question_answered(question),
        "option_rows": option_rows(state.values.get("options")),
    }
    return forms.show(request, "dashboard/question.html", context, state)


async def _event_question(request: Request) -> tuple[User, Event, Question]:
    user, event = await organiser_and_event(request)
    return user, event, await offers.question(event, request.path_params["id"])


async def question_page(request: Request) -> Response:
    user, event, question = await _event_question(request)
    return await _edit_page(request, user, event, question, FormState(_question_values(question)))


async def question_update(request: Request) -> Response:
    user, event, question = await _event_question(request)
    return await forms.form_cycle(
        request,
        schema=QuestionInput,
        read=_question_data,
        save=lambda values: offers.update_question(user, question, values),
        page=lambda state: _edit_page(request, user, event, question, state),
        done=lambda _: request.url_for("dashboard_questions", slug=event.slug),
        notice="question_updated",
    )


async def question_delete(request: Request) -> Response:
    user, event, question = await _event_question(request)
    return await forms.button_cycle(
        request,
        save=lambda: offers.delete_question(user, question),
        done=lambda _: request.url_for("dashboard_questions", slug=event.slug),
        notice="question_deleted",
    )


_QUESTION = "/dashboard/events/{slug:slug}/questions/{id:id}"

routes = [
    Route(
        "/dashboard/events/{slug:slug}/questions", questions_page, methods=["GET"], name="dashboard_questions"
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/questions", question_create, name="dashboard_question_create"
    ),
    Route(_QUESTION, question_page, methods=["GET"], name="dashboard_question"),
    forms.form_route(_QUESTION, question_update, name="dashboard_question_update"),
    forms.form_route(f"{_QUESTION}/delete", question_delete, name="dashboard_question_delete"),
]

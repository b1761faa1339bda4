"""Public pages of the call for abstracts: the call and its form, the submitter's page, the book.

The submission form has a fixed number of author rows (it works without JavaScript); empty rows are
ignored. Both forms go through the one form cycle, so bad input comes back beside its field.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events import clock
from events.abstracts import book, services
from events.abstracts.models import Abstract
from events.abstracts.schemas import SubmissionInput, SubmissionPatch, word_count
from events.accounts.auth import client_ip
from events.catalogue.models import Event
from events.i18n import get_locale
from events.web import forms
from events.web.forms import FormState

AUTHOR_ROWS = 6
_AUTHOR_FIELDS = ("name", "email", "affiliation")


def _authors(form: FormData) -> list[dict[str, object]]:
    presenting = {str(value) for value in form.getlist("presenting")}
    authors = []
    for row in range(AUTHOR_ROWS):
        values = {name: forms.text(form, f"authors.{row}.{name}") for name in _AUTHOR_FIELDS}
        if any(values.values()):
            authors.append({**values, "presenting": str(row) in presenting})
    return authors


def _content(form: FormData) -> dict[str, object]:
    track = forms.text(form, "track")
    return {
        "title": forms.text(form, "title"),
        "body": str(form.get("body", "")).strip(),
        "track": int(track) if track.isdigit() and len(track) < 10 else (track or None),
        "contribution_type": forms.text(form, "contribution_type"),
        "authors": _authors(form),
    }


def _submission(form: FormData) -> dict[str, object]:
    locale = forms.text(form, "locale")
    return {
        **_content(form),
        "submitter": {
            "name": forms.text(form, "submitter.name"),
            "email": forms.text(form, "submitter.email"),
        },
        "locale": locale if locale in ("fr", "en") else get_locale(),
    }


def _shown(form: FormData) -> dict[str, object]:
    values = forms.posted(form, groups=["presenting"])
    values["body_words"] = word_count(str(form.get("body", "")))
    return values


async def _call_page(request: Request, event: Event, state: FormState) -> Response:
    call = await services.call_of(event)
    context = {
        "event": event,
        "call": call,
        "open": services.is_open(call),
        "not_yet": clock.now() < call.opens_at,
        "tracks": await services.active_tracks(call),
        "author_rows": range(AUTHOR_ROWS),
    }
    return forms.show(request, "abstracts/call.html", context, state)


async def call_page(request: Request) -> Response:
    event, _call = await services.published_event_with_call(request.path_params["slug"])
    return await _call_page(request, event, FormState({"presenting": ["0"], "locale": get_locale()}))


async def submit(request: Request) -> Response:
    event, _call = await services.published_event_with_call(request.path_params["slug"])
    return await forms.form_cycle(
        request,
        schema=SubmissionInput,
        read=_submission,
        save=lambda values: services.submit(event.slug, values.model_dump(), client_ip(request)),
        page=lambda state: _call_page(request, event, state),
        done=lambda abstract: request.url_for("abstract_manage", code=abstract.code, secret=abstract.secret),
        notice="abstract_submitted",
        shown=_shown,
        problems=(services.CallClosed,),
    )


def _values(abstract: Abstract) -> dict[str, object]:
    values: dict[str, object] = {
        "title": abstract.title,
        "body": abstract.body,
        "track": str(abstract.track_id),
        "contribution_type": abstract.contribution_type,
        "body_words": word_count(abstract.body),
        "presenting": [str(i) for i, a in enumerate(abstract.authors) if a.get("presenting")],
    }
    for row, author in enumerate(abstract.authors[:AUTHOR_ROWS]):
        for name in _AUTHOR_FIELDS:
            values[f"authors.{row}.{name}"] = author.get(name, "")
    return values


async def _manage_page(request: Request, abstract: Abstract, state: FormState) -> Response:
    call = await services.call_of(abstract.event)
    context = {
        "event": abstract.event,
        "abstract": abstract,
        "call": call,
        "editable": services.is_open(call) and abstract.status == "submitted",
        "tracks": await services.active_tracks(call),
        "author_rows": range(AUTHOR_ROWS),
    }
    return forms.show(request, "abstracts/manage.html", context, state)


async def _abstract(request: Request) -> Abstract:
    return await services.submitter_abstract(request.path_params["code"], request.path_params["secret"])


async def manage_page(request: Request) -> Response:
    abstract = await _abstract(request)
    return await _manage_page(request, abstract, FormState(_values(abstract)))


async def edit(request: Request) -> Response:
    abstract = await _abstract(request)
    return await forms.form_cycle(
        request,
        schema=SubmissionPatch,
        read=_content,
        save=lambda values: services.edit(abstract, values.model_dump(exclude_none=True)),
        page=lambda state: _manage_page(request, abstract, state),
        done=lambda saved: request.url_for("abstract_manage", code=saved.code, secret=saved.secret),
        notice="abstract_saved",
        shown=_shown,
        problems=(services.CallClosed,),
    )


async def withdraw(request: Request) -> Response:
    abstract = await _abstract(request)
    return await forms.button_cycle(
        request,
        save=lambda: services.withdraw(abstract),
        done=lambda saved: request.url_for("abstract_manage", code=saved.code, secret=saved.secret),
        notice="abstract_withdrawn",
    )


async def book_pdf(request: Request) -> Response:
    event = await services.published_event(request.path_params["slug"])
    pdf = await book.book_pdf(event)
    headers = {"Content-Disposition": f'inline; filename="abstracts-{event.slug}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


routes = [
    Route("/events/{slug:slug}/abstracts.pdf", book_pdf, methods=["GET"], name="abstracts_book"),
    Route("/events/{slug:slug}/abstracts", call_page, methods=["GET"], name="abstracts_call"),
    forms.form_route("/events/{slug:slug}/abstracts", submit, name="abstracts_submit"),
    Route("/abstracts/{code:code}/{secret:secret}", manage_page, methods=["GET"], name="abstract_manage"),
    forms.form_route("/abstracts/{code:code}/{secret:secret}", edit, name="abstract_edit"),
    forms.form_route("/abstracts/{code:code}/{secret:secret}/withdraw", withdraw, name="abstract_withdraw"),
]

"""The one HTML form cycle, and reading form fields into the plain values the inputs validate.

Every page that posts a form (organiser and public alike) goes through `form_cycle` (a form with fields)
or `button_cycle` (a button such as "Publish"), and its POST route is built with `form_route`, so that a
test over the route table can tell that no form is handled by hand. The cycle is the only place that
turns `Invalid` into a re-rendered page (DESIGN rule 3); every other `DomainError` goes to the one
handler in `main.py`, unless the page names it in `problems` to show it above the form.

A page uses it like this::

    async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
        context = {"user": user, "event": event, "questions": await offers.questions(event)}
        return forms.show(request, "dashboard/questions.html", context, state)

    async def questions_page(request: Request) -> Response:          # GET: the empty form
        user, event = await organiser_and_event(request)
        return await _page(request, user, event, FormState({"kind": "text"}))

    async def question_create(request: Request) -> Response:         # POST: the cycle
        user, event = await organiser_and_event(request)
        return await forms.form_cycle(
            request,
            schema=QuestionInput,
            read=_question_data,                                     # FormData -> dict for the schema
            save=lambda values: offers.create_question(user, event, values),
            page=lambda state: _page(request, user, event, state),
            done=lambda _: request.url_for("dashboard_questions", slug=event.slug),
            notice="question_saved",
        )

    routes = [
        Route("/dashboard/events/{slug:slug}/questions", questions_page, methods=["GET"], name=...),
        forms.form_route("/dashboard/events/{slug:slug}/questions", question_create, name=...),
    ]

The cycle checks the CSRF token, reads the form, validates it into the schema (the area's pydantic
input), calls `save` with the typed values; on `Invalid` (from the schema or from the service) it calls
`page` with the values as posted and the field errors (422); on success it redirects 303 to `done`'s
URL, with `?notice=…` when one is given.

Browsers send `datetime-local` fields without an offset: `local_time` reads them in the event's time
zone, so that services and the API see the same aware datetimes. Whatever cannot be read is passed on
as sent, so the schema names the field and says what is wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel.numbers import NumberFormatError, parse_decimal
from pydantic import BaseModel
from starlette.datastructures import URL, FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.errors import DomainError, Invalid
from events.i18n import get_locale, gettext
from events.validation import validate
from events.web.templating import render

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")

YEARS = (1900, 2999)
OUT_OF_RANGE = "out of range"


@dataclass(frozen=True)
class FormState:
    """What a form page shows: the values in its fields, their errors, a problem above the form."""

    values: Mapping[str, object] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    problem: str | None = None
    status: int = 200


Page = Callable[[FormState], Awaitable[Response]]
Target = URL | str


def show(request: Request, template: str, context: Mapping[str, object], state: FormState) -> Response:
    """The form's template with its context and state (`values`, `errors`, `problem`, `notice`)."""
    page = {
        "values": state.values,
        "errors": state.errors,
        "problem": state.problem,
        "notice": request.query_params.get("notice"),
        **context,
    }
    return render(request, template, page, status_code=state.status)


def see_other(target: Target, notice: str | None = None) -> RedirectResponse:
    """After a change, the page to look at next (303, so that reloading it does not post again)."""
    url = URL(str(target))
    if notice:
        url = url.include_query_params(notice=notice)
    return RedirectResponse(str(url), status_code=303)


async def form_cycle(
    request: Request,
    *,
    schema: type[M] | Callable[[Mapping[str, object]], M],
    read: Callable[[FormData], Mapping[str, object]],
    save: Callable[[M], Awaitable[R]],
    done: Callable[[R], Target],
    page: Page | None = None,
    notice: str | None = None,
    shown: Callable[[FormData], Mapping[str, object]] | None = None,
    problems: tuple[type[DomainError], ...] = (),
) -> Response:
    """Read, validate, save, then redirect; or show the form again with what was posted and why not.

    `schema` is the area's pydantic input, or a function that validates into it when the rules need
    the event (a programme session must fall within the event's days). `shown` gives the values to put
    back in the fields when they differ from what `read` gives the schema (a textarea read as lines is
    shown as typed); `problems` are the domain errors a public form explains above itself (sold out,
    already waiting) instead of leaving its page. Without a `page` (a form with no field to mark), an
    `Invalid` goes to the error page like any other error.
    """
    form = await checked_form(request)
    data = read(form)
    try:
        values = validate(schema, data) if isinstance(schema, type) else schema(data)
        result = await save(values)
    except Invalid as error:
        if page is None:
            raise
        return await page(FormState(shown(form) if shown else data, error.details, status=error.status))
    except problems as error:
        if page is None:
            raise
        message = gettext(error.message, **error.params)
        return await page(FormState(shown(form) if shown else data, problem=message, status=error.status))
    return see_other(done(result), notice)


async def button_cycle(
    request: Request,
    *,
    save: Callable[[], Awaitable[R]],
    done: Callable[[R], Target],
    notice: str | None = None,
) -> Response:
    """A form with no field (publish, cancel, resend): check the token, act, redirect."""
    await checked_form(request)
    return see_other(done(await save()), notice)


class FormRoute(Route):
    """A POST route whose endpoint goes through the form cycle (see `form_route`)."""


def form_route(path: str, endpoint: Callable[[Request], Awaitable[Response]], *, name: str) -> FormRoute:
    """The POST route of a form page: the route table tells the forms apart from the rest this way.

    The CSRF token is checked before the endpoint loads anything, so a forged post learns nothing (not
    even whether the object in its path exists); the cycle then reads the same, already parsed form.
    """

    @functools.wraps(endpoint)
    async def checked(request: Request) -> Response:
        await checked_form(request)
        return await endpoint(request)

    return FormRoute(path, checked, methods=["POST"], name=name)


# ------------------------------------------------------------------ reading fields


def local_time(value: str | None, timezone: str) -> datetime | str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if not YEARS[0] <= moment.year <= YEARS[1]:
        return OUT_OF_RANGE  # year 1 in Paris is before year 1 in UTC: refuse it as unreadable
    return moment.replace(tzinfo=ZoneInfo(timezone)) if moment.tzinfo is None else moment


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def optional(form: FormData, name: str) -> str | None:
    """An optional field: left empty, it is absent (None), not an empty string to parse."""
    return text(form, name) or None


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")


def amount(form: FormData, name: str) -> str | None:
    """A decimal amount as typed in the page's language, as a plain decimal string ("1234.50").

    Babel reads it with the page's locale ("90,00" and "1 234,50" in French, "1,234.50" in English;
    "90.00" in both); a lone decimal comma ("90,00" on an English page) is read as a point, as nobody
    groups thousands by two digits. What cannot be read is passed on as typed, for the schema to
    refuse beside its field.
    """
    value = optional(form, name)
    if value is None:
        return None
    compact = "".join(value.split()).replace("\u202f", "")
    try:
        return str(parse_decimal(compact, locale=get_locale(), strict=True))
    except NumberFormatError:
        return compact.replace(",", ".") if _DECIMAL_COMMA.match(compact) else value


def checked(form: FormData, name: str) -> bool:
    return form.get(name) == "on"


def lines(form: FormData, name: str) -> list[str]:
    return [line.strip() for line in text(form, name).splitlines() if line.strip()]


def ids(form: FormData, name: str) -> list[int | str]:
    """Chosen ids of a group of checkboxes; anything not a number is passed on to be refused."""
    chosen = [str(value) for value in form.getlist(name)]
    return [int(value) if value.isdigit() and len(value) < 10 else value for value in chosen]


def fields(form: FormData, names: Sequence[str]) -> dict[str, object]:
    """The named fields as typed, an empty one as absent (None) rather than an empty string to parse."""
    return {name: (None if value == "" else value) for name in names for value in [form.get(name, "")]}


def posted(
    form: FormData, *, checkboxes: Sequence[str] = (), groups: Sequence[str] = ()
) -> dict[str, object]:
    """The form as posted, to put back in its fields: unticked boxes as False, groups as lists."""
    values: dict[str, object] = {key: form.get(key) for key in form}
    values.update({name: checked(form, name) for name in checkboxes})
    values.update({name: form.getlist(name) for name in groups})
    return values


async def lookup_cycle(
    request: Request,
    *,
    schema: type[M],
    read: Callable[[FormData], Mapping[str, object]],
    find: Callable[[M], Awaitable[R]],
    page: Page,
    answer: Callable[[R, FormState], Awaitable[Response]],
) -> Response:
    """A form that asks and shows, changing nothing (a person looked up by the e-mail in the POST body,
    so that the address stays out of URLs and logs): the answer is shown at once, not redirected to;
    a field that does not validate shows the form again with its error, like `form_cycle`.
    """
    form = await checked_form(request)
    data = read(form)
    try:
        query = validate(schema, data)
    except Invalid as error:
        return await page(FormState(data, error.details, status=error.status))
    return await answer(await find(query), FormState(data))

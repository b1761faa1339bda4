"""The organiser's call for abstracts: the call's settings, reviewers and assignment, decisions,
notifications, the programme slots, and the committee's exports."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.abstracts import decisions, exports, review, services
from events.abstracts.models import Call
from events.abstracts.schemas import AssignInput, CallInput, DecisionInput, ReviewerInput, ScheduleInput
from events.accounts.models import Role, User
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event
from events.web import forms
from events.web.forms import FormState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _page(
    request: Request, user: User, event: Event, state: FormState, focus: int | str | None = None
) -> Response:
    """The whole call on one page; `focus` names the form the errors belong to (an abstract's id,
    "reviewer" or "assign"; None for the call's settings)."""
    call = await services.event_call(event)
    context: dict[str, object] = {
        "user": user,
        "event": event,
        "current": "abstracts",
        "call": call,
        "focus": focus,
    }
    if call is not None:
        context["tracks"] = await services.active_tracks(call)
        context["questions"] = await services.active_questions(call)
        context["abstracts"] = await decisions.event_abstracts(event)
        context["progress"] = await review.progress(event)
        context["team"] = await User.filter(
            organisation_id=event.organisation_id, role=Role.REVIEWER, is_active=True
        ).order_by("name", "id")
    own = focus is None and state.values
    context["call_values"] = dict(state.values) if own else await _call_values(event, call)
    return forms.show(request, "dashboard/abstracts.html", context, state)


async def _call_values(event: Event, call: Call | None) -> dict[str, object]:
    if call is None:
        return {"contribution_types": "oral\nposter", "max_words": 300, "per_abstract": 2}
    data = await services.call_json(event, call)
    return {
        "opens_at": data["opens_at"][:16],
        "closes_at": data["closes_at"][:16],
        "tracks": "\n".join(t["name"] for t in data["tracks"]),
        "contribution_types": "\n".join(data["contribution_types"]),
        "max_words": data["max_words"],
        "blind": data["blind"],
        "presenter_promo_code": data["presenter_promo_code"] or "",
        "review_questions": "\n".join(f"{q['text']} | {q['max_score']}" for q in data["review_questions"]),
        "per_abstract": 2,
    }


async def abstracts_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _page(request, user, event, FormState())


def _questions(form: FormData) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for line in forms.lines(form, "review_questions"):
        text, _, top = line.rpartition("|")
        if not text:
            text, top = top, "5"
        found.append({"text": text.strip(), "max_score": top.strip()})
    return found


def _call_form(event: Event, call_tracks: dict[str, int]) -> Callable[[FormData], dict[str, object]]:
    def read(form: FormData) -> dict[str, object]:
        tracks = [{"id": call_tracks.get(name), "name": name} for name in forms.lines(form, "tracks")]
        return {
            "opens_at": forms.local_time(forms.optional(form, "opens_at"), event.timezone),
            "closes_at": forms.local_time(forms.optional(form, "closes_at"), event.timezone),
            "tracks": tracks,
            "contribution_types": forms.lines(form, "contribution_types"),
            "max_words": forms.optional(form, "max_words"),
            "blind": forms.checked(form, "blind"),
            "presenter_promo_code": forms.optional(form, "presenter_promo_code"),
            "review_questions": _questions(form),
        }

    return read


async def call_save(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    call = await services.event_call(event)
    names = {t.name: t.id for t in await services.active_tracks(call)} if call else {}
    return await forms.form_cycle(
        request,
        schema=CallInput,
        read=_call_form(event, names),
        save=lambda values: services.put_call(user, event, values.model_dump()),
        page=lambda state: _page(request, user, event, state),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="call_saved",
        shown=lambda form: forms.posted(form, checkboxes=["blind"]),
    )


async def reviewer_add(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=ReviewerInput,
        read=lambda form: {
            "user_id": forms.optional(form, "user_id"),
            "tracks": forms.ids(form, "reviewer_tracks"),
            "affiliation": forms.text(form, "affiliation"),
        },
        save=lambda values: review.add_reviewer(user, event, values.model_dump()),
        page=lambda state: _page(request, user, event, state, "reviewer"),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="reviewer_added",
    )


async def assign(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=AssignInput,
        read=lambda form: {"per_abstract": forms.optional(form, "per_abstract")},
        save=lambda values: review.auto_assign(user, event, values.model_dump()),
        page=lambda state: _page(request, user, event, state, "assign"),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="assigned",
    )


async def decide(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    abstract = await decisions.event_abstract(event, request.path_params["id"])
    return await forms.form_cycle(
        request,
        schema=DecisionInput,
        read=lambda form: {
            "decision": forms.text(form, "decision"),
            "contribution_type": forms.optional(form, "contribution_type"),
            "track": forms.optional(form, "track"),
        },
        save=lambda values: decisions.decide(user, event, abstract, values.model_dump()),
        page=lambda state: _page(request, user, event, state, abstract.id),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="decided",
    )


async def schedule(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    abstract = await decisions.event_abstract(event, request.path_params["id"])
    return await forms.form_cycle(
        request,
        schema=ScheduleInput,
        read=lambda form: {
            "starts_at": forms.local_time(forms.optional(form, "starts_at"), event.timezone),
            "ends_at": forms.local_time(forms.optional(form, "ends_at"), event.timezone),
            "room": forms.text(form, "room"),
            "poster_board": forms.optional(form, "poster_board"),
        },
        save=lambda values: decisions.schedule(user, event, abstract, values.model_dump()),
        page=lambda state: _page(request, user, event, state, abstract.id),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="scheduled",
    )


async def notify(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: decisions.notify(user, event),
        done=lambda _: request.url_for("dashboard_abstracts", slug=event.slug),
        notice="notified",
    )


async def export_csv(request: Request) -> Response:
    _user, event = await organiser_and_event(request)
    headers = {"Content-Disposition": f'attachment; filename="abstracts-{event.slug}.csv"'}
    return Response(await exports.as_csv(event), media_type="text/csv; charset=utf-8", headers=headers)


async def export_xlsx(request: Request) -> Response:
    _user, event = await organiser_and_event(request)
    headers = {"Content-Disposition": f'attachment; filename="abstracts-{event.slug}.xlsx"'}
    return Response(await exports.as_xlsx(event), media_type=XLSX, headers=headers)


_BASE = "/dashboard/events/{slug:slug}/abstracts"
routes = [
    Route(_BASE, abstracts_page, methods=["GET"], name="dashboard_abstracts"),
    Route(_BASE + ".csv", export_csv, methods=["GET"], name="dashboard_abstracts_csv"),
    Route(_BASE + ".xlsx", export_xlsx, methods=["GET"], name="dashboard_abstracts_xlsx"),
    forms.form_route(_BASE + "/call", call_save, name="dashboard_call_save"),
    forms.form_route(_BASE + "/reviewers", reviewer_add, name="dashboard_reviewer_add"),
    forms.form_route(_BASE + "/assign", assign, name="dashboard_abstracts_assign"),
    forms.form_route(_BASE + "/notify", notify, name="dashboard_abstracts_notify"),
    forms.form_route(_BASE + "/{id:id}/decision", decide, name="dashboard_abstract_decide"),
    forms.form_route(_BASE + "/{id:id}/schedule", schedule, name="dashboard_abstract_schedule"),
]

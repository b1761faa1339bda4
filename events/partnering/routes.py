"""The participant's partnering space: `/partnering/{token}`, a page that works without JavaScript.

One page holds the profile form, the directory (searched with a GET form), the requests and the
agenda; each action is a small POST form through the one form cycle, then back to the page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalogue.models import Event
from events.errors import N_, Conflict, InvalidTransition, NotFound, RequestsClosed
from events.i18n import format_when, get_locale
from events.partnering import meetings, pdf, services
from events.partnering.models import OrganisationKind, Outcome, Participant, RequestStatus
from events.partnering.schemas import FeedbackIn, ProfileIn, RequestIn
from events.web import forms
from events.web.forms import FormState
from events.web.templating import environment


def _when_iso(value: str, timezone: str) -> str:
    """An ISO time from the agenda's JSON, shown as the other times of the page are."""
    return format_when(datetime.fromisoformat(value), timezone)


environment.filters["when_iso"] = _when_iso

KIND_LABELS = {
    OrganisationKind.LAB: N_("Research lab"),
    OrganisationKind.STARTUP: N_("Start-up"),
    OrganisationKind.SME: N_("SME"),
    OrganisationKind.LARGE_COMPANY: N_("Large company"),
    OrganisationKind.INVESTOR: N_("Investor"),
    OrganisationKind.PUBLIC_BODY: N_("Public body"),
    OrganisationKind.OTHER: N_("Other"),
}
LIVE_REQUESTS = (RequestStatus.PENDING, RequestStatus.ACCEPTED)
REQUEST_LABELS = {
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "cancelled": N_("Withdrawn"),
}
MEETING_LABELS = {
    "scheduled": N_("Scheduled"),
    "held": N_("Held"),
    "no_show": N_("Missed"),
    "cancelled": N_("Cancelled"),
}
OUTCOME_LABELS = {
    Outcome.NONE: N_("Nothing for now"),
    Outcome.FOLLOW_UP: N_("A follow-up"),
    Outcome.NEGOTIATION: N_("A negotiation"),
    Outcome.AGREEMENT: N_("An agreement"),
}


async def _participant(request: Request) -> Participant:
    return await services.participant_for_token(request.path_params["token"])


def _space(request: Request, notice_anchor: str = "") -> str:
    return str(request.url_for("partnering_space", token=request.path_params["token"])) + notice_anchor


async def _page(request: Request, participant: Participant, state: FormState, form: str = "") -> Response:
    event: Event = participant.ticket.event
    setup = await services.enabled_setup(event)
    locale = get_locale()
    query = request.query_params
    q, kind, topic = query.get("q", "")[:200], query.get("kind", "")[:20], query.get("topic", "")[:120]
    directory = [p for p in await services.visible_profiles(event, q, kind, topic) if p.id != participant.id]
    sent, received = await services.requests_of(participant)
    names = {
        p.id: p
        for p in await Participant.filter(
            id__in=[r.receiver_id for r in sent] + [r.sender_id for r in received]
        ).select_related("ticket")
    }
    profile = services.own_profile_out(participant, setup, locale)
    values = dict(state.values) if form == "profile" else _profile_values(profile)
    context: dict[str, object] = {
        "event": event,
        "setup": setup,
        "participant": participant,
        "profile": profile,
        "token": request.path_params["token"],
        "slots": await services.event_slots(event),
        "topics": [services.label(t, locale) for t in setup.topics],
        "kinds": KIND_LABELS,
        "outcomes": OUTCOME_LABELS,
        "request_status": REQUEST_LABELS,
        "meeting_status": MEETING_LABELS,
        "directory": [services.profile_out(p, setup, locale) for p in directory],
        "search": {"q": q, "kind": kind, "topic": topic},
        "sent": sent,
        "received": received,
        "names": {pid: p.ticket.attendee_name for pid, p in names.items()},
        "agenda": await meetings.agenda(participant),
        "linked": {r.receiver_id for r in sent if r.status in LIVE_REQUESTS}
        | {r.sender_id for r in received if r.status in LIVE_REQUESTS},
        "form": form,
    }
    return forms.show(
        request,
        "partnering/space.html",
        context,
        FormState(values, state.errors, state.problem, state.status),
    )


def _profile_values(profile: dict[str, Any]) -> dict[str, Any]:
    def card_text(cards: list[dict[str, str]]) -> str:
        return "\n".join(
            f"{c['title']}: {c['description']}" if c["description"] else c["title"] for c in cards
        )

    return {
        **profile,
        "offers": card_text(profile["offers"]),
        "looking_for": card_text(profile["looking_for"]),
    }


async def space(request: Request) -> Response:
    participant = await _participant(request)
    return await _page(request, participant, FormState())


def _cards(form: FormData, name: str) -> list[dict[str, str]]:
    """One card per line, `title: description` (the description may be left out)."""
    cards = []
    for line in forms.lines(form, name)[:20]:
        title, _, description = line.partition(":")
        cards.append({"title": title.strip()[:120], "description": description.strip()})
    return cards


def _profile_data(form: FormData) -> dict[str, object]:
    return {
        "visible": forms.checked(form, "visible"),
        "organisation_kind": forms.text(form, "organisation_kind") or "other",
        "headline": forms.text(form, "headline"),
        "description": forms.text(form, "description"),
        "topics": [str(v) for v in form.getlist("topics")],
        "offers": _cards(form, "offers"),
        "looking_for": _cards(form, "looking_for"),
        "languages": [str(v) for v in form.getlist("languages")],
        "available_slots": forms.ids(form, "available_slots"),
    }


def _profile_shown(form: FormData) -> dict[str, object]:
    values = forms.posted(form, checkboxes=["visible"], groups=["topics", "languages", "available_slots"])
    values["available_slots"] = forms.ids(form, "available_slots")
    return values


async def save_profile(request: Request) -> Response:
    participant = await _participant(request)
    return await forms.form_cycle(
        request,
        schema=ProfileIn,
        read=_profile_data,
        shown=_profile_shown,
        save=lambda values: services.update_profile(participant, values.model_dump(mode="json")),
        page=lambda state: _page(request, participant, state, "profile"),
        done=lambda _: _space(request, "#profile"),
        notice="profile_saved",
    )


async def send_request(request: Request) -> Response:
    participant = await _participant(request)
    return await forms.form_cycle(
        request,
        schema=RequestIn,
        read=lambda form: {"to": forms.optional(form, "to"), "message": forms.text(form, "message")},
        save=lambda values: services.send_request(participant, values.model_dump()),
        page=lambda state: _page(request, participant, state, "request"),
        done=lambda _: _space(request, "#requests"),
        notice="request_sent",
        problems=(Conflict, NotFound, RequestsClosed),
    )


def _request_action(action: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        participant = await _participant(request)
        request_id = request.path_params["request_id"]

        async def save() -> object:
            if action == "cancel":
                return await services.cancel_request(participant, request_id)
            return await services.answer_request(participant, request_id, action == "accept")

        return await forms.button_cycle(request, save=save, done=lambda _: _space(request, "#requests"),
                                        notice=f"request_{action}")  # fmt: skip

    return endpoint


async def feedback(request: Request) -> Response:
    participant = await _participant(request)
    meeting_id = request.path_params["meeting_id"]
    return await forms.form_cycle(
        request,
        schema=FeedbackIn,
        read=lambda form: forms.fields(form, ["rating", "outcome", "comment"]),
        save=lambda values: meetings.give_feedback(participant, meeting_id, values.model_dump(mode="json")),
        page=lambda state: _page(request, participant, state, f"feedback-{meeting_id}"),
        done=lambda _: _space(request, "#agenda"),
        notice="feedback_saved",
        problems=(Conflict, InvalidTransition),
    )


async def agenda_pdf(request: Request) -> Response:
    participant = await _participant(request)
    body = await pdf.agenda_pdf(participant)
    headers = {
        "Content-Disposition": 'inline; filename="b2b-agenda.pdf"',
        "Cache-Control": "private, no-store",
    }
    return Response(body, media_type="application/pdf", headers=headers)


_SPACE = "/partnering/{token:space}"
routes = [
    Route(_SPACE, space, methods=["GET"], name="partnering_space"),
    Route(f"{_SPACE}/agenda.pdf", agenda_pdf, methods=["GET"], name="partnering_agenda_pdf"),
    forms.form_route(f"{_SPACE}/profile", save_profile, name="partnering_profile_save"),
    forms.form_route(f"{_SPACE}/requests", send_request, name="partnering_request_send"),
    forms.form_route(
        f"{_SPACE}/requests/{{request_id:id}}/accept",
        _request_action("accept"),
        name="partnering_request_accept",
    ),
    forms.form_route(
        f"{_SPACE}/requests/{{request_id:id}}/decline",
        _request_action("decline"),
        name="partnering_request_decline",
    ),
    forms.form_route(
        f"{_SPACE}/requests/{{request_id:id}}/cancel",
        _request_action("cancel"),
        name="partnering_request_cancel",
    ),
    forms.form_route(f"{_SPACE}/meetings/{{meeting_id:id}}/feedback", feedback, name="partnering_feedback"),
]

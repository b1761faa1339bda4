"""The organiser's certificates of attendance: the rules, who qualifies, issuing them, a ZIP per institution.

The rules and the issuing are `certificates.services` (the API calls the same); this page only reads the
form into the API's shape and shows where each attendee the door saw stands.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import sessions as programme
from events.catalogue.models import Event
from events.certificates import documents, services
from events.certificates.models import CertificateRules
from events.certificates.schemas import CertificatesIn
from events.dashboard.context import organiser_and_event
from events.web import forms
from events.web.forms import FormState

FIELDS = {
    "rule.event_checkin": "event_checkin",
    "rule.min_sessions": "min_sessions",
    "rule.sessions": "sessions",
    "rule": "sessions",
    "title.fr": "title_fr",
    "title.en": "title_en",
    "title": "title_fr",
    "signatory": "signatory",
}
"""The service's error keys (the API's fields) onto this form's fields."""


class IssueIn(BaseModel):
    """The issue button posts no field."""

    model_config = ConfigDict(extra="ignore")


def _field(key: str) -> str:
    for prefix in (key, key.rsplit(".", 1)[0], key.split(".", 1)[0]):
        if prefix in FIELDS:
            return FIELDS[prefix]
    return key


def _stored(found: CertificateRules | None) -> dict[str, object]:
    """The form filled in from the rules as saved (the defaults before any)."""
    saved = services.rules_out(found)
    rule, title = saved["rule"], saved["title"]
    assert isinstance(rule, dict) and isinstance(title, dict)
    return {
        "event_checkin": rule["event_checkin"],
        "min_sessions": rule["min_sessions"],
        "sessions": [str(i) for i in rule["sessions"]],
        "title_fr": title["fr"],
        "title_en": title["en"],
        "signatory": saved["signatory"],
    }


async def _page(request: Request, user: User, event: Event, state: FormState | None = None) -> Response:
    found = await services.rules(event)
    standings = await services.standings(event)
    issued = Counter(s.ticket.attendee_organisation for s in standings if s.code)
    shown = state or FormState(_stored(found))
    errors = {_field(key): message for key, message in shown.errors.items()}
    context = {
        "user": user,
        "event": event,
        "current": "certificates",
        "rules_set": found is not None,
        "sessions": await programme.event_sessions(event),
        "standings": standings,
        "qualifying": sum(1 for s in standings if s.earns),
        "issued_count": sum(issued.values()),
        "institutions": sorted(issued.items(), key=lambda item: item[0].casefold()),
        "can_issue": services.can_issue(event),
        "just_issued": _count(request.query_params.get("issued", "")),
    }
    state = FormState(shown.values, errors, shown.problem, shown.status)
    return forms.show(request, "dashboard/certificates.html", context, state)


def _count(value: str) -> int | None:
    """The number of certificates the last issue made, as the redirect after it says."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def _rules_data(form: FormData) -> dict[str, object]:
    return {
        "rule": {
            "event_checkin": forms.checked(form, "event_checkin"),
            "min_sessions": forms.text(form, "min_sessions") or 0,
            "sessions": forms.ids(form, "sessions"),
        },
        "title": {"fr": forms.text(form, "title_fr"), "en": forms.text(form, "title_en")},
        "signatory": forms.text(form, "signatory"),
    }


def _shown(form: FormData) -> dict[str, object]:
    return forms.posted(form, checkboxes=["event_checkin"], groups=["sessions"])


async def certificates_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _page(request, user, event)


async def rules_save(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=CertificatesIn,
        read=_rules_data,
        save=lambda values: services.set_rules(user, event, values.model_dump()),
        page=lambda state: _page(request, user, event, state),
        done=lambda _: request.url_for("dashboard_certificates", slug=event.slug),
        notice="rules_saved",
        shown=_shown,
    )


async def certificates_issue(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=IssueIn,
        read=lambda _form: {},
        save=lambda _values: services.issue(user, event),
        page=lambda state: _page(request, user, event, FormState(problem=state.problem, status=state.status)),
        done=lambda count: request.url_for("dashboard_certificates", slug=event.slug).include_query_params(
            issued=count
        ),
        notice="issued",
        problems=(services.EventNotStarted, services.NoCertificateRules),
    )


async def certificates_zip(request: Request) -> Response:
    _user, event = await organiser_and_event(request)
    body = await documents.institution_zip(event, request.query_params.get("institution", ""))
    headers = {"Content-Disposition": f'attachment; filename="{documents.zip_name(event)}"'}
    return Response(body, media_type="application/zip", headers=headers)


routes = [
    Route(
        "/dashboard/events/{slug:slug}/certificates",
        certificates_page,
        methods=["GET"],
        name="dashboard_certificates",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/certificates", rules_save, name="dashboard_certificates_rules"
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/certificates/issue",
        certificates_issue,
        name="dashboard_certificates_issue",
    ),
    Route(
        "/dashboard/events/{slug:slug}/certificates.zip",
        certificates_zip,
        methods=["GET"],
        name="dashboard_certificates_zip",
    ),
]

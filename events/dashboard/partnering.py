"""The organiser's partnering pages: set-up and figures, the schedule (run, move, publish), the tables.

Every POST goes through the one form cycle; the rules are in `events.partnering`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events import clock
from events.accounts.models import User
from events.catalogue.models import Event
from events.dashboard.context import organiser_and_event
from events.errors import Conflict, InvalidTransition, NotFound
from events.i18n import get_locale
from events.partnering import exports, meetings, services
from events.partnering.models import Meeting, MeetingRequest, Participant, PartneringSetup, table_label
from events.partnering.schemas import UNPLACED_REASONS, MeetingPatch, SetupIn
from events.web import forms
from events.web.forms import FormState

WINDOW_SEPARATOR = "/"


def _setup_values(
    event: Event, setup: PartneringSetup | None, slots_windows: list[dict[str, str]]
) -> dict[str, object]:
    if setup is None:
        return {
            "enabled": True,
            "meeting_minutes": 30,
            "tables": 10,
            "max_meetings": 8,
            "follow_up_months": 3,
        }
    zone = event.timezone

    def local(value: str | datetime) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return forms_local(moment, zone)

    return {
        "enabled": setup.enabled,
        "meeting_minutes": setup.meeting_minutes,
        "windows": "\n".join(
            f"{local(w['starts_at'])} {WINDOW_SEPARATOR} {local(w['ends_at'])}" for w in slots_windows
        ),
        "tables": setup.tables,
        "table_names": "\n".join(setup.table_names),
        "max_meetings": setup.max_meetings,
        "requests_close_at": setup.requests_close_at,
        "topics": "\n".join(_pair_line(t) for t in setup.topics),
        "cooperation_types": "\n".join(_pair_line(t) for t in setup.cooperation_types),
        "follow_up_months": setup.follow_up_months,
    }


def forms_local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _pair_line(pair: dict[str, str]) -> str:
    return pair["fr"] if pair.get("fr") == pair.get("en") else f"{pair.get('fr', '')} | {pair.get('en', '')}"


def _pairs(form: FormData, name: str) -> list[object]:
    """One entry per line: `français | English`, or one text for both languages."""
    found: list[object] = []
    for line in forms.lines(form, name):
        fr, _, en = line.partition("|")
        found.append({"fr": fr.strip(), "en": en.strip()} if en.strip() else fr.strip())
    return found


def _windows(form: FormData, zone: str) -> list[object]:
    windows: list[object] = []
    for line in forms.lines(form, "windows"):
        start, _, end = line.partition(WINDOW_SEPARATOR)
        windows.append(
            {
                "starts_at": forms.local_time(start.strip().replace(" ", "T", 1), zone),
                "ends_at": forms.local_time(end.strip().replace(" ", "T", 1), zone),
            }
        )
    return windows


def _setup_data(event: Event) -> Callable[[FormData], dict[str, object]]:
    def read(form: FormData) -> dict[str, object]:
        return {
            "enabled": forms.checked(form, "enabled"),
            "meeting_minutes": forms.optional(form, "meeting_minutes"),
            "windows": _windows(form, event.timezone),
            "tables": forms.optional(form, "tables"),
            "table_names": forms.lines(form, "table_names"),
            "max_meetings": forms.optional(form, "max_meetings"),
            "requests_close_at": forms.local_time(forms.optional(form, "requests_close_at"), event.timezone),
            "topics": _pairs(form, "topics"),
            "cooperation_types": _pairs(form, "cooperation_types"),
            "follow_up_months": forms.optional(form, "follow_up_months") or 3,
        }

    return read


async def _overview(request: Request, user: User, event: Event, state: FormState | None = None) -> Response:
    setup = await services.setup_of(event)
    slots = await services.event_slots(event)
    windows = services.setup_out(event, setup, slots, get_locale())["windows"] if setup else []
    context: dict[str, object] = {
        "user": user,
        "event": event,
        "current": "partnering",
        "setup": setup,
        "slots": slots,
        "stats": await meetings.stats(event) if setup else None,
        "pairs": await exports.successful_pairs(event) if setup else [],
        "reasons": UNPLACED_REASONS,
    }
    shown = state or FormState(_setup_values(event, setup, windows))
    return forms.show(request, "dashboard/partnering.html", context, shown)


async def overview_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _overview(request, user, event)


def _shown(form: FormData) -> dict[str, object]:
    return forms.posted(form, checkboxes=["enabled"])


async def save_setup(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=SetupIn,
        read=_setup_data(event),
        shown=_shown,
        save=lambda values: services.configure(user, event, values.model_dump(mode="json")),
        page=lambda state: _overview(request, user, event, state),
        done=lambda _: request.url_for("dashboard_partnering", slug=event.slug),
        notice="setup_saved",
        problems=(Conflict, InvalidTransition),
    )


async def run_schedule(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: meetings.run_schedule(user, event, {"time_limit": 10}),
        done=lambda _: request.url_for("dashboard_partnering_schedule", slug=event.slug),
        notice="scheduled",
    )


async def publish(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.button_cycle(
        request,
        save=lambda: meetings.publish(user, event),
        done=lambda _: request.url_for("dashboard_partnering_schedule", slug=event.slug),
        notice="published",
    )


async def _names(event: Event) -> dict[int, str]:
    people = await Participant.filter(event_id=event.id).select_related("ticket")
    return {
        p.id: ", ".join(part for part in (p.ticket.attendee_name, p.ticket.attendee_organisation) if part)
        for p in people
    }


async def _schedule_page(request: Request, user: User, event: Event, state: FormState) -> Response:
    setup = await services.enabled_setup(event)
    slots = await services.event_slots(event)
    found = await meetings.event_meetings(event)
    names = await _names(event)
    requests = {r.id: r for r in await MeetingRequest.filter(event_id=event.id)}
    unplaced = [
        {"request": requests[row["request_id"]], "reason": row["reason"]}
        for row in setup.last_run.get("unscheduled", [])
        if row["request_id"] in requests and not await Meeting.filter(request_id=row["request_id"]).exists()
    ]
    context: dict[str, object] = {
        "user": user,
        "event": event,
        "current": "partnering",
        "setup": setup,
        "slots": slots,
        "meetings": found,
        "names": names,
        "tables": [(n, table_label(setup, n)) for n in range(1, setup.tables + 1)],
        "unplaced": unplaced,
        "reasons": UNPLACED_REASONS,
        "last_run": setup.last_run,
    }
    return forms.show(request, "dashboard/partnering_schedule.html", context, state)


async def schedule_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _schedule_page(request, user, event, FormState())


async def move_meeting(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    meeting_id = request.path_params["meeting_id"]
    return await forms.form_cycle(
        request,
        schema=MeetingPatch,
        read=lambda form: {
            "slot_id": forms.optional(form, "slot_id"),
            "table": forms.optional(form, "table"),
        },
        save=lambda values: meetings.move_meeting(user, event, meeting_id, values.model_dump()),
        page=lambda state: _schedule_page(request, user, event, state),
        done=lambda _: request.url_for("dashboard_partnering_schedule", slug=event.slug),
        notice="moved",
        problems=(Conflict, InvalidTransition, NotFound),
    )


async def tables_page(request: Request) -> Response:
    """The live view of every table in the current (or next) slot; reloads itself every 30 s."""
    user, event = await organiser_and_event(request)
    setup = await services.enabled_setup(event)
    slots = await services.event_slots(event)
    now = clock.now()
    wanted = request.query_params.get("slot", "")
    chosen = (
        next((s for s in slots if str(s.id) == wanted), None)
        if wanted.isdigit() and len(wanted) < 10
        else None
    )
    current = chosen or next((s for s in slots if s.ends_at > now), slots[-1] if slots else None)
    by_table: dict[int, Meeting] = {}
    if current is not None:
        for meeting in await Meeting.filter(slot_id=current.id).exclude(status="cancelled"):
            by_table[meeting.table] = meeting
    counts: dict[str, int] = defaultdict(int)
    for meeting in by_table.values():
        counts[str(meeting.status)] += 1
    context: dict[str, object] = {
        "user": user,
        "event": event,
        "current": "partnering",
        "setup": setup,
        "slots": slots,
        "slot": current,
        "tables": [(n, table_label(setup, n), by_table.get(n)) for n in range(1, setup.tables + 1)],
        "names": await _names(event),
        "counts": counts,
    }
    return forms.show(request, "dashboard/partnering_tables.html", context, FormState())


async def export_csv(request: Request) -> Response:
    return await _export(request, "csv")


async def export_xlsx(request: Request) -> Response:
    return await _export(request, "xlsx")


async def _export(request: Request, kind: str) -> Response:
    _user, event = await organiser_and_event(request)
    await services.enabled_setup(event)
    table = await exports.rows(event)
    if kind == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body, name = exports.to_xlsx(table), f"{event.slug}-meetings.xlsx"
    else:
        media, body, name = "text/csv; charset=utf-8", exports.to_csv(table), f"{event.slug}-meetings.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    return Response(body, media_type=media, headers=headers)


_BASE = "/dashboard/events/{slug:slug}/partnering"
routes = [
    Route(_BASE, overview_page, methods=["GET"], name="dashboard_partnering"),
    forms.form_route(_BASE, save_setup, name="dashboard_partnering_save"),
    Route(f"{_BASE}/schedule", schedule_page, methods=["GET"], name="dashboard_partnering_schedule"),
    forms.form_route(f"{_BASE}/schedule", run_schedule, name="dashboard_partnering_run"),
    forms.form_route(f"{_BASE}/publish", publish, name="dashboard_partnering_publish"),
    forms.form_route(f"{_BASE}/meetings/{{meeting_id:id}}", move_meeting, name="dashboard_partnering_move"),
    Route(f"{_BASE}/tables", tables_page, methods=["GET"], name="dashboard_partnering_tables"),
    Route(f"{_BASE}/meetings.csv", export_csv, methods=["GET"], name="dashboard_partnering_csv"),
    Route(f"{_BASE}/meetings.xlsx", export_xlsx, methods=["GET"], name="dashboard_partnering_xlsx"),
]

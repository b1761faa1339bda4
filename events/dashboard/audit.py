"""The organiser's audit log: who changed what and when, filtered by object, person and period."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import team
from events.accounts.auth import organiser
from events.audit import trail
from events.web.templating import render

_TEXT = ("object_type", "object_id", "actor", "cursor")


def _day(value: str | None, end: bool = False) -> str | None:
    """A date field (YYYY-MM-DD) as the start of that day in UTC, or of the next day for `until`."""
    if not value or len(value) != 10:
        return None
    return f"{value}T23:59:59+00:00" if end else f"{value}T00:00:00+00:00"


async def audit_page(request: Request) -> Response:
    user = await organiser(request)
    query = request.query_params
    chosen = {key: (query.get(key) or "")[: trail.TEXT_LENGTH] for key in (*_TEXT, "since", "until")}
    params: dict[str, str | None] = {key: chosen[key] for key in _TEXT}
    params["since"], params["until"] = _day(chosen["since"]), _day(chosen["until"], end=True)
    found = await trail.page(user, trail.query(params))
    context = {
        "user": user,
        "entries": [{**e, "changes": trail.difference(e["before"], e["after"])} for e in found.entries],
        "next_cursor": found.next_cursor,
        "chosen": chosen,
        "filters": {key: value for key, value in chosen.items() if value and key != "cursor"},
        "members": await team.members(user),
    }
    return render(request, "dashboard/audit.html", context)


routes = [Route("/dashboard/audit", audit_page, methods=["GET"], name="dashboard_audit")]

"""The audit trail in the JSON API (owners and managers)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.audit import trail
from events.web.api import answer, documented

_PARAMS = ("object_type", "object_id", "actor", "since", "until", "limit", "cursor")


@documented("The audit trail, newest first (?object_type=&object_id=&actor=&since=&until=&limit=&cursor=)")
async def audit_entries(request: Request) -> Response:
    user = await api_organiser(request)
    wanted = trail.query({key: request.query_params.get(key) for key in _PARAMS})
    found = await trail.page(user, wanted)
    return answer({"entries": found.entries, "next_cursor": found.next_cursor})


routes = [Route("/audit", audit_entries, methods=["GET"], name="api_audit")]

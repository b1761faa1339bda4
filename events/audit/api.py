"""The audit trail in the JSON API (owners and managers)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.audit import trail
from events.audit.schemas import AuditQuery
from events.web.api import answer, documented, query_model


@documented(
    "The audit trail, newest first (?object_type=&object_id=&actor=&since=&until=&limit=&cursor=)",
    query=AuditQuery,
)
async def audit_entries(request: Request) -> Response:
    user = await api_organiser(request)
    wanted = query_model(request, AuditQuery).wanted()
    found = await trail.page(user, wanted)
    return answer({"entries": found.entries, "next_cursor": found.next_cursor})


routes = [Route("/audit", audit_entries, methods=["GET"], name="api_audit")]

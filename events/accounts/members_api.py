"""The member directory in the JSON API (organisation owner or manager)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import members
from events.accounts.auth import api_organiser
from events.accounts.members import DirectoryIn
from events.web.api import answer, documented, json_body


@documented("Replace the organisation's member directory", body=DirectoryIn, response=DirectoryIn)
async def replace_directory(request: Request) -> Response:
    user = await api_organiser(request)
    stored = await members.replace_directory(user, await json_body(request))
    return answer({"members": [members.member_json(m) for m in stored]})


routes = [
    Route("/organisation/member-directory", replace_directory, methods=["PUT"], name="api_member_directory"),
]

"""The privacy part of the JSON API (organisation owner): a person's data, and its erasure."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.privacy import services
from events.privacy.schemas import Erased, PersonData, PersonIn
from events.validation import validate
from events.web.api import answer, documented, json_body


@documented("Everything the organisation holds about a person", body=PersonIn, response=PersonData)
async def people(request: Request) -> Response:
    user = await api_organiser(request)
    return answer(await services.person_data(user, validate(PersonIn, await json_body(request))))


@documented("Anonymise a person everywhere in the organisation", body=PersonIn, response=Erased)
async def erase(request: Request) -> Response:
    user = await api_organiser(request)
    erased = await services.erase_person(user, validate(PersonIn, await json_body(request)))
    return answer({"erased": erased})


routes = [
    Route("/privacy/people", people, methods=["POST"], name="api_privacy_people"),
    Route("/privacy/erase", erase, methods=["POST"], name="api_privacy_erase"),
]

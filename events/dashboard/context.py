"""What every event page of the dashboard starts from: the signed-in organiser and one of their events.

Another organisation's event is simply not found (DESIGN rule 11), on every page and every form.
"""

from __future__ import annotations

from starlette.requests import Request

from events.accounts.auth import organiser
from events.accounts.models import User
from events.catalogue import services
from events.catalogue.models import Event


async def organiser_and_event(request: Request) -> tuple[User, Event]:
    """The signed-in organiser and the event of the path's slug (`catalogue.services.organiser_event`)."""
    user = await organiser(request)
    return user, await services.organiser_event(user, request.path_params["slug"])

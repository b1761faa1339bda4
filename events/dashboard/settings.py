"""The organisation's settings: the legal details its invoices show, changed by its owner only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import organiser
from events.accounts.models import Organisation, Role, User
from events.errors import Forbidden
from events.invoicing import seller
from events.invoicing.seller import LegalDetails
from events.web import forms
from events.web.forms import FormState


async def _owner(request: Request) -> User:
    user = await organiser(request)
    if user.role != Role.OWNER:
        raise Forbidden()
    return user


async def _page(request: Request, user: User, state: FormState) -> Response:
    context = {"user": user, "saved": request.query_params.get("saved") == "1" and not state.errors}
    return forms.show(request, "dashboard/settings.html", context, state)


async def settings_page(request: Request) -> Response:
    user = await _owner(request)
    organisation = await Organisation.get(id=user.organisation_id)
    return await _page(request, user, FormState(seller.values_of(organisation)))


async def update_settings(request: Request) -> Response:
    user = await _owner(request)
    return await forms.form_cycle(
        request,
        schema=LegalDetails,
        read=lambda form: forms.fields(form, seller.FIELDS),
        save=lambda values: seller.update_legal_details(user, values),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_settings").include_query_params(saved="1"),
    )


routes = [
    Route("/dashboard/settings", settings_page, methods=["GET"], name="dashboard_settings"),
    forms.form_route("/dashboard/settings", update_settings, name="dashboard_settings_update"),
]

"""The organisation's settings: the legal details its invoices show, changed by its owner only."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import organiser
from events.accounts.models import Organisation, Role, User
from events.errors import Forbidden
from events.i18n import gettext
from events.invoicing import seller
from events.invoicing.seller import LegalDetails
from events.web import forms
from events.web.forms import FormState


async def _owner(request: Request) -> User:
    user = await organiser(request)
    if user.role != Role.OWNER:
        raise Forbidden()
    return user


def _settings_form(form: FormData) -> dict[str, object]:
    """Every text field (blank ones as None), and the VAT-on-debits checkbox as a boolean; the logo and
    colour are the look page's (`dashboard_branding`), so this form leaves them as they are."""
    skipped = ("vat_on_debits", *seller.LOOK)
    values = {name: forms.optional(form, name) for name in seller.FIELDS if name not in skipped}
    return {**values, "vat_on_debits": forms.checked(form, "vat_on_debits")}


async def _page(request: Request, user: User, state: FormState) -> Response:
    organisation = await Organisation.get(id=user.organisation_id)
    missing = [gettext(seller.LABELS[name]) for name in seller.missing(organisation)]
    context = {
        "user": user,
        "missing": missing,
        "saved": request.query_params.get("saved") == "1" and not state.errors,
    }
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
        read=_settings_form,
        save=lambda values: seller.update_legal_details(user, values.model_dump(exclude=set(seller.LOOK))),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_settings").include_query_params(saved="1"),
    )


routes = [
    Route("/dashboard/settings", settings_page, methods=["GET"], name="dashboard_settings"),
    forms.form_route("/dashboard/settings", update_settings, name="dashboard_settings_update"),
]

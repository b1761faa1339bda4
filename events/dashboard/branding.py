"""The organisation's look: the owner sets a logo and a colour for public pages and e-mails."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import branding
from events.accounts.auth import organiser
from events.accounts.models import Organisation, User
from events.web import forms
from events.web.forms import FormState


class BrandingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    colour: str = Field(default="", max_length=7)
    logo: bytes | None = None


async def _page(request: Request, user: User, state: FormState) -> Response:
    organisation = await Organisation.get(id=user.organisation_id)
    context = {
        "user": user,
        "organisation": organisation,
        "has_logo": await branding.has_logo(organisation.id),
    }
    return forms.show(request, "dashboard/branding.html", context, state)


async def branding_page(request: Request) -> Response:
    user = await organiser(request)
    organisation = await Organisation.get(id=user.organisation_id)
    return await _page(request, user, FormState({"colour": organisation.colour}))


def _read(form: FormData) -> dict[str, object]:
    upload = form.get("logo")
    content = b""
    if isinstance(upload, UploadFile):
        with upload.file:
            content = upload.file.read(branding.MAX_BYTES + 1)
    return {"colour": forms.text(form, "colour")[:7], "logo": content or None}


async def branding_submit(request: Request) -> Response:
    user = await organiser(request)
    return await forms.form_cycle(
        request,
        schema=BrandingIn,
        read=_read,
        shown=lambda form: {"colour": forms.text(form, "colour")},
        save=lambda values: branding.set_branding(user, values.colour, values.logo),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_branding"),
        notice="saved",
    )


routes = [
    Route("/dashboard/branding", branding_page, methods=["GET"], name="dashboard_branding"),
    forms.form_route("/dashboard/branding", branding_submit, name="dashboard_branding_submit"),
]

"""The organiser's API tokens: a named token made here (its text shown once), the list, revoking one."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import api_tokens
from events.accounts.auth import organiser
from events.accounts.models import User
from events.validation import ID_MAX
from events.web import forms
from events.web.forms import FormState

FLASH_TOKEN = "new_api_token"  # noqa: S105 — the session key, not a secret
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class ChosenToken(BaseModel):
    token_id: Annotated[int, Field(ge=1, le=ID_MAX)]


async def _page(request: Request, user: User, state: FormState) -> Response:
    new_token = request.session.pop(FLASH_TOKEN, None)
    context = {
        "user": user,
        "tokens": await api_tokens.tokens(user),
        "new_token": new_token if isinstance(new_token, str) else None,
    }
    response = forms.show(request, "dashboard/tokens.html", context, state)
    response.headers.update(NO_STORE)
    return response


async def tokens_page(request: Request) -> Response:
    return await _page(request, await organiser(request), FormState())


async def create_token(request: Request) -> Response:
    user = await organiser(request)

    async def save(values: api_tokens.TokenIn) -> None:
        _created, token = await api_tokens.create_token(user, values)
        request.session[FLASH_TOKEN] = token

    return await forms.form_cycle(
        request,
        schema=api_tokens.TokenIn,
        read=lambda form: {"name": forms.text(form, "name")},
        save=save,
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_tokens"),
    )


async def revoke_token(request: Request) -> Response:
    user = await organiser(request)
    return await forms.form_cycle(
        request,
        schema=ChosenToken,
        read=lambda form: {"token_id": forms.text(form, "token_id")},
        save=lambda chosen: api_tokens.revoke_token(user, chosen.token_id),
        page=lambda state: _page(request, user, state),
        done=lambda _: request.url_for("dashboard_tokens"),
        notice="revoked",
    )


routes = [
    Route("/dashboard/tokens", tokens_page, methods=["GET"], name="dashboard_tokens"),
    forms.form_route("/dashboard/tokens", create_token, name="dashboard_token_create"),
    forms.form_route("/dashboard/tokens/revoke", revoke_token, name="dashboard_token_revoke"),
]

"""Signing in and out (pages) and API tokens."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts import auth, password_reset, services
from events.accounts.models import Role
from events.errors import InvalidCredentials
from events.i18n import get_locale
from events.validation import validate
from events.web import forms
from events.web.api import answer, documented, json_body
from events.web.forms import FormState
from events.web.templating import render


class Credentials(BaseModel):
    email: str
    password: str


class TokenOut(BaseModel):
    token: str


def _safe_next(target: str | None) -> str | None:
    """Only a local path may be a redirect target after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


async def login_page(request: Request) -> Response:
    context = {"next": request.query_params.get("next", ""), "notice": request.query_params.get("notice")}
    return render(request, "accounts/login.html", context)


async def login(request: Request) -> Response:
    form = await auth.checked_form(request)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        user = await services.authenticate(email, password, auth.client_ip(request))
    except InvalidCredentials as error:
        context = {"email": email, "next": form.get("next", ""), "error": error}
        return render(request, "accounts/login.html", context, status_code=401)
    auth.start_session(request, user)
    home = "scanner_index" if user.role == Role.DOOR else "dashboard"
    target = _safe_next(str(form.get("next", ""))) or request.url_for(home)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await auth.checked_form(request)
    user = await auth.session_user(request)
    if user is not None:
        await services.end_sessions(user)
    request.session.clear()
    return RedirectResponse(request.url_for("home"), status_code=303)


async def _reset_request_page(request: Request, state: FormState) -> Response:
    return forms.show(request, "accounts/password_reset.html", {}, state)


async def reset_request_page(request: Request) -> Response:
    return await _reset_request_page(request, FormState())


async def reset_request(request: Request) -> Response:
    """The same answer whether or not the address has an account."""

    def link(token: str) -> str:
        return str(request.url_for("password_reset_choose", token=token))

    return await forms.form_cycle(
        request,
        schema=password_reset.ResetRequest,
        read=lambda form: {"email": forms.text(form, "email")},
        save=lambda asked: password_reset.request_reset(asked, auth.client_ip(request), link, get_locale()),
        page=lambda state: _reset_request_page(request, state),
        done=lambda _: request.url_for("password_reset"),
        notice="sent",
    )


async def _choose_page(request: Request, state: FormState) -> Response:
    token = request.path_params["token"]
    await password_reset.open_reset(token)
    return forms.show(request, "accounts/password_choose.html", {"token": token}, state)


async def choose_page(request: Request) -> Response:
    return await _choose_page(request, FormState())


async def choose(request: Request) -> Response:
    token = request.path_params["token"]
    return await forms.form_cycle(
        request,
        schema=password_reset.NewPassword,
        read=lambda form: {
            "password": str(form.get("password", "")),
            "confirm": str(form.get("confirm", "")),
        },
        save=lambda choice: password_reset.choose_password(token, choice),
        page=lambda state: _choose_page(request, FormState({}, state.errors, state.problem, state.status)),
        done=lambda _: request.url_for("login"),
        notice="password_changed",
    )


@documented(
    "Exchange an e-mail and password for an API token",
    body=Credentials,
    response=TokenOut,
    status=201,
    auth=False,
)
async def create_token(request: Request) -> Response:
    credentials = validate(Credentials, await json_body(request))
    user = await services.authenticate(credentials.email, credentials.password, auth.client_ip(request))
    return answer({"token": await services.issue_token(user)}, status_code=201)


routes = [
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"], name="login_submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/password-reset", reset_request_page, methods=["GET"], name="password_reset"),
    forms.form_route("/password-reset", reset_request, name="password_reset_submit"),
    Route("/password-reset/{token}", choose_page, methods=["GET"], name="password_reset_choose"),
    forms.form_route("/password-reset/{token}", choose, name="password_reset_choose_submit"),
]

api_routes = [
    Route("/auth/token", create_token, methods=["POST"], name="api_token"),
]

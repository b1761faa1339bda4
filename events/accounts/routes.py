"""Signing in and out (pages) and API tokens."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
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


class SignIn(Credentials):
    """The sign-in form: the credentials, and the page to go back to afterwards."""

    next: str = ""


async def _login_page(request: Request, state: FormState) -> Response:
    context = {
        "email": state.values.get("email", ""),
        "next": state.values.get("next", ""),
        "problem": state.problem,
        "notice": request.query_params.get("notice"),
    }
    return render(request, "accounts/login.html", context, status_code=state.status)


async def login_page(request: Request) -> Response:
    return await _login_page(request, FormState({"next": request.query_params.get("next", "")}))


async def login(request: Request) -> Response:
    async def sign_in(form: SignIn) -> str:
        user = await services.authenticate(form.email, form.password, auth.client_ip(request))
        auth.start_login_session(request, user)
        home = {Role.DOOR: "scanner_index", Role.REVIEWER: "my_reviews"}.get(user.role, "dashboard")
        return _safe_next(form.next) or str(request.url_for(home))

    return await forms.form_cycle(
        request,
        schema=SignIn,
        read=lambda form: {name: str(form.get(name, "")) for name in ("email", "password", "next")},
        save=sign_in,
        page=lambda state: _login_page(request, state),
        done=lambda target: target,
        shown=lambda form: {"email": str(form.get("email", "")), "next": str(form.get("next", ""))},
        problems=(InvalidCredentials,),
    )


async def logout(request: Request) -> Response:
    async def sign_out() -> None:
        user = await auth.login_session_user(request)
        if user is not None:
            await services.end_login_sessions(user)
        request.session.clear()

    return await forms.button_cycle(request, save=sign_out, done=lambda _: request.url_for("home"))


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
    forms.form_route("/login", login, name="login_submit"),
    forms.form_route("/logout", logout, name="logout"),
    Route("/password-reset", reset_request_page, methods=["GET"], name="password_reset"),
    forms.form_route("/password-reset", reset_request, name="password_reset_submit"),
    Route("/password-reset/{token:token}", choose_page, methods=["GET"], name="password_reset_choose"),
    forms.form_route("/password-reset/{token:token}", choose, name="password_reset_choose_submit"),
]

api_routes = [
    Route("/auth/token", create_token, methods=["POST"], name="api_token"),
]

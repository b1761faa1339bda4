"""Signing in and out (pages) and API tokens."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import auth, services
from events.accounts.models import Role
from events.errors import InvalidCredentials
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
    }
    return render(request, "accounts/login.html", context, status_code=state.status)


async def login_page(request: Request) -> Response:
    return await _login_page(request, FormState({"next": request.query_params.get("next", "")}))


async def login(request: Request) -> Response:
    async def sign_in(form: SignIn) -> str:
        user = await services.authenticate(form.email, form.password, auth.client_ip(request))
        auth.start_login_session(request, user)
        home = "scanner_index" if user.role == Role.DOOR else "dashboard"
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
]

api_routes = [
    Route("/auth/token", create_token, methods=["POST"], name="api_token"),
]

"""The organiser's member directory page: the members, and importing them from a CSV file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import members
from events.accounts.auth import organiser
from events.accounts.models import Member, User
from events.web import forms
from events.web.forms import FormState

MAX_FILE = 1_000_000


class MemberFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1, max_length=MAX_FILE)


def _read(form: FormData) -> dict[str, object]:
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        content = upload.file.read(MAX_FILE + 1)
        upload.file.close()  # read whole here: the form cycle's reader is synchronous
        return {"file": content.decode("utf-8-sig", errors="replace")}
    return {"file": forms.text(form, "file")}


async def _page(request: Request, user: User, state: FormState) -> Response:
    directory = await Member.filter(organisation_id=user.organisation_id).order_by("name", "id")
    return forms.show(request, "dashboard/members.html", {"user": user, "members": directory}, state)


async def members_page(request: Request) -> Response:
    user = await organiser(request)
    return await _page(request, user, FormState())


async def members_import(request: Request) -> Response:
    user = await organiser(request)
    return await forms.form_cycle(
        request,
        schema=MemberFile,
        read=_read,
        save=lambda values: members.import_csv(user, values.file),
        page=lambda state: _page(request, user, FormState({}, state.errors, state.problem, state.status)),
        done=lambda _: request.url_for("dashboard_members"),
        notice="imported",
    )


routes = [
    Route("/dashboard/members", members_page, methods=["GET"], name="dashboard_members"),
    forms.form_route("/dashboard/members", members_import, name="dashboard_members_import"),
]

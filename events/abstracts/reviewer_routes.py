"""The reviewer's own pages ("my reviews"): their assignments, and one abstract with its review form.

Only a signed-in user with role `reviewer` gets here; what they see is exactly what the reviewer API
sends (`review.assignment_json`), so a blind call shows no author data on the pages either.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.abstracts import review
from events.abstracts.schemas import ReviewInput
from events.accounts.auth import reviewer
from events.accounts.models import User
from events.web import forms
from events.web.forms import FormState


async def my_reviews(request: Request) -> Response:
    user = await reviewer(request)
    rows = [await review.assignment_json(row) for row in await review.my_assignments(user)]
    return forms.show(request, "abstracts/reviews.html", {"user": user, "assignments": rows}, FormState())


async def _review_page(request: Request, user: User, abstract_id: int, state: FormState) -> Response:
    item = await review.assignment_json(await review.my_assignment(user, abstract_id))
    return forms.show(request, "abstracts/review.html", {"user": user, "item": item}, state)


def _values(item: dict[str, object]) -> dict[str, object]:
    saved = item.get("review")
    if not isinstance(saved, dict):
        return {}
    values: dict[str, object] = {f"score_{key}": value for key, value in saved["scores"].items()}
    values.update(comment=saved["comment"], recommendation=saved["recommendation"])
    return values


async def review_page(request: Request) -> Response:
    user = await reviewer(request)
    item = await review.assignment_json(await review.my_assignment(user, request.path_params["id"]))
    return forms.show(
        request, "abstracts/review.html", {"user": user, "item": item}, FormState(_values(item))
    )


def _read(form: FormData) -> dict[str, object]:
    scores: dict[str, object] = {}
    for key in form:
        if key.startswith("score_") and key[6:].isdigit() and len(key) < 20:
            value = forms.text(form, key)
            scores[key[6:]] = int(value) if value.isdigit() and len(value) < 4 else (value or None)
    return {
        "scores": scores,
        "comment": str(form.get("comment", "")).strip(),
        "recommendation": forms.text(form, "recommendation"),
    }


def _shown(form: FormData) -> dict[str, object]:
    return forms.posted(form)


async def review_save(request: Request) -> Response:
    user = await reviewer(request)
    abstract_id = request.path_params["id"]
    await review.my_assignment(user, abstract_id)
    return await forms.form_cycle(
        request,
        schema=ReviewInput,
        read=_read,
        save=lambda values: review.save_review(user, abstract_id, values.model_dump()),
        page=lambda state: _review_page(request, user, abstract_id, state),
        done=lambda _: request.url_for("my_reviews"),
        notice="review_saved",
        shown=_shown,
    )


routes = [
    Route("/reviews", my_reviews, methods=["GET"], name="my_reviews"),
    Route("/reviews/{id:id}", review_page, methods=["GET"], name="review_page"),
    forms.form_route("/reviews/{id:id}", review_save, name="review_save"),
]

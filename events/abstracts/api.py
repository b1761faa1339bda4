"""The call for abstracts in the JSON API: organisers, submitters (no account) and reviewers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.abstracts import decisions, review, services
from events.abstracts.schemas import (
    AbstractsQuery,
    AssignInput,
    AssignmentChange,
    BulkDecisionInput,
    CallInput,
    CallOut,
    DecisionInput,
    ReviewerInput,
    ReviewInput,
    ScheduleInput,
    SubmissionInput,
    SubmissionPatch,
)
from events.accounts.auth import api_organiser, api_reviewer, client_ip
from events.catalogue import services as catalogue
from events.web.api import answer, documented, json_body, query_model

# ------------------------------------------------------------------ organiser: the call


@documented("The event's call for abstracts", response=CallOut)
async def get_call(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    return answer(await services.call_json(event, await services.call_of(event)))


@documented("Create or replace the event's call for abstracts", body=CallInput, response=CallOut)
async def put_call(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    call = await services.put_call(user, event, await json_body(request))
    return answer(await services.call_json(event, call))


# ------------------------------------------------------------------ submitters


@documented("Submit an abstract while the call is open", body=SubmissionInput, status=201, auth=False)
async def submit(request: Request) -> Response:
    abstract = await services.submit(
        request.path_params["slug"], await json_body(request), client_ip(request)
    )
    body = {
        "id": abstract.id,
        "code": abstract.code,
        "secret": abstract.secret,
        "status": str(abstract.status),
        "manage_url": services.manage_url(abstract),
    }
    return answer(body, status_code=201)


@documented("The submitter's abstract (private link)", auth=False)
async def get_submission(request: Request) -> Response:
    abstract = await services.submitter_abstract(request.path_params["code"], request.path_params["secret"])
    return answer(services.submitter_json(abstract))


@documented("Change the abstract until the call closes", body=SubmissionPatch, auth=False)
async def patch_submission(request: Request) -> Response:
    abstract = await services.submitter_abstract(request.path_params["code"], request.path_params["secret"])
    abstract = await services.edit(abstract, await json_body(request))
    return answer(services.submitter_json(abstract))


@documented("Withdraw the abstract until the call closes", auth=False)
async def withdraw_submission(request: Request) -> Response:
    abstract = await services.submitter_abstract(request.path_params["code"], request.path_params["secret"])
    abstract = await services.withdraw(abstract)
    return answer(services.submitter_json(abstract))


# ------------------------------------------------------------------ organiser: reviewers and assignment


@documented("The event's reviewers, with their progress")
async def list_reviewers(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    rows = []
    for item in await review.progress(event):
        rows.append(
            {**await review.reviewer_json(item.reviewer), "assigned": item.assigned, "done": item.done}
        )
    return answer({"reviewers": rows})


@documented("Enrol a reviewer on the event's tracks", body=ReviewerInput, status=201)
async def add_reviewer(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    seat = await review.add_reviewer(user, event, await json_body(request))
    return answer(await review.reviewer_json(seat), status_code=201)


@documented("Give every submitted abstract up to N reviewers of its track", body=AssignInput)
async def assign(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    made, short = await review.auto_assign(user, event, await json_body(request))
    unassigned: list[dict[str, int | str]] = [
        {"abstract_id": a, "reason": review.SHORT_REASON, "missing": n} for a, n in short.items()
    ]
    return answer({"assigned": made, "unassigned": sorted(unassigned, key=lambda u: u["abstract_id"])})


@documented("Give one abstract to one reviewer by hand", body=AssignmentChange, status=201)
async def assign_one(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    row = await review.assign_one(user, event, await json_body(request))
    return answer({"abstract_id": row.abstract_id, "reviewer_id": row.reviewer_id}, status_code=201)


@documented("Take an abstract back from a reviewer", body=AssignmentChange)
async def unassign_one(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    await review.unassign_one(user, event, await json_body(request))
    return answer({"removed": True})


# ------------------------------------------------------------------ reviewers


@documented("The signed-in reviewer's assignments (no author data when the call is blind)")
async def my_reviews(request: Request) -> Response:
    user = await api_reviewer(request)
    rows = [await review.assignment_json(row) for row in await review.my_assignments(user)]
    return answer({"assignments": rows})


@documented("Score, comment and recommend an assigned abstract", body=ReviewInput)
async def put_review(request: Request) -> Response:
    user = await api_reviewer(request)
    row = await review.save_review(user, request.path_params["id"], await json_body(request))
    return answer(await review.assignment_json(await review.my_assignment(user, row.abstract_id)))


# ------------------------------------------------------------------ organiser: decisions and programme


@documented("The event's abstracts with their review figures (?track=&status=)", query=AbstractsQuery)
async def list_abstracts(request: Request) -> Response:
    user = await api_organiser(request)
    wanted = query_model(request, AbstractsQuery)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    rows = await decisions.event_abstracts(event, track=wanted.track, status=wanted.status)
    return answer({"abstracts": [decisions.organiser_json(a, f) for a, f in rows]})


@documented("Accept (as a type, in a track) or reject an abstract", body=DecisionInput)
async def decide(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    abstract = await decisions.event_abstract(event, request.path_params["id"])
    abstract = await decisions.decide(user, event, abstract, await json_body(request))
    return answer(services.abstract_json(abstract, abstract.track))


@documented("The same decision for several abstracts", body=BulkDecisionInput)
async def decide_many(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    return answer({"decided": await decisions.decide_many(user, event, await json_body(request))})


@documented("Tell each decided submitter not yet told, in their language")
async def notify(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    return answer({"sent": await decisions.notify(user, event)})


@documented("Put an accepted abstract in the programme, or on a poster board", body=ScheduleInput)
async def schedule(request: Request) -> Response:
    user = await api_organiser(request)
    event = await catalogue.organiser_event(user, request.path_params["slug"])
    abstract = await decisions.event_abstract(event, request.path_params["id"])
    abstract = await decisions.schedule(user, event, abstract, await json_body(request))
    return answer(services.abstract_json(abstract, abstract.track))


routes = [
    Route("/events/{slug:slug}/call-for-abstracts", get_call, methods=["GET"], name="api_call"),
    Route("/events/{slug:slug}/call-for-abstracts", put_call, methods=["PUT"], name="api_call_put"),
    Route("/events/{slug:slug}/abstracts", submit, methods=["POST"], name="api_abstract_submit"),
    Route("/events/{slug:slug}/abstracts", list_abstracts, methods=["GET"], name="api_abstracts"),
    Route("/events/{slug:slug}/abstracts/assign", assign, methods=["POST"], name="api_abstracts_assign"),
    Route("/events/{slug:slug}/abstracts/notify", notify, methods=["POST"], name="api_abstracts_notify"),
    Route(
        "/events/{slug:slug}/abstracts/decisions", decide_many, methods=["POST"], name="api_abstracts_decide"
    ),
    Route(
        "/events/{slug:slug}/abstracts/{id:id}/decision",
        decide,
        methods=["POST"],
        name="api_abstract_decision",
    ),
    Route(
        "/events/{slug:slug}/abstracts/{id:id}/schedule",
        schedule,
        methods=["POST"],
        name="api_abstract_schedule",
    ),
    Route("/events/{slug:slug}/assignments", assign_one, methods=["POST"], name="api_assignment_add"),
    Route(
        "/events/{slug:slug}/assignments/remove", unassign_one, methods=["POST"], name="api_assignment_remove"
    ),
    Route("/events/{slug:slug}/reviewers", list_reviewers, methods=["GET"], name="api_reviewers"),
    Route("/events/{slug:slug}/reviewers", add_reviewer, methods=["POST"], name="api_reviewer_add"),
    Route("/reviews", my_reviews, methods=["GET"], name="api_reviews"),
    Route("/abstracts/{id:id}/review", put_review, methods=["PUT"], name="api_review_put"),
    Route("/abstracts/{code:code}/{secret:secret}", get_submission, methods=["GET"], name="api_submission"),
    Route(
        "/abstracts/{code:code}/{secret:secret}",
        patch_submission,
        methods=["PATCH"],
        name="api_submission_patch",
    ),
    Route(
        "/abstracts/{code:code}/{secret:secret}/withdraw",
        withdraw_submission,
        methods=["POST"],
        name="api_submission_withdraw",
    ),
]

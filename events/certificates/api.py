"""The organiser's certificates API: the rules, issuing, the list, and a ZIP per institution."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts import auth
from events.catalogue.services import organiser_event
from events.certificates import documents, services
from events.certificates.schemas import CertificateRulesOut, CertificatesIn, InstitutionQuery, IssuedOut
from events.web.api import answer, documented, json_body, query_model


@documented("Set the rules and texts of the event's certificates of attendance", body=CertificatesIn,
            response=CertificateRulesOut)  # fmt: skip
async def put_rules(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    found = await services.set_rules(user, event, await json_body(request))
    return answer(services.rules_out(found))


@documented("The rules of the event's certificates", response=CertificateRulesOut)
async def get_rules(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer(services.rules_out(await services.rules(event)))


@documented("Issue the certificates earned (once the event has started); each is e-mailed once",
            response=IssuedOut)  # fmt: skip
async def issue(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return answer({"issued": await services.issue(user, event)})


@documented("Certificates issued, with the institutions they belong to")
async def issued(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    found = await services.issued(event)
    return answer(
        {
            "certificates": [
                {
                    "ticket_id": c.ticket_id,
                    "attendee_name": c.attendee_name,
                    "organisation": c.organisation,
                    "issued_at": c.issued_at.isoformat(),
                    "certificate_url": services.certificate_url(c.code),
                }
                for c in found
            ],
            "institutions": sorted({c.organisation for c in found}),
        }
    )


@documented("One institution's certificates in a ZIP (?institution=, empty for attendees without one)",
            media="application/zip", query=InstitutionQuery)  # fmt: skip
async def institution_zip(request: Request) -> Response:
    user = await auth.api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    body = await documents.institution_zip(event, query_model(request, InstitutionQuery).institution)
    headers = {"Content-Disposition": f'attachment; filename="{documents.zip_name(event)}"'}
    return Response(body, media_type="application/zip", headers=headers)


routes = [
    Route("/events/{slug:slug}/certificates", get_rules, methods=["GET"], name="api_certificates"),
    Route("/events/{slug:slug}/certificates", put_rules, methods=["PUT"], name="api_certificates_put"),
    Route("/events/{slug:slug}/certificates/issue", issue, methods=["POST"], name="api_certificates_issue"),
    Route("/events/{slug:slug}/certificates/issued", issued, methods=["GET"], name="api_certificates_issued"),
    Route(
        "/events/{slug:slug}/certificates.zip", institution_zip, methods=["GET"], name="api_certificates_zip"
    ),
]

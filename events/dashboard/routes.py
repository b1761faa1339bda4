"""Every organiser page, gathered from the dashboard's modules (one per area) for `main.py`.

A new organiser page goes in the module of its area here (or a new one), never in the area's own
package: those hold the rules and the public pages (`<area>/routes.py`) and JSON (`<area>/api.py`).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from events.dashboard import (
    abstracts,
    attendees,
    audit,
    badges,
    branding,
    certificates,
    checkin,
    duplicate,
    events,
    invoices,
    invoicing,
    mailings,
    manual_orders,
    members,
    orders,
    partnering,
    privacy,
    programme,
    questions,
    settings,
    team,
    tickets,
    tokens,
)

routes: list[BaseRoute] = [
    *events.routes,
    *tickets.routes,
    *questions.routes,
    *programme.routes,
    *orders.routes,
    *manual_orders.routes,
    *invoicing.routes,
    *invoices.routes,
    *members.routes,
    *checkin.routes,
    *badges.routes,
    *certificates.routes,
    *settings.routes,
    *privacy.routes,
    *partnering.routes,
    *abstracts.routes,
    *attendees.routes,
    *mailings.routes,
    *team.routes,
    *audit.routes,
    *duplicate.routes,
    *branding.routes,
    *tokens.routes,
]

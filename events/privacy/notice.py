"""What the privacy notice says for one organisation: who it is, why and how long data is kept, who
receives it, and whom to ask. The standard text is in `templates/privacy/notice.html` (its version is
`consents.NOTICE_VERSION`); the figures come from the organisation and its events.
"""

from __future__ import annotations

from events import clock
from events.accounts.models import Organisation, Role, User
from events.catalogue.models import Event, EventStatus
from events.errors import NotFound
from events.privacy.consents import NOTICE_VERSION


async def notice_context(slug: str) -> dict[str, object]:
    organisation = await Organisation.get_or_none(slug=slug)
    if organisation is None:
        raise NotFound()
    events = await Event.filter(
        organisation_id=organisation.id, status=EventStatus.PUBLISHED, ends_at__gt=clock.now()
    ).order_by("starts_at")
    owner = (
        await User.filter(organisation_id=organisation.id, role=Role.OWNER, is_active=True)
        .order_by("id")
        .first()
    )
    return {
        "organisation": organisation,
        "events": events,
        "contact": owner.email if owner else "",
        "version": NOTICE_VERSION,
    }

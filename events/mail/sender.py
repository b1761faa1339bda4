"""Who a message comes from, as its header and footer say: the organisation that runs the event.

An attendee who receives a confirmation, a refund or a waiting-list offer must see at a glance which
organisation writes, how to reach it, and under which legal identity it sells (French consumer law asks
a seller's name, address and contact). Colloque itself is only named as the tool, in small print.
The organisation's logo and colour come from its branding settings; the layout keeps a block for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.accounts.branding import ORGANISATION
from events.accounts.models import Organisation, Role, User
from events.cache import TtlCache


@dataclass(frozen=True)
class Sender:
    name: str
    legal_name: str
    address: str
    """One line: street, postcode and city, as the organisation entered them."""
    email: str


def _address(organisation: Organisation) -> str:
    street = ", ".join(line.strip() for line in organisation.legal_address.splitlines() if line.strip())
    town = " ".join(part for part in (organisation.postcode.strip(), organisation.city.strip()) if part)
    return ", ".join(part for part in (street, town) if part)


_senders: TtlCache[int, Sender] = TtlCache(ttl=5, topic=ORGANISATION)


async def sender_of(organisation_id: int | None) -> Sender | None:
    """The organisation's name and contact for the mail layout; None for a message of no organisation.

    The contact address is the first active owner's, as on the privacy notice: an organisation has no
    separate public address, and its owner is the person who answers for it. Every confirmation asks
    this, so it is kept a few seconds.
    """
    if organisation_id is None:
        return None
    return await _senders.fetch(organisation_id, lambda: _read_sender(organisation_id))


async def _read_sender(organisation_id: int) -> Sender | None:
    organisation = await Organisation.get_or_none(id=organisation_id)
    if organisation is None:
        return None
    owner = (
        await User.filter(organisation_id=organisation.id, role=Role.OWNER, is_active=True)
        .order_by("id")
        .first()
    )
    legal_name = organisation.legal_name.strip()
    return Sender(
        name=organisation.name,
        legal_name=legal_name if legal_name != organisation.name else "",
        address=_address(organisation),
        email=owner.email if owner else "",
    )

"""The organisation's look: a logo and a colour on its public pages, e-mails, badges and invoices.

One look per organisation, wherever it is set: the colour is `Organisation.colour` and the logo is the
image in `OrganisationLogo`, whether it came from the dashboard's look page (an upload) or from the
settings API (`logo_url` as a `data:` URL; the API reads back the address the logo is served at).

A logo is PNG or JPEG, at most `MAX_BYTES`; it is decoded and re-encoded by Pillow (so what is served
is an image we made, without metadata or anything hidden after it) and scaled down to `MAX_SIDE`.
SVG is refused: it can carry scripts and links, and a safe subset is not worth its risk here.
"""

from __future__ import annotations

import base64
import binascii
import io
import re

from PIL import Image, UnidentifiedImageError
from tortoise.transactions import in_transaction

from events import cache
from events.accounts.models import Organisation, OrganisationLogo, Role, User
from events.audit import services as audit
from events.cache import TtlCache
from events.errors import N_, Forbidden, Invalid, NotFound
from events.i18n import gettext
from events.web import links
from events.web.pagecache import public_pages

ORGANISATION = "organisation"
"""The cache topic of what messages and pages show of an organisation (its look here, its sender in
`mail.sender`): `cache.forget(ORGANISATION)` wherever its name, legal identity, owner or look change."""

MAX_BYTES = 512 * 1024
MAX_SIDE = 600
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _image(content: bytes) -> tuple[bytes, str]:
    """The logo re-encoded, or `Invalid` naming what is wrong."""
    if len(content) > MAX_BYTES:
        raise Invalid({"logo": gettext(N_("The logo is too large (at most 512 KB)."))})
    if content.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in content[:1024]:
        raise Invalid({"logo": gettext(N_("SVG logos are not accepted: send a PNG or JPEG."))})
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise Invalid({"logo": gettext(N_("Send a PNG or JPEG image."))})
            image.load()
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Invalid({"logo": gettext(N_("Send a PNG or JPEG image."))}) from None
    return out.getvalue(), FORMATS[kind]


async def store_logo(organisation_id: int, image: tuple[bytes, str] | None) -> None:
    """Replace the logo by `image` (already checked by `_image`), or remove it (None)."""
    await OrganisationLogo.filter(organisation_id=organisation_id).delete()
    if image is not None:
        content, media_type = image
        await OrganisationLogo.create(organisation_id=organisation_id, content=content, media_type=media_type)


_DATA_URL = re.compile(r"^data:image/(png|jpeg);base64,(.*)$", re.DOTALL)


def logo_from_url(value: str) -> tuple[bytes, str]:
    """A logo sent to the settings API as a `data:image/png;base64,…` (or jpeg) URL, checked like an
    upload. Any other address is refused: the server never fetches images from elsewhere."""
    found = _DATA_URL.match(value.strip())
    if found is None:
        message = N_(
            "Send the logo as a data:image/png;base64 URL (or jpeg), or upload it on the Logo and colour page"
        )
        raise Invalid({"logo_url": gettext(message)})
    try:
        content = base64.b64decode(found.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid({"logo_url": gettext(N_("Send a PNG or JPEG image."))}) from None
    try:
        return _image(content)
    except Invalid as error:
        raise Invalid({"logo_url": str(error.details.get("logo", ""))}) from None


def logo_address(organisation: Organisation, has: bool) -> str:
    """Where the organisation's logo is served (absolute), or "" without one."""
    return links.absolute("organisation_logo", slug=organisation.slug) if has else ""


async def set_branding(user: User, colour: str, logo: bytes | None) -> Organisation:
    """Owners set the colour and, when one is sent, a new logo; one audit row, no image bytes in it."""
    if user.role != Role.OWNER:
        raise Forbidden()
    colour = colour.strip()
    if colour and not _COLOUR.match(colour):
        raise Invalid({"colour": gettext(N_("Use a colour such as #0b5c8e."))})
    image = _image(logo) if logo else None
    async with in_transaction():
        organisation = await Organisation.get(id=user.organisation_id)
        before = {"colour": organisation.colour}
        organisation.colour = colour.lower()
        await organisation.save(update_fields=["colour"])
        if image is not None:
            await store_logo(organisation.id, image)
        after = {"colour": organisation.colour, **({"logo": "replaced"} if image else {})}
        await audit.record(
            user, organisation.id, "organisation.branding", "organisation", organisation.id, before, after
        )
    public_pages.clear()  # the event pages show the new look at once
    cache.forget(ORGANISATION)
    return organisation


async def logo(organisation_slug: str) -> OrganisationLogo:
    if len(organisation_slug) > 80:
        raise NotFound()
    found = await OrganisationLogo.get_or_none(organisation__slug=organisation_slug)
    if found is None:
        raise NotFound()
    return found


async def has_logo(organisation_id: int) -> bool:
    return await OrganisationLogo.exists(organisation_id=organisation_id)


async def logo_image(organisation_id: int) -> tuple[bytes, str] | None:
    """The logo's bytes and media type, for the documents that embed it (badges, invoices)."""
    found = await OrganisationLogo.get_or_none(organisation_id=organisation_id)
    return (bytes(found.content), found.media_type) if found is not None else None


_looks: TtlCache[int, tuple[dict[str, str] | None]] = TtlCache(ttl=5, topic=ORGANISATION)


async def brand(organisation_id: int) -> dict[str, str] | None:
    """What a public page or an e-mail shows of the organisation's look: its colour, logo and name
    (None when it has set neither, so Colloque's own look stays); kept a few seconds."""
    known = await _looks.fetch(organisation_id, lambda: _wrapped_brand(organisation_id))
    look = known[0] if known else None
    return dict(look) if look is not None else None  # a copy: the cached one stays as read


async def _wrapped_brand(organisation_id: int) -> tuple[dict[str, str] | None]:
    """The look in a tuple, so that "no look" (None) is kept too."""
    return (await _read_brand(organisation_id),)


async def _read_brand(organisation_id: int) -> dict[str, str] | None:
    organisation = await Organisation.get_or_none(id=organisation_id)
    if organisation is None:
        return None
    logo_url = logo_address(organisation, await has_logo(organisation.id))
    if not logo_url and not organisation.colour:
        return None
    return {
        "colour": organisation.colour,
        "logo": logo_url,
        "name": organisation.name,
        "slug": organisation.slug,
    }


async def colour(organisation_slug: str) -> str:
    found = await Organisation.get_or_none(slug=organisation_slug[:80])
    if found is None or not found.colour:
        raise NotFound()
    return found.colour

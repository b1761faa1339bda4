"""The organisation's legal details and bank details, printed on every invoice it issues (owner only).

French law asks an invoice to name the seller: legal name and address, SIREN and SIRET, the
intra-community VAT number (none under the VAT franchise of art. 293 B CGI, which prints a mention
instead), legal form, share capital and RCS (free text here), and the late payment terms; since the
2026 reform, whether VAT is paid on debits. Invoices to be paid by transfer also print the bank details.
The identifiers are checked by python-stdnum (`events.identifiers`), so a typo is caught before it is
printed. Changing them never touches an invoice already issued: each keeps the snapshot taken at issue.

"No invoice without a seller": `missing` names what is still to be filled in; while anything is
missing no paid sale opens (`require_complete`), and the dashboard says what to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from tortoise.transactions import in_transaction

from events import cache, identifiers
from events.accounts import branding
from events.accounts.branding import ORGANISATION
from events.accounts.models import Organisation, Role, User
from events.audit import services as audit
from events.errors import N_, Forbidden, Invalid, SellerIncomplete
from events.i18n import COUNTRY_CODES, gettext
from events.validation import validate
from events.web.pagecache import public_pages

FRANCHISE = "franchise"
COLUMNS = {"address": "legal_address"}
"""Wire names that differ from the column they are stored in."""
LOOK = ("logo_url", "colour")
"""The organisation's look, the same one its pages, e-mails and badges show (`events.accounts.branding`):
`colour` is a column; `logo_url` reads the address the uploaded logo is served at, and is written as a
`data:` URL (a new logo) or empty (no logo)."""

FIELDS = (
    "legal_name", "address", "postcode", "city", "country", "siren", "siret", "vat_number",
    "vat_regime", "vat_on_debits", "legal_mentions", "late_payment_terms", "invoice_prefix",
    "iban", "bic", "account_holder", "logo_url", "colour",
)  # fmt: skip

LABELS = {
    "legal_name": N_("Legal name"),
    "address": N_("Registered address"),
    "postcode": N_("Postcode"),
    "city": N_("City"),
    "siren": N_("SIREN"),
    "siret": N_("SIRET"),
    "vat_number": N_("Intra-community VAT number"),
    "legal_mentions": N_("Other legal mentions"),
    "iban": N_("IBAN"),
    "bic": N_("BIC"),
    "account_holder": N_("Account holder"),
}


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def _checked(value: str, check: Callable[[str], object]) -> str:
    value = _compact(value)
    return str(check(value)) if value else value


class LegalDetails(BaseModel):
    """The settings as a whole, so that rules across fields (SIRET starts with the SIREN) hold."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    legal_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=1000)
    postcode: str = Field(default="", max_length=16)
    city: str = Field(default="", max_length=120)
    country: str = Field(default="FR", pattern=r"^[A-Za-z]{2}$")
    siren: str = Field(default="", max_length=20)
    siret: str = Field(default="", max_length=30)
    vat_number: str = Field(default="", max_length=30)
    vat_regime: Literal["normal", "franchise"] = "normal"
    vat_on_debits: bool = False
    legal_mentions: str = Field(default="", max_length=2000)
    late_payment_terms: str = Field(default="", max_length=2000)
    invoice_prefix: str = Field(default="F", min_length=1, max_length=10)
    iban: str = Field(default="", max_length=50)
    bic: str = Field(default="", max_length=20)
    account_holder: str = Field(default="", max_length=200)
    logo_url: str = Field(
        default="",
        max_length=800_000,
        description="Reads: the address the logo is served at. Writes: a data:image/png;base64 or "
        "data:image/jpeg;base64 URL (at most 512 KB of image), the address read (no change) or empty (none).",
    )
    colour: str = Field(default="", pattern=r"^(#[0-9A-Fa-f]{6})?$")

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str) -> str:
        return _checked(value, identifiers.siren)

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        return _checked(value, identifiers.siret)

    @field_validator("vat_number")
    @classmethod
    def _vat(cls, value: str) -> str:
        return _checked(value, identifiers.vat_number)

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        return _checked(value, identifiers.iban)

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str) -> str:
        return _checked(value, identifiers.bic)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value.upper() not in COUNTRY_CODES:
            raise ValueError(N_("Choose a country from the list."))
        return value.upper()

    @field_validator("invoice_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9\-]{1,10}", value):
            raise ValueError(N_("Use letters, digits and hyphens only."))
        return value.upper()

    @model_validator(mode="after")
    def _consistent(self) -> LegalDetails:
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValueError(N_("The SIRET must start with the SIREN."))
        if self.vat_regime == FRANCHISE and self.vat_number:
            raise ValueError(N_("Under the VAT franchise there is no VAT number to print: leave it empty."))
        return self


def values_of(organisation: Organisation, logo_url: str = "") -> dict[str, object]:
    """The settings as the API shows them (`logo_url`: the logo's address, given by the caller)."""
    values = {name: getattr(organisation, COLUMNS.get(name, name)) for name in FIELDS if name != "logo_url"}
    return {**values, "logo_url": logo_url}


async def settings_of(organisation: Organisation) -> dict[str, object]:
    has = await branding.has_logo(organisation.id)
    return values_of(organisation, branding.logo_address(organisation, has))


def _new_logo(patch: dict[str, object], current: str) -> tuple[bytes, str] | bool | None:
    """What a patch does to the logo: False (nothing), None (removes it) or the new image."""
    if "logo_url" not in patch:
        return False
    value = patch.pop("logo_url")
    if value in (None, ""):
        return None if current else False
    if not isinstance(value, str):
        raise Invalid({"logo_url": gettext(N_("This value is not valid."))})
    return False if value == current else branding.logo_from_url(value)


def missing(organisation: Organisation) -> list[str]:
    """The settings an invoice cannot go without, still empty (in the order of the settings page)."""
    required = ["legal_name", "address", "postcode", "city", "siren", "siret", "legal_mentions"]
    if organisation.vat_regime != FRANCHISE:
        required.insert(6, "vat_number")
    values = values_of(organisation)
    return [name for name in required if not values[name]]


def missing_bank_details(organisation: Organisation) -> list[str]:
    """What an invoice to be paid by transfer needs besides the seller's identity."""
    values = values_of(organisation)
    return [name for name in ("iban", "bic", "account_holder") if not values[name]]


async def require_complete(organisation_id: int, *, transfer: bool = False) -> None:
    """Refuse a paid sale while the seller cannot be named on its invoice (409 `seller_incomplete`)."""
    organisation = await Organisation.get(id=organisation_id)
    absent = missing(organisation) + (missing_bank_details(organisation) if transfer else [])
    if absent:
        raise SellerIncomplete(details={"missing": absent})


async def update_legal_details(user: User, data: object) -> Organisation:
    """Only the owner changes what its invoices say; a partial change keeps the rest; audited."""
    if user.role != Role.OWNER:
        raise Forbidden()
    async with in_transaction():
        organisation = await Organisation.get(id=user.organisation_id)
        before = await settings_of(organisation)
        patch = dict(data) if isinstance(data, dict) else {}
        logo = _new_logo(patch, str(before["logo_url"]))
        values = validate(LegalDetails, {**before, **patch, "logo_url": ""}).model_dump()
        values.pop("logo_url")
        values["colour"] = values["colour"].lower()
        await Organisation.filter(id=organisation.id).update(
            **{COLUMNS.get(name, name): value for name, value in values.items()}
        )
        if logo is not False:
            await branding.store_logo(organisation.id, logo if isinstance(logo, tuple) else None)
        organisation = await Organisation.get(id=user.organisation_id)
        after = await settings_of(organisation)
        await audit.record(
            user, organisation.id, "organisation.legal_details", "organisation", organisation.id,
            before=before, after=after,
        )  # fmt: skip
    if any(before[name] != after[name] for name in LOOK):
        public_pages.clear()  # the event pages show the new look at once
    cache.forget(ORGANISATION)
    return organisation

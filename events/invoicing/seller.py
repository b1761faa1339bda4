"""The organisation's legal details, printed on every invoice it issues (owner only).

French law asks an invoice to name the seller: legal name and address, SIREN or SIRET, the
intra-community VAT number, legal form, share capital and RCS (free text here), and the late payment
terms. The identifiers are checked the way INSEE and the tax office build them (Luhn key for SIREN and
SIRET, the two-digit key of a French VAT number), so a typo is caught before it is printed.
Changing them never touches an invoice already issued: each keeps the snapshot taken at issue.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from tortoise.transactions import in_transaction

from events.accounts.models import Organisation, Role, User
from events.audit import services as audit
from events.errors import N_, Forbidden
from events.validation import validate

LA_POSTE_SIREN = "356000000"
EU_VAT_PREFIXES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)
FIELDS = (
    "legal_name", "legal_address", "siren", "siret", "vat_number",
    "legal_mentions", "late_payment_terms", "invoice_prefix",
)  # fmt: skip


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_valid(siret: str) -> bool:
    if siret.startswith(LA_POSTE_SIREN):  # La Poste's establishments follow their own rule
        return sum(int(c) for c in siret) % 5 == 0
    return luhn(siret)


def french_vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


class LegalDetails(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    legal_name: str = Field(default="", max_length=200)
    legal_address: str = Field(default="", max_length=1000)
    siren: str = Field(default="", max_length=20)
    siret: str = Field(default="", max_length=30)
    vat_number: str = Field(default="", max_length=30)
    legal_mentions: str = Field(default="", max_length=2000)
    late_payment_terms: str = Field(default="", max_length=2000)
    invoice_prefix: str = Field(default="F", min_length=1, max_length=10)

    @field_validator("*", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str) -> str:
        value = _compact(value)
        if value and not (re.fullmatch(r"\d{9}", value) and luhn(value)):
            raise ValueError(N_("A SIREN number has 9 digits and a valid check digit."))
        return value

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        value = _compact(value)
        if value and not (re.fullmatch(r"\d{14}", value) and siret_valid(value)):
            raise ValueError(N_("A SIRET number has 14 digits and a valid check digit."))
        return value

    @field_validator("vat_number")
    @classmethod
    def _vat(cls, value: str) -> str:
        value = _compact(value)
        if not value:
            return value
        if value.startswith("FR") and re.fullmatch(r"FR\d{11}", value):
            if french_vat_number(value[4:]) != value:
                raise ValueError(N_("This French VAT number does not match its key."))
        elif not (
            value[:2] in EU_VAT_PREFIXES
            and re.fullmatch(r"[0-9A-Z+*]{2,12}", value[2:])
            and sum(c.isdigit() for c in value) >= 2
        ):
            raise ValueError(N_("Enter a VAT number such as FR32123456789."))
        return value

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
        return self


def values_of(organisation: Organisation) -> dict[str, object]:
    return {name: getattr(organisation, name) for name in FIELDS}


async def update_legal_details(user: User, data: object) -> Organisation:
    """Only the organisation's owner changes what its invoices say; audited."""
    if user.role != Role.OWNER:
        raise Forbidden()
    values = validate(LegalDetails, data).model_dump()
    async with in_transaction():
        organisation = await Organisation.get(id=user.organisation_id)
        before = values_of(organisation)
        await Organisation.filter(id=organisation.id).update(**values)
        await audit.record(
            user, organisation.id, "organisation.legal_details", "organisation", organisation.id,
            before=before, after=values,
        )  # fmt: skip
    return await Organisation.get(id=user.organisation_id)

"""French and European business identifiers, checked by python-stdnum rather than by hand.

Each checker returns the identifier in its compact printed form (no spaces or dots, upper case) or
raises `ValueError` with a sentence for the person who typed it; pydantic validators call them so a
wrong number is refused beside its field. python-stdnum knows the rules we would otherwise get wrong:
La Poste's SIRET, the French VAT key, each EU country's VAT format and check digits, IBAN mod 97.
"""

from __future__ import annotations

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from events.errors import N_


def siren(value: str) -> str:
    try:
        return str(stdnum_siren.validate(value))
    except ValidationError:
        raise ValueError(N_("A SIREN number has 9 digits and a valid check digit.")) from None


def siret(value: str) -> str:
    try:
        return str(stdnum_siret.validate(value))
    except ValidationError:
        raise ValueError(N_("A SIRET number has 14 digits and a valid check digit.")) from None


def vat_number(value: str) -> str:
    """An EU VAT number with its country prefix (FR, DE, EL…), its key checked for that country."""
    try:
        return str(stdnum_vat.validate(value))
    except ValidationError:
        raise ValueError(N_("Enter a VAT number such as FR32123456789.")) from None


def iban(value: str) -> str:
    try:
        return str(stdnum_iban.validate(value))
    except ValidationError:
        raise ValueError(N_("This IBAN is not valid: check its letters and digits.")) from None


def bic(value: str) -> str:
    try:
        return str(stdnum_bic.validate(value))
    except ValidationError:
        raise ValueError(N_("A BIC has 8 or 11 letters and digits, such as BNPAFRPP.")) from None

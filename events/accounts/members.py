"""The organisation's member directory: members pay member prices without any code.

A cluster's members are companies and labs; a buyer is recognised by the domain of their e-mail
address or by the SIREN of the SIRET they give, and the order records which member matched. The
directory is replaced as a whole (JSON API) or imported from a CSV file (name; SIREN; domains
separated by spaces), with a report line by line: while any line is bad, every bad line is reported
with its reason and nothing is stored, so a file is taken whole or not at all.
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tortoise.transactions import in_transaction

from events import identifiers
from events.accounts.models import Member, Role, User
from events.audit import services as audit
from events.cache import TtlCache
from events.errors import N_, Forbidden, Invalid
from events.i18n import gettext
from events.validation import validate

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_MEMBERS = 5000


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    siren: str = Field(default="", max_length=20)
    domains: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str) -> str:
        compact = re.sub(r"[\s.\-]", "", value)
        return identifiers.siren(compact) if compact else ""

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        cleaned = [d.strip().lower().lstrip("@") for d in value if d.strip()]
        if any(not DOMAIN.match(d) for d in cleaned):
            raise ValueError(N_("Enter e-mail domains such as inserm.fr."))
        return sorted(set(cleaned))


class DirectoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: list[MemberIn] = Field(max_length=MAX_MEMBERS)


def _check(user: User) -> None:
    if user.role not in (Role.OWNER, Role.MANAGER):
        raise Forbidden()


async def replace_directory(user: User, data: object) -> list[Member]:
    """The directory becomes exactly the members given; audited."""
    _check(user)
    directory = validate(DirectoryIn, data)
    return await _store(user, directory.members)


async def _store(user: User, members: list[MemberIn]) -> list[Member]:
    async with in_transaction():
        before = await Member.filter(organisation_id=user.organisation_id).count()
        await Member.filter(organisation_id=user.organisation_id).delete()
        await Member.bulk_create(
            [
                Member(organisation_id=user.organisation_id, name=m.name, siren=m.siren, domains=m.domains)
                for m in members
            ]
        )
        await audit.record(
            user, user.organisation_id, "organisation.member_directory", "organisation", user.organisation_id,
            before={"members": before}, after={"members": len(members)},
        )  # fmt: skip
    _directories.clear()
    return await Member.filter(organisation_id=user.organisation_id).order_by("name", "id")


def _rows(text: str) -> list[list[str]]:
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


async def import_csv(user: User, text: str) -> list[Member]:
    """Replace the directory with the file's members, or report each bad line (`line 3`), storing nothing."""
    _check(user)
    errors: dict[str, str] = {}
    good: list[MemberIn] = []
    for number, row in enumerate(_rows(text), start=1):
        if not any(cell.strip() for cell in row):
            continue
        if number == 1 and row and row[0].strip().lower() in ("name", "nom"):
            continue  # a header line
        cells = [*row, "", ""][:3]
        values = {"name": cells[0], "siren": cells[1], "domains": re.split(r"[\s,]+", cells[2])}
        try:
            good.append(validate(MemberIn, values))
        except Invalid as error:
            errors[f"line {number}"] = " ".join(error.details.values())
    if len(good) > MAX_MEMBERS:
        errors["file"] = gettext(N_("At most {n} members."), n=MAX_MEMBERS)
    if errors:
        raise Invalid(errors)
    return await _store(user, good)


_directories: TtlCache[int, list[Member]] = TtlCache(ttl=5)
"""Each organisation's directory, which every order asks; forgotten here when it is stored, a hint of a
few seconds in another process."""


async def _directory(organisation_id: int) -> list[Member]:
    found = await _directories.fetch(
        organisation_id, lambda: Member.filter(organisation_id=organisation_id).order_by("id")
    )
    return found or []


async def match(organisation_id: int, email: str, siret: str) -> Member | None:
    """The member the buyer belongs to: by SIREN first (the stronger proof), then by e-mail domain."""
    directory = await _directory(organisation_id)
    siren = siret[:9] if len(siret) == 14 else ""
    if found := next((member for member in directory if siren and member.siren == siren), None):
        return found
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    if not domain:
        return None
    for member in directory:
        if any(domain == d or domain.endswith(f".{d}") for d in member.domains):
            return member
    return None


def member_json(member: Member) -> dict[str, object]:
    return {"name": member.name, "siren": member.siren, "domains": member.domains}

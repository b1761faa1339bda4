"""The organisation's legal details: owner only, checked identifiers, audited, CSRF-protected."""

from __future__ import annotations

import httpx
import pytest

from events import identifiers
from events.accounts.models import Organisation, Role
from events.audit.models import AuditEntry
from tests.factories import csrf_from, login, make_organiser
from tests.invoicing.test_invoices import LEGAL, SIREN, SIRET, french_vat_number


def _form(**overrides: str) -> dict[str, str]:
    legal = {("address" if name == "legal_address" else name): value for name, value in LEGAL.items()}
    return {**legal, "postcode": "31400", "city": "Toulouse", "country": "FR", "late_payment_terms": "",
            "invoice_prefix": "F", "vat_regime": "normal", **overrides}  # fmt: skip


async def test_owner_saves_the_legal_details_printed_on_invoices(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser(legal=False)
    await login(client, owner.email)
    token = await csrf_from(client, "/dashboard/settings")
    answer = await client.post(
        "/dashboard/settings",
        data={**_form(siren=" ".join([SIREN[:3], SIREN[3:6], SIREN[6:]])), "csrf_token": token},
    )
    assert answer.status_code == 303
    organisation = await Organisation.get(id=owner.organisation_id)
    assert (organisation.siren, organisation.siret, organisation.vat_number) == (
        SIREN,
        SIRET,
        LEGAL["vat_number"],
    )
    assert await AuditEntry.filter(action="organisation.legal_details").count() == 1
    page = await client.get(answer.headers["location"])
    assert LEGAL["legal_name"] in page.text


async def test_a_manager_cannot_see_or_change_them(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser(legal=False)
    manager = await make_organiser(owner.organisation.name, role=Role.MANAGER)
    await login(client, manager.email)
    assert (await client.get("/dashboard/settings")).status_code == 403
    token = await csrf_from(client, "/dashboard")
    answer = await client.post("/dashboard/settings", data={**_form(), "csrf_token": token})
    assert answer.status_code == 403
    assert (await Organisation.get(id=owner.organisation_id)).siren == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "123456789"),
        ("siren", "12345"),
        ("siret", SIREN + "00000"),
        ("siret", "552100554000" + "17"),
        ("vat_number", "FR00" + SIREN),
        ("vat_number", "not a number"),
        ("invoice_prefix", "F/2027"),
        ("invoice_prefix", ""),
    ],
)
async def test_wrong_identifiers_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, app: object, field: str, value: str
) -> None:
    owner = await make_organiser(legal=False)
    await login(client, owner.email)
    token = await csrf_from(client, "/dashboard/settings")
    answer = await client.post("/dashboard/settings", data={**_form(**{field: value}), "csrf_token": token})
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text or "SIREN" in answer.text
    assert (await Organisation.get(id=owner.organisation_id)).legal_name == ""


async def test_without_csrf_token_nothing_changes(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser(legal=False)
    await login(client, owner.email)
    assert (await client.post("/dashboard/settings", data=_form())).status_code == 403
    assert (await Organisation.get(id=owner.organisation_id)).legal_name == ""


def test_identifier_keys_follow_insee_and_the_tax_office() -> None:
    assert identifiers.vat_number(french_vat_number("404833048")) == "FR83404833048"
    assert identifiers.siret("73282932000074") == "73282932000074"
    assert identifiers.siret("35600000049837") == "35600000049837"  # La Poste's own rule
    with pytest.raises(ValueError):
        identifiers.siret("73282932000075")

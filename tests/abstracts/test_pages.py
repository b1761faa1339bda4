"""The public pages of the call: the call in French and English, the form's errors beside the fields."""

from __future__ import annotations

import re

import httpx
import pytest

from events.abstracts.models import Abstract
from events.catalogue.models import Event
from tests.factories import csrf_from, make_call, make_event, make_organiser


@pytest.fixture
async def event() -> Event:
    user = await make_organiser()
    event = await make_event(user, published=True)
    await make_call(event)
    return event


def _form(token: str, track: int, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "title": "Vaccins à ARN et immunité muqueuse",
        "track": str(track),
        "contribution_type": "poster",
        "body": "Une étude de cohorte sur la réponse muqueuse.",
        "authors.0.name": "Chloé Bernard",
        "authors.0.email": "chloe@univ-tlse3.fr",
        "authors.0.affiliation": "Université de Toulouse",
        "presenting": "0",
        "submitter.name": "Chloé Bernard",
        "submitter.email": "chloe@univ-tlse3.fr",
        "locale": "fr",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Appel à communications"), ("en", "Call for abstracts")]
)
async def test_the_call_page_speaks_french_and_english(
    client: httpx.AsyncClient, event: Event, lang: str, heading: str
) -> None:
    page = await client.get(f"/events/{event.slug}/abstracts", headers={"Accept-Language": lang})
    assert page.status_code == 200
    assert heading in page.text
    assert "Oncologie" in page.text


async def test_submitting_the_form_leads_to_the_private_page(client: httpx.AsyncClient, event: Event) -> None:
    token = await csrf_from(client, f"/events/{event.slug}/abstracts")
    track = int(
        re.findall(r'<option value="(\d+)"', (await client.get(f"/events/{event.slug}/abstracts")).text)[0]
    )
    answer = await client.post(f"/events/{event.slug}/abstracts", data=_form(token, track))
    assert answer.status_code == 303
    abstract = await Abstract.get()
    assert answer.headers["location"].startswith(
        f"http://testserver/abstracts/{abstract.code}/{abstract.secret}"
    )
    page = await client.get(answer.headers["location"])
    assert "Vaccins à ARN" in page.text
    assert abstract.authors[0]["presenting"] is True


async def test_errors_are_shown_beside_the_fields_and_nothing_typed_is_lost(
    client: httpx.AsyncClient, event: Event
) -> None:
    token = await csrf_from(client, f"/events/{event.slug}/abstracts")
    long_body = " ".join(["mot"] * 80)
    answer = await client.post(f"/events/{event.slug}/abstracts", data=_form(token, 999_999, body=long_body))
    assert answer.status_code == 422
    for name in ("track", "body"):
        assert f'id="e-{name}"' in answer.text, name
    assert long_body in answer.text
    bad_email = await client.post(
        f"/events/{event.slug}/abstracts", data=_form(token, 1, **{"authors.0.email": "chloe-at-univ"})
    )
    assert bad_email.status_code == 422
    assert 'id="e-authors.0.email"' in bad_email.text
    assert "chloe-at-univ" in bad_email.text
    assert await Abstract.all().count() == 0


async def test_the_submitter_withdraws_from_the_private_page(client: httpx.AsyncClient, event: Event) -> None:
    token = await csrf_from(client, f"/events/{event.slug}/abstracts")
    track = int(
        re.findall(r'<option value="(\d+)"', (await client.get(f"/events/{event.slug}/abstracts")).text)[0]
    )
    created = await client.post(f"/events/{event.slug}/abstracts", data=_form(token, track))
    page = created.headers["location"].split("?")[0]
    answer = await client.post(f"{page}/withdraw", data={"csrf_token": token})
    assert answer.status_code == 303
    assert (await Abstract.get()).status == "withdrawn"


async def test_the_event_page_links_to_its_call(client: httpx.AsyncClient, event: Event) -> None:
    page = await client.get(f"/events/{event.slug}")
    assert f'href="http://testserver/events/{event.slug}/abstracts"' in page.text

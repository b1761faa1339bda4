"""One layout for every e-mail: a header and a footer naming the organisation that writes and its contact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from events.mail.services import send_pending
from events.ticketing.orders import place_order
from tests.factories import SELLER, make_event, make_organiser, make_ticket_type, order_body
from tests.mail.conftest import Sink

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MAIL_TEMPLATES = sorted(
    path
    for folder in [TEMPLATES / "mail", *TEMPLATES.glob("*/mail")]
    for path in folder.iterdir()
    if path.suffix in {".html", ".txt"}
    and not path.name.endswith(".subject.txt")
    and not path.name.startswith("_")
)


@pytest.mark.parametrize("path", MAIL_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_mail_template_extends_the_one_layout(path: Path) -> None:
    layout = "mail/_layout.html" if path.suffix == ".html" else "mail/_layout.txt"
    first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
    assert re.fullmatch(r'\{%\s*extends\s+"' + re.escape(layout) + r'"\s*%\}', first)


async def test_confirmation_names_the_organisation_and_its_contact_in_header_and_footer(
    app: object, smtp_to_sink: Sink
) -> None:
    owner = await make_organiser("Pôle Santé", "contact@pole-sante.example")
    event = await make_event(owner, published=True, title="Forum Vieillissement")
    pass_ = await make_ticket_type(event)
    await place_order(event.slug, order_body(pass_.id, locale="fr"))
    assert await send_pending() == 1
    [message] = smtp_to_sink.messages
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    for body in (html, text):
        assert "Pôle Santé" in body
        assert SELLER["legal_name"] in body
        assert "12 rue des Sciences, 31400 Toulouse" in body
        assert "contact@pole-sante.example" in body
    assert 'href="mailto:contact@pole-sante.example"' in html
    assert text.startswith("Pôle Santé\n")  # the header: who writes, before anything else
    footer = text.rpartition("\n-- \n")[2]
    assert "contact@pole-sante.example" in footer
    assert "Votre inscription est confirmée." in text


async def test_an_organisation_without_legal_details_shows_its_name_only(
    app: object, smtp_to_sink: Sink
) -> None:
    owner = await make_organiser("Jeune Pousse", "hello@pousse.example", legal=False)
    event = await make_event(owner, published=True)
    free = await make_ticket_type(event)
    await place_order(event.slug, order_body(free.id, locale="en"))
    assert await send_pending() == 1
    text = smtp_to_sink.messages[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    footer = text.rpartition("\n-- \n")[2]
    assert footer.startswith("Jeune Pousse\nContact: hello@pousse.example\n")

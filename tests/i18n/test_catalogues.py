"""Every string a person reads exists in French; pages in use show no untranslated text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from events import i18n
from events.i18n import format_day, format_when, use_locale
from tests.factories import csrf_from, login, make_event, make_organiser

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
    "pgettext": ((1, "c"), 2), "plural_forms": (1, 2),
}  # fmt: skip
METHODS = [
    ("events/**.py", "python"),
    ("main.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def _used_msgids() -> set[str]:
    found: set[str] = set()
    options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, _m in METHODS[2:]}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        options_map=options,
        keywords=KEYWORDS,
        directory_filter=lambda path: (
            not any(part in path for part in (".venv", "node_modules", "data", "tests", "bench"))
        ),
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(locale: str) -> dict[str, object]:
    path = ROOT / "events" / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po, locale=locale)
    return {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
        for m in catalogue
        if m.id and "fuzzy" not in m.flags
    }


def test_every_string_in_use_has_a_french_translation() -> None:
    french = _catalogue("fr")
    used = _used_msgids()
    assert len(used) > 50
    missing = sorted(
        msgid
        for msgid in used
        if not french.get(msgid) or (isinstance(french[msgid], tuple) and not all(french[msgid]))  # type: ignore[arg-type]
    )
    assert missing == [], "run `make messages` and translate these"


def test_placeholders_survive_translation() -> None:
    for msgid, text in _catalogue("fr").items():
        texts = text if isinstance(text, tuple) else (text,)
        for translated in texts:
            assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", translated))


# ---- pages in use, rendered with every translation wrapped in markers


class _Marked:
    """Wraps the French catalogue so that translated text is visible in the page."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def ugettext(self, message: str) -> str:
        return "⟦" + self.inner.ugettext(message) + "⟧"  # type: ignore[attr-defined]

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return "⟦" + self.inner.ungettext(singular, plural, n) + "⟧"  # type: ignore[attr-defined]


@contextmanager
def _marked_french() -> Iterator[None]:
    original = i18n._translations["fr"]
    i18n._translations["fr"] = _Marked(original)  # type: ignore[assignment]
    try:
        yield
    finally:
        i18n._translations["fr"] = original


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "textarea"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"aria-label", "title", "alt", "placeholder"} and value:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "textarea"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.chunks.append(data)


def _untranslated(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.chunks)
    text = re.sub(r"⟦[^⟧]*⟧", " ", text)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return [line.strip() for line in text.splitlines() if re.search(r"[A-Za-zÀ-ÿ]{2,}", line)]


@pytest.fixture
async def pages(client: httpx.AsyncClient) -> tuple[list[str], list[str]]:
    user = await make_organiser(organisation="Pôle Test")
    event = await make_event(user, published=True, description="Résumé de l'événement.")
    draft = await make_event(user)
    await login(client, user.email)
    paths = [
        "/",
        f"/events/{event.slug}",
        "/dashboard",
        "/dashboard/events/new",
        f"/dashboard/events/{event.slug}",
        f"/dashboard/events/{draft.slug}",
        "/no-such-page",
    ]
    with use_locale("fr"):
        dates = [f(e.starts_at, e.timezone) for e in (event, draft) for f in (format_when, format_day)]
        dates += [format_when(e.ends_at, e.timezone) for e in (event, draft)]
        dates += [name for _code, name in i18n.countries()]  # Babel's territory names, not catalogue text
    data = [
        event.title, draft.title, event.description, event.venue, event.city, event.country,
        event.slug, draft.slug, event.timezone, event.currency, user.email, "Pôle Test",
        "Colloque", "Français", "English", "200", "◆", "←", "–", "·", "*", *dates,
    ]  # fmt: skip
    return paths, data


async def test_pages_in_use_read_fully_in_french(
    client: httpx.AsyncClient, pages: tuple[list[str], list[str]]
) -> None:
    paths, data = pages
    with _marked_french():
        for path in paths:
            html = (await client.get(path, params={"lang": "fr"})).text
            assert _untranslated(html, data) == [], path


async def test_forms_with_errors_read_fully_in_french(client: httpx.AsyncClient) -> None:
    token = await csrf_from(client, "/login?lang=fr")
    with _marked_french():
        answer = await client.post("/login", data={"email": "a@b.org", "password": "x", "csrf_token": token})
        assert answer.status_code == 401
        assert _untranslated(answer.text, ["a@b.org", "Colloque", "Français", "English", "◆"]) == []


async def test_english_pages_use_english(client: httpx.AsyncClient) -> None:
    answer = await client.get("/", params={"lang": "en"})
    assert "Upcoming events" in answer.text
    assert answer.headers["content-language"] == "en"


async def test_accept_language_picks_french(client: httpx.AsyncClient) -> None:
    answer = await client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert "Événements à venir" in answer.text
    assert '<html lang="fr">' in answer.text


async def test_language_choice_is_remembered(client: httpx.AsyncClient) -> None:
    await client.get("/", params={"lang": "fr"})
    answer = await client.get("/login", headers={"Accept-Language": "en"})
    assert "Connexion organisateur" in answer.text


async def test_dates_and_money_follow_the_locale() -> None:
    from events.i18n import format_money
    from tests.factories import paris

    summer = paris(2027, 7, 14, 9, 30)
    with use_locale("fr"):
        assert format_when(summer, "Europe/Paris") == "mercredi 14 juillet 2027, 09:30"
        assert format_money(123450, "EUR") == "1\u202f234,50\xa0€"
    with use_locale("en"):
        assert format_when(summer, "America/Montreal").startswith("Wednesday, July 14, 2027, 3:30")
        assert format_money(123450, "EUR") == "€1,234.50"


def test_french_punctuation_has_its_non_breaking_space() -> None:
    """« : ; ? ! » take a non-breaking space before them in French (not the colon of 14:00 or of a URL)."""
    violations = []
    for msgid, text in _catalogue("fr").items():
        for translated in text if isinstance(text, tuple) else (text,):
            plain = re.sub(r"\w+://\S+|\d:\d", " ", str(translated))
            if re.search(r"[^\u00a0\u202f][:;?!]", plain) or re.match(r"[:;?!]", plain):
                violations.append(msgid)
    assert violations == []


def test_label_colon_follows_the_language() -> None:
    from events.web.templating import environment

    page = environment.from_string('{{ _("Total") | colon }} {{ _("Refunded") | colon }}')
    with use_locale("fr"):
        assert page.render() == "Total\u00a0: Remboursé\u00a0:"
    with use_locale("en"):
        assert page.render() == "Total: Refunded:"

"""The options of a choice question: a stable key, and the text in French and English.

An answer stores the option's key, never its text, so an organiser may correct, translate or reorder
the options without changing what anyone answered. An option sent as a plain string keeps that string as
its key (API.md §2), unless it is the text of an option the question already has, which keeps its key.
A stored key that is no longer offered (an option taken out later) is still shown as it was stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from events import i18n

Option = dict[str, str]
KEY_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """`Végétarien / Vegetarian` -> `vegetarien-vegetarian`: a key readable in exports."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", plain.lower()).strip("-")[:KEY_LENGTH].strip("-")


def new_key(text: str, taken: set[str]) -> str:
    """A key made from the option's text, unlike every key in `taken` (which it joins)."""
    base = slug(text) or "option"
    key, number = base, 2
    while key in taken:
        key = f"{base}-{number}"
        number += 1
    taken.add(key)
    return key


def stored(raw: Iterable[object]) -> list[Option]:
    """The options as stored, whatever older rows hold (a plain string is its own key, read as French)."""
    options: list[Option] = []
    for item in raw or ():
        if isinstance(item, Mapping):
            key = str(item.get("key") or "")
            options.append({"key": key, "fr": str(item.get("fr") or ""), "en": str(item.get("en") or "")})
        elif isinstance(item, str):
            options.append({"key": item, "fr": item, "en": ""})
    return [option for option in options if option["key"]]


def keys(raw: Iterable[object]) -> list[str]:
    return [option["key"] for option in stored(raw)]


def text(option: Mapping[str, str], locale: str | None = None) -> str:
    """The option in `locale` (the current one by default), else the other language, else its key."""
    wanted = locale or i18n.get_locale()
    first, second = ("en", "fr") if wanted == "en" else ("fr", "en")
    return option.get(first) or option.get(second) or option.get("key") or ""


def label(raw: Iterable[object], key: object, locale: str | None = None) -> str:
    """What a reader sees for a stored answer `key`."""
    for option in stored(raw):
        if option["key"] == key:
            return text(option, locale)
    return str(key)


def resolve(raw: Iterable[object], value: object) -> str | None:
    """The key an answer names: its key, or (for older clients) its text in either language."""
    if not isinstance(value, str):
        return None
    wanted = value.strip()
    options = stored(raw)
    for option in options:
        if option["key"] == wanted:
            return option["key"]
    for option in options:
        if wanted and wanted in (option["fr"].strip(), option["en"].strip()):
            return option["key"]
    return None


def _match(previous: Sequence[Option], french: str, english: str) -> str | None:
    for option in previous:
        if french and french in (option["fr"], option["en"]):
            return option["key"]
        if english and english in (option["fr"], option["en"]):
            return option["key"]
    return None


def normalise(raw: Iterable[Any], previous: Iterable[object] = ()) -> list[Option]:
    """Options as sent (plain strings or `{key?, fr, en}`) as stored; empty ones are dropped.

    A sent key is kept; an option without one takes the key of the option whose text it repeats, a
    plain string is otherwise its own key (API.md), and a new `{fr, en}` gets a key made from its text.
    """
    before = stored(previous)
    options: list[Option] = []
    taken: set[str] = set()
    for item in raw:
        if isinstance(item, str):
            french = english = item.strip()
            key = _match(before, french, english) or french
        else:
            french = str(item.get("fr") or "").strip()
            english = str(item.get("en") or "").strip()
            key = str(item.get("key") or "").strip() or _match(before, french, english) or ""
        if not (french or english):
            continue
        if not key or key in taken:
            key = new_key(french or english, taken)
        taken.add(key)
        options.append({"key": key[:200], "fr": french, "en": english})
    return options


def answer_text(raw: Iterable[object], value: object, locale: str | None = None) -> str:
    """A stored answer to a choice question in the reader's language (several joined by commas)."""
    chosen = value if isinstance(value, list) else [value]
    return ", ".join(label(raw, key, locale) for key in chosen)

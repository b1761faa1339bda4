"""Texts an organiser writes in French and English, read in the reader's language.

Each such field keeps its French text in the original column and its English text in `<field>_en`
(the original column predates translation, so existing data reads as French without a migration of
values). A text given in one language only is shown in it to every reader, so a half-translated event
never displays an empty title.
"""

from __future__ import annotations

from typing import overload

from events import i18n

BilingualValue = str | dict[str, str] | None


def localized(obj: object, field: str, locale: str | None = None) -> str:
    """`field` of `obj` in `locale` (the current one by default), falling back to the other language."""
    french = str(getattr(obj, field, "") or "")
    english = str(getattr(obj, f"{field}_en", "") or "")
    wanted = locale or i18n.get_locale()
    first, second = (english, french) if wanted == "en" else (french, english)
    return first or second


def pick(french: object, english: object, locale: str | None = None) -> str:
    """One of two texts in `locale` (the current one by default), falling back to the other."""
    wanted = locale or i18n.get_locale()
    first, second = (english, french) if wanted == "en" else (french, english)
    return str(first or "") or str(second or "")


def translations(obj: object, names: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Both languages of each field, as the organiser API shows them."""
    return {
        name: {"fr": str(getattr(obj, name) or ""), "en": str(getattr(obj, f"{name}_en") or "")}
        for name in names
    }


def split(value: object) -> tuple[object, object]:
    """(French, English) of a value sent as a plain string (both languages) or `{"fr", "en"}`.

    Anything else is passed through untouched for the schema to reject with its usual message.
    """
    if isinstance(value, dict) and set(value) <= {"fr", "en"}:
        french = value.get("fr") or ""
        english = value.get("en") or ""
        return french, english
    return value, value


@overload
def expand(data: dict[str, object], names: tuple[str, ...]) -> dict[str, object]: ...
@overload
def expand(data: object, names: tuple[str, ...]) -> object: ...


def expand(data: object, names: tuple[str, ...]) -> object:
    """Spread each bilingual field of an input mapping over its French and English columns.

    An explicit `<field>_en` already present (an organiser form sends both boxes) is left as sent.
    """
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name in names:
        if name in out and f"{name}_en" not in data:
            out[name], out[f"{name}_en"] = split(out[name])
        elif name in out and isinstance(out[name], dict):
            out[name], _ = split(out[name])
    return out


class Localized:
    """`obj.i18n.title` in templates: the field in the current language, with the other as fallback."""

    def __init__(self, obj: object) -> None:
        self._obj = obj

    def __getattr__(self, field: str) -> str:
        return localized(self._obj, field)

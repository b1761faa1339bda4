"""French and English: the reader's language, message catalogues and locale-aware formatting.

The catalogues are the `.po` files under `events/locales/`, compiled in memory at start-up, so no
generated `.mo` file lives in the repository. The current language is a context variable set once per
request (or per e-mail, per PDF), which lets services and templates share one gettext.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

LOCALES = ("fr", "en")
LOCALE_DIR = Path(__file__).parent / "locales"

_current: ContextVar[str] = ContextVar("locale", default="fr")
# The reader's full locale (`en_GB`, `fr_CA`) for dates and numbers; the interface stays fr or en.
_region: ContextVar[str | None] = ContextVar("region", default=None)


def _load(locale: str) -> Translations:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


_translations = {locale: _load(locale) for locale in LOCALES}


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str, region: str | None = None) -> None:
    _current.set(locale if locale in LOCALES else LOCALES[0])
    _region.set(region)


def format_locale() -> str:
    """The Babel locale for dates and amounts: the reader's region when it speaks the interface language."""
    region = _region.get()
    language = _current.get()
    if region and region.split("_")[0] == language:
        return region
    return language


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render something (an e-mail, a PDF) in another reader's language.

    The reader's region is kept when the language stays the same (a page's e-mail to the same visitor).
    """
    token = _current.set(locale if locale in LOCALES else LOCALES[0])
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str, **params: object) -> str:
    text = _translations[_current.get()].ugettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = _translations[_current.get()].ungettext(singular, plural, n)
    return text.format(n=n, **params)


def plural_forms(singular: str, plural: str) -> tuple[str, str]:
    """The "one" and "other" forms of a message, unformatted, for a script that fills in the count itself.

    French and English both have these two forms (French's "one" covers 0 and 1, as `Intl.PluralRules` says).
    """
    translations = _translations[_current.get()]
    return translations.ungettext(singular, plural, 1), translations.ungettext(singular, plural, 2)


def pgettext(context: str, message: str, **params: object) -> str:
    """A word whose French depends on what it qualifies: an order is "Annulée", a ticket "Annulé"."""
    text = _translations[_current.get()].upgettext(context, message)
    return text.format(**params) if params else text


_ = gettext


def negotiate(accept_language: str | None, default: str) -> str:
    """Pick fr or en from an Accept-Language header, by quality."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for negative_quality, _position, language in sorted(ranked):
        if language in LOCALES and negative_quality < 0:
            return language
    return default


def negotiate_region(accept_language: str | None, language: str) -> str | None:
    """The most wanted `language-REGION` tag of Accept-Language for the chosen language, as a Babel locale."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip()))
    for negative_quality, _position, tag in sorted(ranked):
        parts = tag.replace("_", "-").split("-")
        if negative_quality >= 0 or len(parts) < 2 or parts[0].lower() != language:
            continue
        region = parts[-1]
        if len(region) == 2 and region.isalpha():
            try:
                return str(Locale.parse(f"{language}_{region.upper()}"))
            except (UnknownLocaleError, ValueError):
                continue
    return None


def labelled(label: str) -> str:
    """A label before its value: "Total:" in English, "Total :" (non-breaking space) in French."""
    return gettext("{label}:", label=label)


_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
COUNTRY_CODES = frozenset(
    code
    for code in get_global("territory_currencies")
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES and code in Locale("en").territories
)
"""ISO 3166-1 alpha-2 codes that a person may choose as a country (no EU, UN or private-use codes)."""

FIRST_COUNTRY = "FR"


def _collation_key(name: str) -> str:
    """Accents ignored, as a reader expects in a list: "Égypte" sorts with E, not after Z."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def countries() -> list[tuple[str, str]]:
    """(code, name) of every country in the reader's language, France first, then in the locale's order."""
    names = Locale.parse(get_locale()).territories
    rest = sorted(
        ((code, names.get(code, code)) for code in COUNTRY_CODES if code != FIRST_COUNTRY),
        key=lambda pair: _collation_key(pair[1]),
    )
    return [(FIRST_COUNTRY, names.get(FIRST_COUNTRY, FIRST_COUNTRY)), *rest]


def country_name(code: str) -> str:
    return str(Locale.parse(get_locale()).territories.get(code.upper(), code)) if code else ""


def language_name(locale: str) -> str:
    return (Locale.parse(locale).get_display_name(locale) or locale).capitalize()


def _zone(timezone: str | None) -> ZoneInfo:
    return ZoneInfo(timezone or "Europe/Paris")


def format_when(value: datetime, timezone: str | None = None, fmt: str = "long") -> str:
    """A date and time in the reader's locale, shown in the event's time zone."""
    local = value.astimezone(_zone(timezone))
    if fmt == "long":
        day = format_date(local, format="full", locale=format_locale())
        return f"{day}, {format_time(local, format='short', locale=format_locale())}"
    return format_datetime(local, format=fmt, locale=format_locale())


def format_day(value: datetime | date, timezone: str | None = None) -> str:
    """A moment's day in the event's zone, or a calendar date (a due date) as it is."""
    if isinstance(value, datetime):
        value = value.astimezone(_zone(timezone))
    return format_date(value, format="full", locale=format_locale())


def format_hour(value: datetime, timezone: str | None = None) -> str:
    return format_time(value.astimezone(_zone(timezone)), format="short", locale=format_locale())


def format_calendar_date(value: date | datetime | None, timezone: str | None = None) -> str:
    """A calendar date (a due date, an issue date) in the reader's locale: "1 avril 2027", "1 April 2027"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone(timezone)).date()
    return format_date(value, format="long", locale=format_locale())


def format_money(cents: int, currency: str) -> str:
    """An amount kept in cents, in the reader's locale: "290,00 €" (fr), "€290.00" (en)."""
    return format_currency(Decimal(cents) / 100, currency, locale=format_locale())


def format_amount(cents: int) -> str:
    """An amount without its currency, as a person types it back into a form: "290,00" (fr), "290.00" (en)."""
    return format_decimal(Decimal(cents) / 100, format="0.00", locale=format_locale())


def format_number(value: int | Decimal) -> str:
    return format_decimal(value, locale=format_locale())


def format_rate(basis_points: int) -> str:
    """A VAT rate kept in hundredths of a percent: 2000 -> "20 %" (fr) or "20%" (en)."""
    return format_percent(Decimal(basis_points) / 10000, locale=format_locale(), format="#,##0.##%")

"""The one Jinja2 environment: autoescaped, with gettext bound to the reader's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from events import i18n
from events.accounts.auth import csrf_token
from settings import ROOT


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.gettext(message),
        lambda singular, plural, n: i18n.ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: i18n.pgettext(context, message),
    )
    env.filters["when"] = i18n.format_when
    env.filters["day"] = i18n.format_day
    env.filters["hour"] = i18n.format_hour
    env.filters["money"] = i18n.format_money
    env.filters["amount"] = i18n.format_amount
    env.filters["date"] = i18n.format_calendar_date
    env.filters["number"] = i18n.format_number
    env.filters["percent"] = i18n.format_rate
    env.filters["isoformat"] = lambda value: value.isoformat() if value else ""
    env.filters["local_times"] = _local_times
    env.filters["colon"] = _colon
    env.globals["get_locale"] = i18n.get_locale
    env.globals["language_name"] = i18n.language_name
    env.globals["countries"] = i18n.countries
    env.globals["plural_forms"] = i18n.plural_forms
    env.filters["country"] = i18n.country_name
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["csrf_token"] = csrf_token
    return env


@pass_eval_context
def _colon(eval_ctx: EvalContext, label: str) -> str:
    """A label and its colon, spaced as the reader's language wants ("Total :" in French)."""
    if eval_ctx.autoescape:
        return escape(i18n.gettext("{label}:")).format(label=label)
    return i18n.labelled(str(label))


def _local_times(values: dict[str, object], timezone: str | None) -> dict[str, object]:
    """Form values with aware datetimes shown as `datetime-local` inputs in the event's zone."""
    try:
        zone = ZoneInfo(timezone or "Europe/Paris")
    except (ValueError, KeyError):
        zone = ZoneInfo("Europe/Paris")
    return {
        key: value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value
        for key, value in values.items()
    }


environment = _env()
templates = Jinja2Templates(env=environment)


def render(
    request: Request, name: str, context: dict[str, object] | None = None, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)

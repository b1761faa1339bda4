"""Turning untrusted input (JSON bodies, HTML forms) into typed values, or an `Invalid` error.

pydantic does the parsing; its error types are mapped to our own sentences so that field errors read
well in French and in English.
"""

from __future__ import annotations

import re
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from events.errors import N_, Invalid
from events.i18n import gettext

M = TypeVar("M", bound=BaseModel)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_LENGTH = 254
"""The longest e-mail address (RFC 5321's path limit), and the columns' length."""

ID_MAX = 2**31 - 1
RowRef = Annotated[int, Field(ge=1, le=ID_MAX)]
"""A row id sent in a body, alone or inside a list: bounded like the path's, before any query."""

_REQUIRED = N_("This field is required.")
_MESSAGES: dict[str, str] = {
    "missing": _REQUIRED,
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This text is too long (at most {max_length} characters)."),
    "string_type": N_("Enter some text."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "greater_than_equal": N_("Enter a number of at least {ge}."),
    "greater_than": N_("Enter a number above {gt}."),
    "less_than_equal": N_("Enter a number of at most {le}."),
    "decimal_parsing": N_("Enter an amount such as 120.00."),
    "decimal_max_places": N_("Use at most two decimal places."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "datetime_type": N_("Enter a date and time."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "string_pattern_mismatch": N_("Use only lower-case letters, digits and hyphens."),
    "extra_forbidden": N_("This field is not expected."),
    "model_type": N_("Send a JSON object."),
    "list_type": N_("Send a list."),
    "literal_error": N_("Choose one of the offered values."),
    "enum": N_("Choose one of the offered values."),
}
_FALLBACK = N_("This value is not valid.")


def _message(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        cause = error.get("ctx", {}).get("error")
        return gettext(str(cause)) if cause is not None else gettext(_FALLBACK)
    if error.get("input") is None and error["type"].endswith("_type"):
        return gettext(_REQUIRED)
    template = _MESSAGES.get(error["type"], _FALLBACK)
    context = {key: value for key, value in error.get("ctx", {}).items() if key != "error"}
    try:
        return gettext(template, **context)
    except (KeyError, IndexError):
        return gettext(_FALLBACK)


def field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "__root__"
        errors.setdefault(field, _message(error))
    return errors


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """Control characters (NUL above all, which PostgreSQL refuses) never reach the database."""
    return _CONTROL.sub("", text)


def _without_control_characters(data: object) -> object:
    if isinstance(data, str):
        return without_control_characters(data)
    if isinstance(data, dict):
        return {key: _without_control_characters(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_control_characters(value) for value in data]
    return data


def validate(model: type[M], data: object) -> M:
    try:
        return model.model_validate(_without_control_characters(data))
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


class Confirmed(BaseModel):
    """A form that acts for good (cancel, refund): it acts only when its confirmation box is ticked,
    so that one click, a browser's autofill or a resent form never does it by itself."""

    confirm: bool = False

    @field_validator("confirm")
    @classmethod
    def _ticked(cls, value: bool) -> bool:
        if not value:
            raise ValueError(N_("Tick the box to confirm."))
        return value


class QueryIn(BaseModel):
    """The parameters of a query string. An empty value counts as absent (a filter form sends `?status=`
    for "any"), and parameters a model does not name are left alone (`?lang=` belongs to every call)."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: object) -> object:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data

"""Path convertors: every path parameter is bounded by the route itself, before any query.

- `{name:id}`: a row id of 1 to 9 digits;
- `{slug:slug}`: an event or organisation slug (letters, digits, hyphens, at most 80: the column);
- `{code:code}`: an order code (letters and digits, at most 12: the column);
- `{secret:secret}`, `{token:token}`: URL-safe secrets (at most 43: `token_urlsafe(32)`, the columns);
- `{number:number}`: an invoice or credit note number (at most 40: the column);
- `{day:day}`: a calendar day, `YYYY-MM-DD`.

Anything else (text where a number goes, a value longer than its column, a NUL byte) does not match the
route, so it is a plain 404 on both databases: PostgreSQL refuses NUL bytes and Tortoise refuses values
longer than a column, and neither may ever see them. `tests/web/test_route_table.py` sends a NUL byte and
an over-long value into every parameter of the route table, so a new route with a plain `{name}` fails it.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

ROW_ID_DIGITS = 9


class RowId(Convertor[int]):
    regex = f"[0-9]{{1,{ROW_ID_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


class _Text(Convertor[str]):
    """A text parameter of a fixed alphabet and length, given by each subclass's `regex`."""

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


SLUG_LENGTH = 80
CODE_LENGTH = 12
SECRET_LENGTH = 43
NUMBER_LENGTH = 40


class Slug(_Text):
    regex = f"[A-Za-z0-9_-]{{1,{SLUG_LENGTH}}}"


class OrderCode(_Text):
    regex = f"[A-Za-z0-9]{{1,{CODE_LENGTH}}}"


class Secret(_Text):
    regex = f"[A-Za-z0-9_-]{{1,{SECRET_LENGTH}}}"


class DocumentNumber(_Text):
    regex = f"[A-Za-z0-9_-]{{1,{NUMBER_LENGTH}}}"


class Day(_Text):
    """A calendar day written as ISO 8601 (`2027-04-01`); the page still checks it is a real date."""

    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


class SpaceToken(_Text):
    """A partnering space's token: the ticket id, a hyphen, a 43-character MAC (events/partnering/tokens)."""

    regex = f"[0-9]{{1,10}}-[A-Za-z0-9_-]{{{SECRET_LENGTH}}}"


register_url_convertor("id", RowId())
register_url_convertor("slug", Slug())
register_url_convertor("code", OrderCode())
register_url_convertor("secret", Secret())
register_url_convertor("token", Secret())
register_url_convertor("number", DocumentNumber())
register_url_convertor("space", SpaceToken())
register_url_convertor("day", Day())

"""The `{name:id}` path convertor: a row id of 1 to 9 digits.

Anything else (text, or a number too large for an integer column) does not match the route, so it is
a plain 404 before any query, on both databases.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class RowId(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", RowId())

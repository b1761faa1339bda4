"""Links made from the route table's templates are the links `url_path_for` makes."""

from __future__ import annotations

import pytest
from starlette.routing import NoMatchFound

from events.web import links


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ticket_qr", {"code": "ABCD2345", "secret": "s-3_cr", "ticket_id": 12}),
        ("ticket_qr", {"code": "ABCD2345", "secret": "other", "ticket_id": 7_340_000_000_000_000_001}),
        ("ical_agenda", {"token": "tok_en-1"}),
        ("order_page", {"code": "Z9", "secret": "%41 é"}),
        ("order_page", {"code": "\x001\x00", "secret": "x"}),
    ],
)
def test_a_link_is_the_route_s_path_at_the_site_s_address(
    app: object, name: str, params: dict[str, str | int]
) -> None:
    expected = "http://testserver" + links._router.url_path_for(name, **params)
    assert links.absolute(name, **params) == expected
    assert links.absolute(name, **params) == expected  # from the template the first call made


def test_values_no_marker_may_stand_for_are_linked_by_the_route_table_itself(app: object) -> None:
    links.absolute("order_page", code="AB", secret="ok")
    for code in ("A/B", "A\x000\x00"):
        assert links.absolute("order_page", code=code, secret="ok").endswith(
            links._router.url_path_for("order_page", code=code, secret="ok")
        )
    with pytest.raises(NoMatchFound):
        links.absolute("no_such_page", code="AB")

"""The VTIMEZONEs we write: RRULE-based, and giving zoneinfo's offset at every instant around each change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.ical.timezones import vtimezone

PARIS = (
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Paris\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19810329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "TZNAME:CEST\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19961027T030000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "TZNAME:CET\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)

ZONES = [
    "Europe/Paris",
    "America/Montreal",
    "Europe/London",
    "Europe/Dublin",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Santiago",
    "Asia/Jerusalem",
    "Africa/Casablanca",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Asia/Tokyo",
    "Asia/Kolkata",
]


def _instants(zone: ZoneInfo, first_year: int, last_year: int) -> list[datetime]:
    """Every six hours, and a minute either side of each offset change."""
    instants: list[datetime] = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment < end:
        instants.append(moment)
        following = moment + timedelta(hours=6)
        if following.astimezone(zone).utcoffset() != previous:
            step = moment
            while step.astimezone(zone).utcoffset() == previous:
                step += timedelta(minutes=1)
            instants += [step - timedelta(minutes=1), step, step + timedelta(minutes=1)]
            previous = following.astimezone(zone).utcoffset()
        moment = following
    return instants


def test_paris_is_two_yearly_rules() -> None:
    assert vtimezone("Europe/Paris", [datetime(2027, 7, 14)]).to_ical().decode() == PARIS


def test_a_stable_zone_is_written_the_same_whatever_the_year() -> None:
    for zone in ("Europe/Paris", "America/Montreal", "Australia/Sydney"):
        texts = {vtimezone(zone, [datetime(year, 6, 1)]).to_ical() for year in (2026, 2029, 2035)}
        assert len(texts) == 1, zone


@pytest.mark.parametrize("key", ZONES)
def test_no_zone_uses_a_list_of_dates(key: str) -> None:
    text = vtimezone(key, [datetime(2027, 1, 1), datetime(2028, 12, 31)]).to_ical().decode()
    assert "RDATE" not in text
    assert text.count("BEGIN:STANDARD") + text.count("BEGIN:DAYLIGHT") >= 1


@pytest.mark.parametrize("key", ZONES)
def test_offsets_read_from_our_vtimezone_match_zoneinfo(key: str) -> None:
    zone = ZoneInfo(key)
    ours = vtimezone(key, [datetime(2026, 3, 1), datetime(2029, 11, 1)]).to_tz(lookup_tzid=False)
    wrong = [
        moment
        for moment in _instants(zone, 2026, 2029)
        if moment.astimezone(ours).utcoffset() != moment.astimezone(zone).utcoffset()
    ]
    assert wrong == []

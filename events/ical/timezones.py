"""VTIMEZONE components that every calendar reads the same way.

icalendar's own generator lists a zone's transitions as one comma-separated RDATE; ical.js and vobject
read only its first value and put a Paris summer morning at +01:00. So each zone is described here by
yearly rules instead (RRULE with BYMONTH and BYDAY), the form every client understands, derived from
the zoneinfo database:

1. find the zone's offset changes in the years the feed needs (one year of margin either side);
2. group the changes that repeat year after year (same offsets, month, weekday rule and wall time) into
   one observance with an RRULE, bounded by UNTIL when the rule later stops;
3. extend the earliest rules backwards while they still hold, so the text does not depend on the
   feed's contents (and stays byte-identical between requests, which the ETags rely on).

A change that follows no weekday rule becomes its own observance (a DTSTART without RRULE). A zone
without changes gets one STANDARD observance.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_EPOCH_YEAR = 1970
_DAY = timedelta(days=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


@dataclass(frozen=True)
class Change:
    """One offset change: when it happens (UTC), from which offset to which, and its name."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    @property
    def wall(self) -> datetime:
        """The onset in local time before the change, as RFC 5545 wants DTSTART in a VTIMEZONE."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def series(self) -> tuple[object, ...]:
        wall = self.wall
        return (self.daylight, self.before, self.after, self.name, wall.month, wall.time())


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(zone).utcoffset() or timedelta(0)


def _bisect(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first second at which the offset differs from the one at `low`."""
    start = _offset(zone, low)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(zone, middle) == start:
            low = middle
        else:
            high = middle
    return high


def _daylight(zone: ZoneInfo, at: datetime) -> bool:
    """Whether the change starts a DAYLIGHT observance: it moves into more daylight saving than before.

    Compared, not read alone, because tzdata gives some zones a negative saving (Dublin's winter,
    Casablanca's Ramadan): their summer has no saving but is still the daylight side of the pair, as
    calendar applications expect it.
    """
    before = (at - timedelta(seconds=1)).astimezone(zone).dst() or timedelta(0)
    after = at.astimezone(zone).dst() or timedelta(0)
    return after > before or (after == before and after > timedelta(0))


@lru_cache(maxsize=512)
def _changes_in_year(key: str, year: int) -> tuple[Change, ...]:
    zone = ZoneInfo(key)
    found: list[Change] = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    current = _offset(zone, day)
    while day < end:
        following = day + _DAY
        offset = _offset(zone, following)
        if offset != current:
            at = _bisect(zone, day, following)
            local = at.astimezone(zone)
            found.append(Change(at, current, offset, local.tzname() or "", _daylight(zone, at)))
            current = offset
        day = following
    return tuple(found)


# ------------------------------------------------------------------ yearly rules


def _candidates(wall: datetime) -> frozenset[tuple[str, int]]:
    """Every weekday rule that names this day: ("last", 0) or ("from", first day of a 7-day window)."""
    month_days = calendar.monthrange(wall.year, wall.month)[1]
    rules = {
        ("from", first) for first in range(max(1, wall.day - 6), wall.day + 1) if first + 6 <= month_days
    }
    if wall.day + 7 > month_days:
        rules.add(("last", 0))
    return frozenset(rules)


def _preferred(rules: frozenset[tuple[str, int]]) -> tuple[str, int]:
    """The plainest spelling: "2nd Sunday" beats "last Sunday" beats "Sunday on or after the 23rd"."""
    return min(
        rules,
        key=lambda rule: (
            0 if rule[0] == "from" and rule[1] % 7 == 1 else 1 if rule[0] == "last" else 2,
            rule[1],
        ),
    )


def _rrule(weekday: str, month: int, rule: tuple[str, int]) -> dict[str, object]:
    kind, first = rule
    if kind == "last":
        return {"freq": "yearly", "bymonth": month, "byday": f"-1{weekday}"}
    if first % 7 == 1:
        return {"freq": "yearly", "bymonth": month, "byday": f"{first // 7 + 1}{weekday}"}
    return {"freq": "yearly", "bymonth": month, "byday": weekday, "bymonthday": list(range(first, first + 7))}


@dataclass
class _Run:
    """Changes of one series in consecutive years that one yearly rule describes."""

    first: Change
    last: Change
    rules: frozenset[tuple[str, int]]
    count: int = 1

    def follows(self, change: Change) -> frozenset[tuple[str, int]]:
        if change.wall.year != self.last.wall.year + 1:
            return frozenset()
        return self.rules & _candidates(change.wall)


def _runs(changes: Iterable[Change]) -> list[_Run]:
    runs: list[_Run] = []
    open_runs: dict[tuple[object, ...], _Run] = {}
    for change in changes:
        run = open_runs.get(change.series)
        common = run.follows(change) if run else frozenset()
        if run is not None and common and change.wall.weekday() == run.first.wall.weekday():
            run.last, run.rules, run.count = change, common, run.count + 1
            continue
        run = _Run(change, change, _candidates(change.wall))
        open_runs[change.series] = run
        runs.append(run)
    return runs


def _extend_back(key: str, run: _Run) -> None:
    """Move the start of a run that reaches the window's first year back while its rule still holds."""
    year = run.first.wall.year - 1
    while year >= _EPOCH_YEAR:
        earlier = [c for c in _changes_in_year(key, year) if c.series == run.first.series]
        if len(earlier) != 1 or earlier[0].wall.weekday() != run.first.wall.weekday():
            return
        common = run.rules & _candidates(earlier[0].wall)
        if not common:
            return
        run.first, run.rules, run.count = earlier[0], common, run.count + 1
        year -= 1


def _observance(run: _Run, open_ended: bool) -> TimezoneStandard | TimezoneDaylight:
    part = TimezoneDaylight() if run.first.daylight else TimezoneStandard()
    part.add("dtstart", run.first.wall)
    part.add("tzoffsetfrom", run.first.before)
    part.add("tzoffsetto", run.first.after)
    if run.first.name:
        part.add("tzname", run.first.name)
    if run.count > 1 or open_ended:
        rrule = _rrule(_WEEKDAYS[run.first.wall.weekday()], run.first.wall.month, _preferred(run.rules))
        if not open_ended:
            rrule["until"] = run.last.at.replace(tzinfo=UTC)
        part.add("rrule", rrule)
    return part


def _fixed(key: str, at: datetime) -> TimezoneStandard | TimezoneDaylight:
    """The offset in force at `at`, as an observance that starts in 1970 and never changes."""
    local = at.astimezone(ZoneInfo(key))
    part = TimezoneDaylight() if (local.dst() or timedelta(0)) > timedelta(0) else TimezoneStandard()
    part.add("dtstart", datetime(_EPOCH_YEAR, 1, 1))
    offset = local.utcoffset() or timedelta(0)
    part.add("tzoffsetfrom", offset)
    part.add("tzoffsetto", offset)
    part.add("tzname", local.tzname() or key)
    return part


@lru_cache(maxsize=256)
def _build(key: str, first_year: int, last_year: int) -> bytes:
    changes = [c for year in range(first_year, last_year + 1) for c in _changes_in_year(key, year)]
    runs = sorted(_runs(changes), key=lambda r: r.first.at)
    for run in runs:
        if run.first.wall.year == first_year:
            _extend_back(key, run)
    runs.sort(key=lambda r: r.first.at)
    zone = Timezone()
    zone.add("tzid", key)
    if not runs:
        zone.add_component(_fixed(key, datetime(first_year, 1, 1, tzinfo=UTC)))
    elif min(run.first.wall.year for run in runs) >= first_year:
        # No rule reaches back before the window: say what held before, rather than let each
        # application guess (dateutil takes the first STANDARD, ical.js the first TZOFFSETFROM).
        zone.add_component(_fixed(key, runs[0].first.at - timedelta(seconds=1)))
    latest_by_series = {run.first.series: run for run in runs}
    for run in runs:
        open_ended = latest_by_series[run.first.series] is run and run.last.wall.year >= last_year
        zone.add_component(_observance(run, open_ended))
    return bytes(zone.to_ical())


def vtimezone(key: str, instants: Iterable[datetime]) -> Timezone:
    """A VTIMEZONE for zone `key` that is right for every one of `instants` (and the years around them)."""
    years = [instant.year for instant in instants] or [datetime.now(UTC).year]
    zone = Timezone.from_ical(_build(key, min(years) - 1, max(years) + 1))
    assert isinstance(zone, Timezone)
    return zone


def is_utc(key: str) -> bool:
    return key in UTC_NAMES

"""Dates of a timeline: EDTF levels 0–1 and relative dates, as intervals of instants.

Every date covers an :class:`Interval` from its earliest possible instant (``start``) to the
first instant after its latest possible one (``end``, exclusive). All-day values begin and end
at local midnight in the file's time zone; timed values cover their minute or second.

Forms read by :func:`parse_edtf` (what a file's ``date:`` may hold, besides relative dates)::

    2025  2025-05  2025-05-12                     year / month / day
    2025-08-12T00:01  2025-08-12T00:01:30         wall time in ``zone``
    2025-08-12T00:01Z  ...T00:01-04:00  ...+0530   with an offset (Z, ±HH, ±HHMM, ±HH:MM)
    2025-06~  2025-06-10?  2025-06%               approximate / uncertain / both
    2025-Q1..Q4  2025-H1 H2  2025-21..24          quarter / half / season (spring..winter)
    201X  20XX  2025-XX  2025-05-XX  2025-XX-XX   unspecified digits (level 1)
    2025-06/2025-07-15                            a span; each end with its own precision

Rejected, with a message and the offset of the offending character: open ends (``..``, empty),
spans ending before they start, impossible dates (``2025-02-30``, month 13, hour 25, 24:00),
years outside 0001–9999 (negative, ``Y``-prefixed), level-2 seasons (25–41), fractional
seconds, wall times that do not exist in the zone (skipped by daylight saving time). A wall
time that occurs twice (clocks set back) means its first occurrence. Lower-case ``t``, ``z``,
``q``, ``h`` and ``x`` are read as upper case; ``.text`` is always the normalised form.

Relative dates (:func:`parse_date`) are ``ID + N<unit>`` or ``ID - N<unit>`` with ``unit`` one of
``d``, ``w``, ``mo``, ``y``. Because ids may contain ``-``, a minus must have a space on at least
one side (``truce - 3d``, ``truce -3d``); ``truce+3d`` needs none; ``truce-3d`` is rejected as
ambiguous.

Importing this module costs only standard-library imports; python-dateutil is imported inside
the functions that shift dates or read human-written ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

__all__ = [
    "MONTH_ABBREVIATIONS",
    "MONTH_NAMES",
    "SEASON_NAMES",
    "DateError",
    "Interval",
    "Offset",
    "Precision",
    "Relative",
    "distinct_leads",
    "format_edtf",
    "format_human",
    "get_zone",
    "local_day",
    "longest_first",
    "parse_date",
    "parse_duration",
    "parse_edtf",
    "parse_human_date",
    "parse_offset",
    "period_label",
    "shift",
]


class Precision(IntEnum):
    """How finely a date is known; coarser sorts before finer."""

    YEAR = 1
    HALF = 2
    QUARTER = 3
    SEASON = 4
    MONTH = 5
    DAY = 6
    MINUTE = 7
    SECOND = 8


class DateError(ValueError):
    """A date that cannot be read.

    ``offset`` is the 0-based index into the parsed text where the problem starts; it equals
    ``len(text)`` when something is missing at the end (``2025-``).
    """

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
SEASON_NAMES = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
_SEASON_FIRST_MONTH = {21: 3, 22: 6, 23: 9, 24: 12}
_UNIT_NAMES = {"d": "days", "w": "weeks", "mo": "months", "y": "years"}
_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)
_TIMED_LENGTH = {Precision.MINUTE: timedelta(minutes=1), Precision.SECOND: timedelta(seconds=1)}
_MONTHS_IN_UNIT = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.SEASON: 3,
                   Precision.HALF: 6, Precision.YEAR: 12}
_UNIT_FIRST_MONTHS = {Precision.MONTH: range(1, 13), Precision.QUARTER: (1, 4, 7, 10),
                      Precision.SEASON: (3, 6, 9, 12), Precision.HALF: (1, 7),
                      Precision.YEAR: (1,)}
_HINT = "try 2025-08-10, 'aug 10 2025', 'today', '+2w', 'next friday'"


# --- zones and instants -----------------------------------------------------------------


@lru_cache(maxsize=128)
def get_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (system data, else the ``tzdata`` package); cached."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        raise DateError(f"unknown time zone {name!r}") from None


@lru_cache(maxsize=256)
def _fixed_zone(seconds: int) -> timezone:
    return UTC if seconds == 0 else timezone(timedelta(seconds=seconds))


def _as_fixed(moment: datetime) -> datetime:
    """The same instant with a fixed-offset tzinfo, so comparisons and subtraction are exact."""
    offset = moment.utcoffset()
    assert offset is not None
    return moment.replace(tzinfo=_fixed_zone(int(offset.total_seconds())), fold=0)


def _resolve_wall(wall: datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """Wall time in ``zone`` → (instant, whether that wall time exists there).

    A repeated wall time means its first occurrence; a skipped one is moved forward by the gap.
    """
    if isinstance(zone, timezone):
        return wall.replace(tzinfo=zone), True
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
    return _as_fixed(instant), instant.replace(tzinfo=None) == wall


@lru_cache(maxsize=8192)
def _day_start(day: date, zone_name: str) -> datetime:
    """The first instant of ``day`` in the zone (local midnight, or the end of a gap at it)."""
    instant, _ = _resolve_wall(datetime.combine(day, time()), get_zone(zone_name))
    instant.astimezone(UTC)  # raises OverflowError at the ends of the calendar
    return instant


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day that ``moment`` (timezone-aware) falls on in ``zone``."""
    if moment.utcoffset() is None:
        raise DateError(f"local_day needs a timezone-aware moment, got {moment.isoformat()}")
    return moment.astimezone(get_zone(zone)).date()


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the month's end (Jan 31 + 1 → Feb 28).

    The one month arithmetic of the package; ValueError outside the years 0001–9999.
    """
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return date(year, month_index + 1, min(day.day, _days_in_month(year, month_index + 1)))


def _unit_ending_at(start: datetime, end: datetime, precision: Precision, zone: str) -> datetime:
    """The first instant of the unit of ``precision`` that ends at ``end`` (not before
    ``start``): the calendar unit when ``end`` is a boundary of one."""
    if precision >= Precision.MINUTE:
        return max(start, end - _TIMED_LENGTH[precision])
    last = local_day(end - _ONE_MICROSECOND, zone)
    if precision == Precision.DAY:
        first = last
    else:
        first = add_months(last.replace(day=1), 1 - _MONTHS_IN_UNIT[precision])
    return max(start, _day_start(first, zone))


def _is_boundary(moment: datetime, precision: Precision, zone: str) -> bool:
    """Whether ``moment`` is where a unit of ``precision`` begins (or a unit before it ends)."""
    if precision >= Precision.MINUTE:
        return moment.microsecond == 0 and (precision == Precision.SECOND or moment.second == 0)
    day = local_day(moment, zone)
    if moment != _day_start(day, zone):
        return False
    if precision == Precision.DAY:
        return True
    return day.day == 1 and day.month in _UNIT_FIRST_MONTHS[precision]


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """What a date covers: ``start`` ≤ instant < ``end``.

    ``start`` and ``end`` carry fixed UTC offsets (the zone's offset at that instant, or the
    offset written), so comparing and subtracting them is exact across daylight saving time.
    ``text`` is the canonical EDTF text and the authority for the written structure (a span's
    per-end qualifiers, ``2025-XX``); every Interval this module makes carries it.
    """

    start: datetime
    end: datetime
    precision: Precision
    end_precision: Precision
    approximate: bool
    uncertain: bool
    span: bool
    timed: bool
    zone: str
    text: str
    #: Where the last unit begins when that is not a calendar boundary: a span moved by an
    #: offset (``2025-06/2025-08 + 10d`` ends with the month from Aug 11). None otherwise.
    last_start: datetime | None = None

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("Interval needs timezone-aware start and end")
        if self.end <= self.start:
            raise ValueError(f"Interval ends before it starts: {self.start} .. {self.end}")

    def __str__(self) -> str:
        return format_edtf(self)

    @property
    def first_day(self) -> date:
        """The local day of ``start`` in ``zone``."""
        return local_day(self.start, self.zone)

    @property
    def last_day(self) -> date:
        """The local day of the last instant covered, in ``zone``."""
        return local_day(self.end - _ONE_MICROSECOND, self.zone)

    @property
    def last_unit_start(self) -> datetime:
        """The earliest instant of the last unit covered: ``2025-06/2025-08`` → Aug 1.

        For a span that is where its second end begins (what the span is due from); a span
        moved by an offset keeps the last unit it had, moved (``+ 10d`` → Aug 11).
        """
        if self.last_start is not None:
            return self.last_start
        return _unit_ending_at(self.start, self.end, self.end_precision, self.zone)

    @property
    def aligned(self) -> bool:
        """Whether start and end fall on boundaries of their precisions' units."""
        return _is_boundary(self.start, self.precision, self.zone) and _is_boundary(
            self.end, self.end_precision, self.zone
        )

    def sort_key(self) -> tuple[datetime, int]:
        """(start in UTC, precision): earlier first, then coarser before finer."""
        return self.start.astimezone(UTC), int(self.precision)


@dataclass(frozen=True, slots=True)
class _Point:
    """One written EDTF value (a span has two); internal to parsing, shifting and display."""

    start: datetime
    end: datetime
    precision: Precision
    approximate: bool
    uncertain: bool
    wall_zone: tzinfo | None  # timed: where the wall time was written; None when all-day
    offset_text: str  # timed: the offset as written, normalised ("", "Z", "-04:00")
    unspecified: str  # "-XX", "-XX-XX" written after a known year or month
    text: str

    @property
    def timed(self) -> bool:
        return self.wall_zone is not None


@dataclass(frozen=True, slots=True)
class Offset:
    """A whole number of days, weeks, months or years: ``90d``, ``2w``, ``3mo``, ``1y``."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in _UNIT_NAMES:
            raise DateError(f"unknown unit {self.unit!r}: use d, w, mo or y")
        if self.amount < 0:
            raise DateError(f"an offset is not negative: {self.amount}{self.unit}")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return f"{self.amount}{self.unit}"

    def move(self, day: date, sign: int = 1) -> date:
        """``day`` moved by ``sign`` × this offset (months and years clamp to the month's end).

        OverflowError or ValueError outside the years 0001–9999.
        """
        amount = sign * self.amount
        if self.unit == "d":
            return day + timedelta(days=amount)
        if self.unit == "w":
            return day + timedelta(days=7 * amount)
        return add_months(day, amount if self.unit == "mo" else 12 * amount)

    @property
    def delta(self) -> relativedelta:
        return self.signed_delta(1)

    def signed_delta(self, sign: int) -> relativedelta:
        from dateutil.relativedelta import relativedelta

        amount = sign * self.amount
        if self.unit == "d":
            return relativedelta(days=amount)
        if self.unit == "w":
            return relativedelta(days=7 * amount)
        if self.unit == "mo":
            return relativedelta(months=amount)
        return relativedelta(years=amount)


_APPROXIMATE_DAYS = {"d": 1, "w": 7, "mo": 30, "y": 365}


def _length_key(lead: Offset) -> tuple[str, int]:
    """Equal keys: the same length whatever the date (28d and 4w; 12mo and 1y)."""
    if lead.unit in ("d", "w"):
        return "days", lead.amount * (7 if lead.unit == "w" else 1)
    return "months", lead.amount * (12 if lead.unit == "y" else 1)


def _approximate_length(lead: Offset) -> tuple[int, str, int]:
    return lead.amount * _APPROXIMATE_DAYS[lead.unit], *_length_key(lead)


def longest_first(leads: Sequence[Offset]) -> tuple[Offset, ...]:
    """Lead times longest first; of the same length (``4w``, ``28d``), in the order written.
    The order never depends on hashing."""
    return tuple(sorted(leads, key=_approximate_length, reverse=True))  # stable


def distinct_leads(leads: Sequence[Offset]) -> tuple[Offset, ...]:
    """:func:`longest_first`, each length once: of ``[4w, 28d]`` the one written first
    (``4w``) is kept, and reminders and alarms name it."""
    kept: dict[tuple[str, int], Offset] = {}
    for lead in leads:
        kept.setdefault(_length_key(lead), lead)
    return longest_first(list(kept.values()))


@dataclass(frozen=True, slots=True)
class Relative:
    """``ref ± offset``: the interval of entry ``ref`` shifted (see :func:`shift`)."""

    ref: str
    sign: int
    offset: Offset
    text: str

    def __post_init__(self) -> None:
        if self.sign not in (1, -1):
            raise ValueError(f"sign must be 1 or -1, not {self.sign!r}")

    def __str__(self) -> str:
        return self.text


# --- parsing EDTF -----------------------------------------------------------------------

_YEAR_CHARS = re.compile(r"[0-9Xx]*", re.ASCII)
_YEAR_FORM = re.compile(r"\d{4}|\d{3}X|\d{2}XX", re.ASCII)
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_OFFSET = re.compile(r"([+-])(\d{2})(?::?(\d{2}))?", re.ASCII)
_SPACE_TIME = re.compile(r"\s+\d{1,2}:\d{2}", re.ASCII)
_QUALIFIERS = "~?%"


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts other scripts' digits and '²'."""
    return text.isascii() and text.isdigit()


def _qualifier(approximate: bool, uncertain: bool) -> str:
    if approximate and uncertain:
        return "%"
    return "~" if approximate else "?" if uncertain else ""


def _offset_text(seconds: int) -> str:
    """``Z`` or ``±HH:MM`` (``±HH:MM:SS`` for the odd historical offset)."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, leftover = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{leftover:02d}" if leftover else "")


def _day_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


class _Reading:
    """What the readers of one EDTF value found so far, and where they are in the text.

    A plain class: made for every date read, and a dataclass would cost every start-up.
    """

    __slots__ = ("approximate", "begin", "day", "first_month", "month", "month_written",
                 "offset_text", "parts", "position", "precision", "source", "stop", "time_at",
                 "uncertain", "unit_months", "unspecified", "unspecified_digits", "wall",
                 "wall_zone", "year")

    def __init__(self, source: str, begin: int, stop: int) -> None:
        self.source, self.begin, self.stop, self.position = source, begin, stop, begin
        self.year = 0
        self.precision = Precision.YEAR
        self.parts: list[str] = []  # the normalised text, piece by piece
        self.unspecified = ""  # "-XX", "-XX-XX" after a known year or month
        self.unspecified_digits = 0  # X in the year
        self.month = 0  # 0: not written, or XX
        self.day = 0
        self.first_month = 1
        self.unit_months = 12
        self.month_written = False  # a month or XX (a day may follow)
        self.wall: datetime | None = None
        self.wall_zone: tzinfo | None = None
        self.offset_text = ""
        self.time_at = 0
        self.approximate = False
        self.uncertain = False

    def at(self, characters: str) -> bool:
        """Whether the next character is one of ``characters``."""
        return self.position < self.stop and self.source[self.position] in characters


def _parse_point(source: str, begin: int, stop: int, zone: str) -> _Point:
    """Read one EDTF value from ``source[begin:stop]``; error offsets index ``source``.

    Year, then month (or season, quarter, half), day, time and offset, qualifier: each
    read by its own reader, in that order; then the instants it covers.
    """
    reading = _Reading(source, begin, stop)
    _read_year(reading)
    if reading.at("-"):
        _read_month(reading)
        if reading.at("-"):
            _read_day(reading)
    if reading.at("Tt"):
        _read_time(reading, zone)
    _read_qualifier(reading)
    if reading.position < stop:
        if reading.precision == Precision.DAY and _SPACE_TIME.match(source, reading.position,
                                                                    stop):
            raise DateError("join a date and a time with T, as in 2025-08-12T00:01",
                            reading.position)
        raise DateError(f"unexpected {source[reading.position:stop]!r} after the date",
                        reading.position)
    start, end = _instants(reading, zone)
    return _Point(start, end, reading.precision, reading.approximate, reading.uncertain,
                  reading.wall_zone, reading.offset_text, reading.unspecified,
                  "".join(reading.parts))


def _read_year(reading: _Reading) -> None:
    """Four digits, the last one or two of which may be X (201X, 20XX)."""
    source, position, stop = reading.source, reading.position, reading.stop
    if source[position] in "+-Yy":
        raise DateError(
            "years 0001–9999 only (negative and Y-prefixed EDTF years are not supported)", position
        )
    year_run = _YEAR_CHARS.match(source, position, stop)
    run = year_run.end() - position if year_run else 0
    if run == 0:
        raise DateError(
            f"expected a date such as 2025-05-12, not {source[reading.begin:stop]!r}", position
        )
    if run < 4:
        raise DateError("a year has four digits (write 0999 for 999)", position)
    if run > 4:
        if run == 8 and _is_digits(source[position:position + 8]):
            raise DateError("write dates with dashes, as in 2025-05-12", position)
        raise DateError("years 0001–9999 only", position)
    year_text = source[position:position + 4].upper()
    if not _YEAR_FORM.fullmatch(year_text):
        first_x = position + year_text.index("X")
        if year_text.endswith("XXX"):
            raise DateError(
                "only the last one or two digits of a year may be unspecified (201X, 20XX)",
                first_x,
            )
        raise DateError("unspecified digits (X) must come last in a year, as in 201X", first_x)
    reading.unspecified_digits = year_text.count("X")
    reading.year = int(year_text.replace("X", "0"))
    if reading.year == 0:
        raise DateError("years 0001–9999 only: there is no year 0000", position)
    reading.unit_months = 12 * 10**reading.unspecified_digits
    reading.parts.append(year_text)
    reading.position = position + 4


def _two_characters(reading: _Reading) -> tuple[str, int, bool]:
    """The two characters after a dash, where they start, and whether they stand alone."""
    at = reading.position + 1
    component = reading.source[at:at + 2].upper()
    followed = at + 2 < reading.stop and _is_digits(reading.source[at + 2])
    whole = len(component) == 2 and at + 2 <= reading.stop and not followed
    return component, at, whole


def _read_month(reading: _Reading) -> None:
    """``-MM``, ``-XX``, a season ``-21``..``-24``, a quarter ``-Q1`` or a half ``-H2``."""
    if reading.unspecified_digits:
        raise DateError(
            "a year with unspecified digits (201X) cannot have a month or day", reading.position
        )
    component, at, whole = _two_characters(reading)
    if not whole or not component.isalnum():
        if _is_digits(component[:1]):
            raise DateError("write a month with two digits, as in 2025-05", at)
        raise DateError(
            "expected a month (01–12), season (21–24), quarter (Q1–Q4) or half (H1–H2)"
            " after the year",
            at,
        )
    if component == "XX":
        reading.unspecified, reading.month_written = "-XX", True
    elif component[0] == "Q":
        if component[1] not in "1234":
            raise DateError(f"there is no quarter {component}: quarters are Q1–Q4", at)
        reading.precision, reading.unit_months = Precision.QUARTER, 3
        reading.first_month = 3 * int(component[1]) - 2
    elif component[0] == "H":
        if component[1] not in "12":
            raise DateError(f"there is no half {component}: halves are H1 and H2", at)
        reading.precision, reading.unit_months = Precision.HALF, 6
        reading.first_month = 6 * int(component[1]) - 5
    elif _is_digits(component):
        _read_month_number(reading, int(component), component, at)
    else:
        raise DateError(
            f"expected a month (01–12), season (21–24), quarter (Q1–Q4) or half (H1–H2),"
            f" not {component!r}",
            at,
        )
    reading.parts.append("-" + component)
    reading.position = at + 2


def _read_month_number(reading: _Reading, number: int, component: str, at: int) -> None:
    if 1 <= number <= 12:
        reading.precision, reading.unit_months = Precision.MONTH, 1
        reading.month = reading.first_month = number
        reading.month_written = True
    elif number in SEASON_NAMES:
        reading.precision, reading.unit_months = Precision.SEASON, 3
        reading.first_month = _SEASON_FIRST_MONTH[number]
    elif 25 <= number <= 41:
        raise DateError(
            f"season {number} is EDTF level 2, not supported: use 21–24"
            " (spring, summer, autumn, winter) or Q1–Q4",
            at,
        )
    else:
        raise DateError(f"there is no month {component}: months are 01–12", at)


def _read_day(reading: _Reading) -> None:
    """``-DD`` or ``-XX`` after a month (or after ``-XX``)."""
    if not reading.month_written:
        raise DateError(
            "a quarter, half or season cannot have a day; write 2025-05-12", reading.position
        )
    component, at, whole = _two_characters(reading)
    if not whole or not (_is_digits(component) or component == "XX"):
        raise DateError("write a day with two digits, as in 2025-05-02", at)
    if component == "XX":
        reading.unspecified += "-XX"
    elif reading.month == 0:
        raise DateError("a day needs a known month: 2025-XX-12 is not supported", at)
    else:
        day = int(component)
        length = _days_in_month(reading.year, reading.month)
        if day == 0:
            raise DateError("there is no day 00", at)
        if day > length:
            raise DateError(f"{MONTH_NAMES[reading.month - 1]} {reading.year} has {length} days",
                            at)
        reading.day, reading.precision = day, Precision.DAY
    reading.parts.append("-" + component)
    reading.position = at + 2


def _read_time(reading: _Reading, zone: str) -> None:
    """``THH:MM`` or ``THH:MM:SS``, then an offset or none (wall time in ``zone``)."""
    source, stop = reading.source, reading.stop
    if reading.precision != Precision.DAY:
        raise DateError("a time needs a full date, as in 2025-08-12T00:01", reading.position)
    time_at = reading.time_at = reading.position + 1
    clock = _TIME.match(source, time_at, stop)
    if not clock:
        raise DateError("write a time as HH:MM or HH:MM:SS, as in T00:01", time_at)
    hour, minute = int(clock.group(1)), int(clock.group(2))
    second = int(clock.group(3)) if clock.group(3) else 0
    if hour == 24:
        raise DateError("24:00 is not supported: write 00:00 of the next day", time_at)
    if hour > 23:
        raise DateError(f"there is no hour {hour}", time_at)
    if minute > 59:
        raise DateError(f"there is no minute {minute}", time_at + 3)
    if second > 59:
        raise DateError(
            f"there is no second {second} (leap seconds are not supported)", time_at + 6
        )
    reading.precision = Precision.SECOND if clock.group(3) else Precision.MINUTE
    reading.parts.append("T" + clock.group(0))
    reading.position = clock.end()
    if reading.at(".,"):
        raise DateError("fractional seconds are not supported", reading.position)
    _read_utc_offset(reading, zone)
    reading.parts.append(reading.offset_text)
    reading.wall = datetime(reading.year, reading.month, reading.day, hour, minute, second)


def _read_utc_offset(reading: _Reading, zone: str) -> None:
    """``Z``, ``±HH``, ``±HHMM``, ``±HH:MM``; none: the wall time is in ``zone``."""
    if reading.at("Zz"):
        reading.offset_text, reading.wall_zone = "Z", UTC
        reading.position += 1
        return
    if not reading.at("+-"):
        reading.wall_zone = get_zone(zone)
        return
    position = reading.position
    written = _OFFSET.match(reading.source, position, reading.stop)
    if not written:
        raise DateError("write an offset as Z, +HH:MM or -HH:MM", position)
    hours, minutes = int(written.group(2)), int(written.group(3) or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"there is no offset {written.group(0)}", position)
    seconds = (hours * 3600 + minutes * 60) * (-1 if written.group(1) == "-" else 1)
    reading.wall_zone, reading.offset_text = _fixed_zone(seconds), _offset_text(seconds)
    reading.position = written.end()


def _read_qualifier(reading: _Reading) -> None:
    """``~`` approximate, ``?`` uncertain, ``%`` both: one at most."""
    if not reading.at(_QUALIFIERS):
        return
    mark = reading.source[reading.position]
    reading.approximate, reading.uncertain = mark in "~%", mark in "?%"
    reading.parts.append(mark)
    reading.position += 1
    if reading.at(_QUALIFIERS):
        raise DateError("write one qualifier: % means approximate and uncertain",
                        reading.position)


def _instants(reading: _Reading, zone: str) -> tuple[datetime, datetime]:
    """Where the value read begins and ends, or why it cannot be held."""
    begin = reading.begin
    try:
        if reading.wall is not None:
            wall, wall_zone = reading.wall, reading.wall_zone
            assert wall_zone is not None
            start, exists = _resolve_wall(wall, wall_zone)
            if not exists:
                raise DateError(
                    f"{wall.isoformat(timespec='minutes')} does not exist in {zone}:"
                    " the clocks skip it",
                    reading.time_at,
                )
            end = _in_wall_zone(start + _TIMED_LENGTH[reading.precision], wall_zone)
            for moment in (start, end):  # shown in the file's zone: it must exist there too
                moment.astimezone(UTC)
                moment.astimezone(get_zone(zone))
            return start, end
        if reading.precision == Precision.DAY:
            first = date(reading.year, reading.month, reading.day)
            after = first + _ONE_DAY
        else:
            first = date(reading.year, reading.first_month, 1)
            after = add_months(first, reading.unit_months)
        start, end = _day_start(first, zone), _day_start(after, zone)
    except (OverflowError, ValueError) as error:
        if isinstance(error, DateError):
            raise
        text = reading.source[begin:reading.stop]
        raise DateError(_beyond_limits(text, reading.year, zone), begin) from None
    if end <= start:
        raise DateError(
            f"{_day_text(first)} does not exist in {zone}: the clocks skip that whole day", begin
        )
    return start, end


def _beyond_limits(text: str, year: int, zone: str) -> str:
    """Why a date at the ends of the calendar cannot be held, and what can."""
    if year >= 5000:
        return (f"{text!r} reaches the end of the year 9999, where dates end: the last day"
                " that can be used is 9999-12-30")
    return (f"{text!r} begins before the first instant dates can hold (0001-01-01 00:00 UTC)"
            f" in {zone}: use a later date, such as 0001-01-02")


def _in_wall_zone(moment: datetime, wall_zone: tzinfo) -> datetime:
    """``moment`` carrying the offset its wall zone has at that instant."""
    if isinstance(wall_zone, timezone):
        return moment.astimezone(wall_zone)
    return _as_fixed(moment.astimezone(wall_zone))


def _strip_bounds(text: str, begin: int, stop: int) -> tuple[int, int]:
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


@lru_cache(maxsize=8192)
def _parse_cached(text: str, zone: str) -> tuple[Interval, tuple[_Point, ...]]:
    get_zone(zone)
    begin, stop = _strip_bounds(text, 0, len(text))
    if begin == stop:
        raise DateError("empty date: write one such as 2025-05-12", 0)
    slash = text.find("/", begin, stop)
    if slash < 0:
        point = _parse_point(text, begin, stop, zone)
        return _interval(point, point, False, zone, point.text), (point,)
    extra = text.find("/", slash + 1, stop)
    if extra >= 0:
        raise DateError("a span has exactly two ends, as in 2025-06-09/2025-06-10", extra)
    ends = []
    for side_begin, side_stop in ((begin, slash), (slash + 1, stop)):
        side_begin, side_stop = _strip_bounds(text, side_begin, side_stop)
        if side_begin == side_stop or text[side_begin:side_stop] == "..":
            raise DateError(
                "open-ended spans are not supported: write both ends",
                side_begin if side_begin < side_stop else slash,
            )
        ends.append((side_begin, _parse_point(text, side_begin, side_stop, zone)))
    (_, first), (second_at, last) = ends
    if last.end <= first.start:
        raise DateError(
            f"the span ends before it starts: {last.text} is before {first.text}", second_at
        )
    return _interval(first, last, True, zone, f"{first.text}/{last.text}"), (first, last)


def _interval(first: _Point, last: _Point, span: bool, zone: str, text: str) -> Interval:
    return Interval(
        start=first.start,
        end=last.end,
        precision=first.precision,
        end_precision=last.precision,
        approximate=first.approximate or last.approximate,
        uncertain=first.uncertain or last.uncertain,
        span=span,
        timed=first.timed or last.timed,
        zone=zone,
        text=text,
    )


def parse_edtf(text: str, zone: str = "UTC") -> Interval:
    """Read an EDTF (levels 0–1) date or span; times without an offset are wall time in ``zone``.

    Raises :class:`DateError` with the offset of the offending character in ``text``.
    """
    return _parse_cached(text, zone)[0]


def _points_of(interval: Interval) -> tuple[_Point, ...]:
    return _parse_cached(format_edtf(interval), interval.zone)[1]


# --- offsets and relative dates ---------------------------------------------------------

_OFFSET_FORM = re.compile(r"\s*(?P<amount>\d+)\s*(?P<unit>[A-Za-z]+)\s*", re.ASCII)
_RELATIVE_FORM = re.compile(
    r"\s*(?P<ref>\S+?)(?P<before>\s*)(?P<sign>[+-])(?P<after>\s*)"
    r"(?P<amount>\d+)\s*(?P<unit>[A-Za-z]+)\s*",
    re.ASCII,
)
_ID = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)
_REF = re.compile(r"(?:[a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*", re.ASCII)  # id, story:id
_LONG_UNITS = {
    "day": "d", "days": "d",
    "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "mos": "mo", "month": "mo", "months": "mo",
    "yr": "y", "yrs": "y", "year": "y", "years": "y",
}
_MAX_AMOUNT_DIGITS = 6


def _unit(word: str, at: int, long_names: bool) -> str:
    unit = word.lower()
    if unit in _UNIT_NAMES:
        return unit
    if long_names and unit in _LONG_UNITS:
        return _LONG_UNITS[unit]
    if unit == "m":
        raise DateError("write months as 'mo' ('m' could mean minutes)", at)
    if unit in _LONG_UNITS:
        raise DateError(f"write the unit short: {_LONG_UNITS[unit]!r} for {word!r}", at)
    raise DateError(f"unknown unit {word!r}: use d, w, mo or y (days, weeks, months, years)", at)


def _amount(digits: str, at: int) -> int:
    if len(digits) > _MAX_AMOUNT_DIGITS:
        raise DateError("offset too large", at)
    return int(digits)


def _read_offset(text: str, long_names: bool) -> Offset:
    matched = _OFFSET_FORM.fullmatch(text)
    if not matched:
        begin, stop = _strip_bounds(text, 0, len(text))
        if begin == stop:
            raise DateError("empty offset: write one such as 14d, 2w, 3mo or 1y", 0)
        if text[begin] in "+-":
            raise DateError("write an offset without a sign, as in 14d", begin)
        raise DateError(f"cannot read {text.strip()!r} as an offset; write 14d, 2w, 3mo or 1y",
                        begin)
    amount = _amount(matched.group("amount"), matched.start("amount"))
    return Offset(amount, _unit(matched.group("unit"), matched.start("unit"), long_names))


def parse_offset(text: str) -> Offset:
    """``14d``, ``2w``, ``3mo``, ``1y`` (as written in a file, e.g. lead times)."""
    return _read_offset(text, long_names=False)


def parse_duration(text: str) -> Offset:
    """A command-line duration: ``14d``, ``2w``, ``1mo``, ``1y``, ``14 days``, ``3 years``."""
    return _read_offset(text, long_names=True)


def parse_date(text: str, zone: str = "UTC") -> Interval | Relative:
    """What a file's ``date:`` holds: an EDTF date (:func:`parse_edtf`) or ``ID ± N<unit>``.

    Accepted relative forms: ``id + 90d``, ``id+90d``, ``id - 2w``, ``id -2w``, ``id- 2w``
    (units ``d``, ``w``, ``mo``, ``y``). ``id-2w`` is rejected as ambiguous because ids may
    contain ``-``. The left side must be an entry id, not a date.
    """
    relative = _RELATIVE_FORM.fullmatch(text)
    if relative:
        ref, sign = relative.group("ref"), relative.group("sign")
        spaced = bool(relative.group("before") or relative.group("after"))
        amount_text, unit_text = relative.group("amount"), relative.group("unit")
        if sign == "-" and not spaced:
            raise DateError(
                f"{text.strip()!r} is ambiguous because ids may contain '-': write"
                f" '{ref} - {amount_text}{unit_text}' for an offset",
                relative.start("sign"),
            )
        if _parses(ref, zone):
            raise DateError(
                "an offset counts from an entry id, as in 'geneva-truce + 90d', not from a date",
                relative.start("ref"),
            )
        if not _REF.fullmatch(ref):
            raise DateError(
                f"{ref!r} is not an entry id (lower-case letters, digits and '-'; "
                "'story:id' for an entry of another story)",
                relative.start("ref"),
            )
        offset = Offset(
            _amount(amount_text, relative.start("amount")),
            _unit(unit_text, relative.start("unit"), long_names=False),
        )
        return Relative(ref, 1 if sign == "+" else -1, offset, f"{ref} {sign} {offset.text}")
    try:
        return parse_edtf(text, zone)
    except DateError:
        bare = text.strip()
        hint = _file_hint(bare, zone)
        if hint is not None:
            raise DateError(hint, text.index(bare)) from None
        if _ID.fullmatch(bare) and any(character.isalpha() for character in bare):
            raise DateError(
                f"{bare!r} is not a date; to count from the entry {bare!r}, write '{bare} + 0d'",
                text.index(bare),
            ) from None
        raise


_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)", re.ASCII)
_FILE_FORMS = "EDTF dates such as 2025-06-05, 2025-06 or 2025-Q3, or 'ID + 2w'"


def _file_hint(text: str, zone: str) -> str | None:
    """What a file should hold instead of a date written as people write it (``06/05/2025``,
    ``June 5``, ``today``, ``+2w``), which only the command line reads; None otherwise."""
    if not text or _is_digits(text):
        return None
    if _EDTF_START.match(text) and not _SLASHED_DAY.fullmatch(text):
        return None  # EDTF-shaped: the EDTF message says exactly what is wrong where
    words = " ".join(text.lower().split())
    weekday = _WEEKDAY_FORM.fullmatch(words)
    if (words in _DAY_WORDS or (weekday is not None and weekday.group(2) in _WEEKDAYS)
            or any(form.fullmatch(words) for form in (_SIGNED_FORM, _IN_FORM, _AGO_FORM))):
        return (f"{text!r} counts from today, which only the command line does; a file holds"
                f" {_FILE_FORMS} to count from another entry")
    try:
        reading = parse_human_date(text, date(2000, 1, 1), zone)
    except DateError:
        return None
    if not _FOUR_DIGITS.search(text):
        return (f"{text!r} is a date as people write it, which only the command line reads;"
                f" a file holds {_FILE_FORMS}, with the year")
    return (f"{text!r} is a date as people write it, which only the command line reads; in a"
            f" file write it in EDTF: {reading.text} (read as {format_human(reading)})")


def _parses(text: str, zone: str) -> bool:
    try:
        parse_edtf(text, zone)
    except DateError:
        return False
    return True


# --- shifting ---------------------------------------------------------------------------


def shift(interval: Interval, sign: int, offset: Offset, zone: str | None = None) -> Interval:
    """``interval`` moved by ``sign`` × ``offset``, keeping precision, qualifiers and span-ness.

    All-day values move their local dates (midnight stays midnight across daylight saving
    time); timed values move their wall-clock time. Months and years are calendar-correct and
    clamp to the month's end (Jan 31 + 1mo = Feb 28, or 29). Each end moves as a unit: a day
    keeps being that day; a month, quarter or year ending at a month boundary keeps ending at
    one; a span's last unit moves as a whole (``2025-06/2025-08 + 10d`` is due from Aug 11).
    When the result no longer matches its precision's unit (``2025-05 + 10d``), its text is
    the day span it covers (``2025-05-11/2025-06-10``) and ``aligned`` is False.

    ``zone``: the zone of the file the result is written in, when it differs. A day is a
    calendar day everywhere: all-day values keep their dates there (Aug 10 in Tokyo is
    Aug 10 in New York); timed values keep their instants.
    """
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1, not {sign!r}")
    source_zone = interval.zone
    target_zone = source_zone if zone is None else zone
    points = _points_of(interval)
    first, last = points[0], points[-1]
    # A shifted value's text may be a day span; its ends still move as units of its precision.
    if not interval.span and (first is not last or first.precision != interval.precision):
        first = last = _Point(first.start, last.end, interval.precision, first.approximate,
                              first.uncertain, first.wall_zone, first.offset_text, "", "")
    if first.precision != interval.precision:
        first = _regrain(first, interval.precision, source_zone, at_end=False)
    if last.precision != interval.end_precision:
        last = _regrain(last, interval.end_precision, source_zone, at_end=True)
    if interval.span and not last.timed:
        last = replace(last, start=interval.last_unit_start)
    written = f"{format_edtf(interval)} {'+' if sign > 0 else '-'} {offset.text}"
    try:
        moved_first = _shift_point(first, sign, offset, source_zone)
        moved_last = moved_first if last is first else _shift_point(last, sign, offset,
                                                                    source_zone)
        if target_zone != source_zone:
            moved_first = _rezone(moved_first, source_zone, target_zone)
            moved_last = moved_first if last is first else _rezone(moved_last, source_zone,
                                                                   target_zone)
    except _SkippedDay as skipped:
        raise DateError(f"{written} falls on {skipped.day}, a day that {skipped.zone} skips"
                        ) from None
    except (OverflowError, ValueError):
        raise DateError(f"{written} falls outside the years 0001–9999") from None
    derived = _unit_ending_at(moved_first.start, moved_last.end, interval.end_precision,
                              target_zone)
    last_start = max(moved_first.start, moved_last.start)
    return Interval(
        start=moved_first.start,
        end=moved_last.end,
        precision=interval.precision,
        end_precision=interval.end_precision,
        approximate=interval.approximate,
        uncertain=interval.uncertain,
        span=interval.span,
        timed=interval.timed,
        zone=target_zone,
        text=_compose(moved_first, moved_last, interval.span, interval.precision,
                      interval.end_precision, target_zone),
        last_start=last_start if interval.span and last_start != derived else None,
    )


class _SkippedDay(Exception):
    def __init__(self, day: str, zone: str) -> None:
        super().__init__(day)
        self.day, self.zone = day, zone


def _rezone(point: _Point, source_zone: str, target_zone: str) -> _Point:
    """``point`` as written in ``target_zone``: the same local days, or the same instant."""
    if point.wall_zone is None:
        first, after = local_day(point.start, source_zone), local_day(point.end, source_zone)
        if point.precision == Precision.DAY and _day_start(first, target_zone) == _day_start(
            after, target_zone
        ):
            raise _SkippedDay(_day_text(first), target_zone)
        return replace(point, start=_day_start(first, target_zone),
                       end=_day_start(after, target_zone))
    point.start.astimezone(get_zone(target_zone))  # OverflowError at the calendar's ends
    point.end.astimezone(get_zone(target_zone))
    if isinstance(point.wall_zone, timezone):
        return point
    # a wall time of the other file's zone: written with its offset from now on
    offset = point.start.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    return replace(point, wall_zone=_fixed_zone(seconds), offset_text=_offset_text(seconds))


def _regrain(point: _Point, precision: Precision, zone: str, at_end: bool) -> _Point:
    """The all-day unit of ``precision`` that starts where ``point`` starts (or ends there)."""
    if point.timed or precision >= Precision.MINUTE:
        return point
    months = _MONTHS_IN_UNIT.get(precision, 0)
    if at_end:
        after = local_day(point.end, zone)
        first = add_months(after, -months) if months else after - _ONE_DAY
        start, end = _day_start(first, zone), point.end
    else:
        first = local_day(point.start, zone)
        after = add_months(first, months) if months else first + _ONE_DAY
        start, end = point.start, _day_start(after, zone)
    return _Point(start, end, precision, point.approximate, point.uncertain, None, "", "", "")


def _shift_point(point: _Point, sign: int, offset: Offset, zone: str) -> _Point:
    if point.wall_zone is not None:
        wall = point.start.astimezone(point.wall_zone).replace(tzinfo=None)
        moved = datetime.combine(offset.move(wall.date(), sign), wall.time())
        start, _ = _resolve_wall(moved, point.wall_zone)
        end = _in_wall_zone(start + (point.end - point.start), point.wall_zone)
    else:
        first, after = local_day(point.start, zone), local_day(point.end, zone)
        new_first = offset.move(first, sign)
        if offset.unit in ("d", "w") or (point.precision < Precision.DAY and after.day == 1):
            new_after = offset.move(after, sign)
        else:  # the last day moves as a day: Jan 30 + 1mo ends on Feb 28, not before it
            new_after = offset.move(after - _ONE_DAY, sign) + _ONE_DAY
        start, end = _day_start(new_first, zone), _day_start(new_after, zone)
        if point.precision == Precision.DAY and start == _day_start(new_first + _ONE_DAY, zone):
            raise _SkippedDay(_day_text(new_first), zone)
    start.astimezone(UTC)
    end.astimezone(UTC)
    return _Point(start, end, point.precision, point.approximate, point.uncertain,
                  point.wall_zone, point.offset_text, point.unspecified, "")


# --- formatting -------------------------------------------------------------------------


def _unit_text(first: date, after: date, precision: Precision) -> str | None:
    """EDTF for the all-day unit [first, after) at ``precision``, or None if it is not one."""
    if precision >= Precision.DAY:
        return _day_text(first) if after - first == _ONE_DAY else None
    if first.day != 1 or first.month not in _UNIT_FIRST_MONTHS[precision]:
        return None
    year = f"{first.year:04d}"
    if precision == Precision.YEAR:
        years = after.year - first.year
        digits = {1: 0, 10: 1, 100: 2}.get(years)
        if (after.month, after.day) != (1, 1) or digits is None or first.year % years:
            return None
        return year[: 4 - digits] + "X" * digits
    try:
        if after != add_months(first, _MONTHS_IN_UNIT[precision]):
            return None
    except ValueError:
        return None
    if precision == Precision.MONTH:
        return f"{year}-{first.month:02d}"
    if precision == Precision.QUARTER:
        return f"{year}-Q{(first.month + 2) // 3}"
    if precision == Precision.HALF:
        return f"{year}-H{(first.month + 5) // 6}"
    return f"{year}-{20 + first.month // 3}"


def _point_text(point: _Point, zone: str) -> str | None:
    """The EDTF of one point without its qualifier, or None when it is not a whole unit."""
    if point.wall_zone is not None:
        wall = point.start.astimezone(point.wall_zone)
        clock = "%H:%M:%S" if point.precision == Precision.SECOND else "%H:%M"
        return f"{_day_text(wall.date())}T{wall.strftime(clock)}{point.offset_text}"
    first, after = local_day(point.start, zone), local_day(point.end, zone)
    if point.start != _day_start(first, zone) or point.end != _day_start(after, zone):
        return None
    text = _unit_text(first, after, point.precision)
    if text is not None and point.unspecified and "X" not in text:
        text += point.unspecified
    return text


def _compose(first: _Point, last: _Point, span: bool, precision: Precision,
             end_precision: Precision, zone: str) -> str:
    """EDTF text for the range from ``first``'s start to ``last``'s end."""
    first_mark = _qualifier(first.approximate, first.uncertain)
    last_mark = _qualifier(last.approximate, last.uncertain)

    def start_text(point: _Point) -> str:
        return (_point_text(point, zone)
                or _point_text(_regrain(point, precision, zone, at_end=False), zone)
                or _day_text(local_day(point.start, zone)))

    def end_text(point: _Point) -> str:
        return (_point_text(point, zone)
                or _point_text(_regrain(point, end_precision, zone, at_end=True), zone)
                or _day_text(local_day(point.end - _ONE_MICROSECOND, zone)))

    if span:
        return f"{start_text(first)}{first_mark}/{end_text(last)}{last_mark}"
    whole = _Point(first.start, last.end, precision, first.approximate, first.uncertain,
                   first.wall_zone, first.offset_text,
                   first.unspecified if first is last else "", "")
    text = _point_text(whole, zone)
    if text is not None:
        return text + first_mark
    # No longer one unit (2025-05 + 10d): the units or days at its two ends.
    return f"{start_text(whole)}{first_mark}/{end_text(whole)}{last_mark}"


def format_edtf(interval: Interval) -> str:
    """The canonical EDTF text: ``interval.text``, or composed from the fields when empty."""
    if interval.text:
        return interval.text
    return _compose_from_fields(interval)


def _timed_point(interval: Interval, moment: datetime, precision: Precision,
                 at_end: bool) -> _Point:
    """The minute or second that starts at ``moment`` (or ends there, when ``at_end``)."""
    length = _TIMED_LENGTH[precision]
    start = moment - length if at_end else moment
    zone_info = get_zone(interval.zone)
    wall = start.astimezone(zone_info).replace(tzinfo=None)
    offset = start.utcoffset()
    assert offset is not None
    # Leave the offset out only when the zone's wall time reads back as this very instant.
    if offset == start.astimezone(zone_info).utcoffset() and (
        _resolve_wall(wall, zone_info)[0] == start
    ):
        wall_zone: tzinfo = zone_info
        offset_text = ""
    else:
        seconds = int(offset.total_seconds())
        wall_zone, offset_text = _fixed_zone(seconds), _offset_text(seconds)
    return _Point(start, start + length, precision, interval.approximate, interval.uncertain,
                  wall_zone, offset_text, "", "")


def _compose_from_fields(interval: Interval) -> str:
    def end_point(moment: datetime, precision: Precision, at_end: bool) -> _Point:
        if precision >= Precision.MINUTE:
            return _timed_point(interval, moment, precision, at_end)
        return _Point(interval.start, interval.end, precision, interval.approximate,
                      interval.uncertain, None, "", "", "")

    first = end_point(interval.start, interval.precision, at_end=False)
    last = end_point(interval.end, interval.end_precision, at_end=True)
    return _compose(first, first if not interval.span else last, interval.span,
                    interval.precision, interval.end_precision, interval.zone)


def _qualify(label: str, approximate: bool, uncertain: bool) -> str:
    return f"{'~' if approximate else ''}{label}{'?' if uncertain else ''}"


def _day_label(day: date) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}, {day.year}"


def _clock_label(point: _Point, zone: str) -> tuple[date, str, str]:
    local = point.start.astimezone(get_zone(zone))
    clock = local.strftime("%H:%M:%S" if point.precision == Precision.SECOND else "%H:%M")
    return local.date(), clock, local.tzname() or zone


def _label(point: _Point, zone: str) -> str:
    """A point as people read it, without qualifiers."""
    if point.timed:
        day, clock, abbreviation = _clock_label(point, zone)
        return f"{_day_label(day)} {clock} {abbreviation}"
    first, after = local_day(point.start, zone), local_day(point.end, zone)
    precision = point.precision
    if precision == Precision.DAY:
        return _day_label(first)
    if precision == Precision.MONTH:
        return f"{MONTH_ABBREVIATIONS[first.month - 1]} {first.year}"
    if precision == Precision.QUARTER:
        return f"Q{(first.month + 2) // 3} {first.year}"
    if precision == Precision.HALF:
        return f"H{(first.month + 5) // 6} {first.year}"
    if precision == Precision.SEASON:
        season = 20 + first.month // 3
        if season == 24:
            return f"Winter {first.year}–{first.year + 1}"
        return f"{SEASON_NAMES[season]} {first.year}"
    years = after.year - first.year
    if years == 1:
        return str(first.year)
    if years == 10 and first.year % 10 == 0:
        return f"{first.year}s"
    return f"{first.year}–{after.year - 1}"


def period_label(interval: Interval) -> str:
    """The unit a date starts in, as people name it, without qualifiers: ``August 2025``,
    ``Q3 2025``, ``Winter 2025–2026``, ``2025``, ``2010s``: where an entry is listed."""
    zone = interval.zone
    first = _points_of(interval)[0]
    if first.precision >= Precision.MONTH or first.timed:
        day = local_day(first.start, zone)
        return f"{MONTH_NAMES[day.month - 1]} {day.year}"
    return _label(first, zone)


def format_human(interval: Interval) -> str:
    """How people read the date: ``May 12, 2025``, ``~Jun 2025?``, ``Jun 9–10, 2025``.

    Timed values are shown in the interval's zone with its abbreviation; a shifted value that
    no longer matches its precision's unit is shown as the days it covers.
    """
    zone = interval.zone
    points = _points_of(interval)
    if len(points) == 1:
        point = points[0]
        return _qualify(_label(point, zone), point.approximate, point.uncertain)
    first, last = points
    same_marks = (first.approximate, first.uncertain) == (last.approximate, last.uncertain)
    compact = _compact_span(first, last, zone) if same_marks else None
    if compact is not None:
        return _qualify(compact, first.approximate, first.uncertain)
    return (f"{_qualify(_label(first, zone), first.approximate, first.uncertain)}"
            f" – {_qualify(_label(last, zone), last.approximate, last.uncertain)}")


def _compact_span(first: _Point, last: _Point, zone: str) -> str | None:
    """A span written once where its ends share a year or month; None when they do not."""
    if first.precision != last.precision:
        return None
    start_day = local_day(first.start, zone)
    end_day = local_day(last.start, zone)
    if first.timed and last.timed:
        day, start_clock, start_zone = _clock_label(first, zone)
        end_date, end_clock, end_zone = _clock_label(last, zone)
        if day != end_date:
            return None
        if start_zone != end_zone:
            return f"{_day_label(day)} {start_clock} {start_zone} – {end_clock} {end_zone}"
        if start_clock == end_clock:
            return f"{_day_label(day)} {start_clock} {start_zone}"
        return f"{_day_label(day)} {start_clock}–{end_clock} {start_zone}"
    if first.timed or last.timed:
        return None
    start_month = MONTH_ABBREVIATIONS[start_day.month - 1]
    end_month = MONTH_ABBREVIATIONS[end_day.month - 1]
    if first.precision == Precision.DAY:
        if start_day == end_day:
            return _day_label(start_day)
        if start_day.year != end_day.year:
            return None
        if start_day.month == end_day.month:
            return f"{start_month} {start_day.day}–{end_day.day}, {start_day.year}"
        return f"{start_month} {start_day.day} – {end_month} {end_day.day}, {start_day.year}"
    if first.precision == Precision.MONTH and start_day.year == end_day.year:
        if start_day.month == end_day.month:
            return f"{start_month} {start_day.year}"
        return f"{start_month}–{end_month} {start_day.year}"
    if first.start == last.start and first.end == last.end:
        return _label(first, zone)
    return None


# --- dates as people write them ---------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_WEEKDAY_FORM = re.compile(r"(?:(next|last|this)\s+)?([a-z]+)", re.ASCII)
_SIGNED_FORM = re.compile(r"([+-])\s*(\d+)\s*([a-z]+)", re.ASCII)
_IN_FORM = re.compile(r"in\s+(\d+)\s*([a-z]+)", re.ASCII)
_AGO_FORM = re.compile(r"(\d+)\s*([a-z]+)\s+ago", re.ASCII)
_EDTF_START = re.compile(r"[0-9Xx]{4}(?:[-/~?%Tt]|$)", re.ASCII)
_EDTF_NOTATION = re.compile(r"[/~?%XxQqHh]|\.\.", re.ASCII)
_SLASHED_DAY = re.compile(r"\d{4}/\d{1,2}/\d{1,2}", re.ASCII)
_DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def parse_human_date(text: str, today: date, zone: str = "UTC") -> Interval:
    """A date typed on the command line, counted from ``today`` (never the clock).

    Accepts any EDTF value (returned as written, e.g. a month stays a month); ``today``,
    ``tomorrow``, ``yesterday``; ``+2w``, ``-3d``, ``in 2 weeks``, ``3 days ago``; ``friday``
    (the next one, today included), ``next friday`` (today excluded), ``last monday``; and
    dates such as ``June 5`` (this year), ``aug 10 2025``, ``10 Aug 2025``, ``2025/08/10``,
    ``8/10/2025`` (month first), with an optional time (``aug 10 2025 10:00``). A month
    without a day (``aug 2025``) means that month. Anything else is a :class:`DateError`.
    """
    get_zone(zone)
    stripped = text.strip()
    try:
        return _read_human(text, stripped, today, zone)
    except OverflowError:
        raise DateError(f"{stripped!r} falls outside the years 0001–9999", 0) from None


def _read_human(text: str, stripped: str, today: date, zone: str) -> Interval:
    words = " ".join(stripped.lower().split())
    if not words:
        raise DateError(f"empty date; {_HINT}", 0)
    if words in _DAY_WORDS:
        return _day_interval(today + timedelta(days=_DAY_WORDS[words]), zone)
    counted = _counted_days(words, today)
    if counted is not None:
        return _day_interval(counted, zone)
    weekday = _WEEKDAY_FORM.fullmatch(words)
    if weekday and weekday.group(2) in _WEEKDAYS:
        target = _WEEKDAYS[weekday.group(2)]
        if weekday.group(1) == "last":
            return _day_interval(today - timedelta(days=(today.weekday() - target) % 7 or 7), zone)
        ahead = (target - today.weekday()) % 7
        if weekday.group(1) == "next":
            ahead = ahead or 7
        return _day_interval(today + timedelta(days=ahead), zone)
    try:
        return parse_edtf(stripped, zone)
    except DateError as edtf_error:
        located = DateError(edtf_error.message, edtf_error.offset + text.index(stripped))
        looks_like_edtf = _EDTF_START.match(stripped) is not None
        # EDTF-only notation (spans, qualifiers, X, Q, H) must not be half-read by dateutil.
        if looks_like_edtf and _EDTF_NOTATION.search(stripped) and not _SLASHED_DAY.fullmatch(
            stripped
        ):
            raise located from None
        written = _read_with_dateutil(stripped, today, zone)
        if written is not None:
            return written
        if looks_like_edtf:
            raise located from None
        raise DateError(f"cannot read {stripped!r} as a date; {_HINT}", 0) from None


def _day_interval(day: date, zone: str) -> Interval:
    return parse_edtf(_day_text(day), zone)


def _counted_days(words: str, today: date) -> date | None:
    """``+2w``, ``-3d``, ``in 2 weeks``, ``3 days ago`` → the day; None for other text."""
    signed = _SIGNED_FORM.fullmatch(words)
    if signed:
        sign, amount, unit = 1 if signed.group(1) == "+" else -1, signed.group(2), signed.group(3)
    elif ahead := _IN_FORM.fullmatch(words):
        sign, amount, unit = 1, ahead.group(1), ahead.group(2)
    elif ago := _AGO_FORM.fullmatch(words):
        sign, amount, unit = -1, ago.group(1), ago.group(2)
    else:
        return None
    offset = Offset(_amount(amount, 0), _unit(unit, 0, long_names=True))
    try:
        return offset.move(today, sign)
    except (OverflowError, ValueError):
        raise DateError(f"{words!r} falls outside the years 0001–9999", 0) from None


def _read_with_dateutil(text: str, today: date, zone: str) -> Interval | None:
    """Read ``text`` with dateutil (fuzzy off); None when it cannot."""
    from dateutil import parser

    zone_names: list[str] = []

    def offsets(name: str | None, seconds: int | None) -> tzinfo | None:
        if seconds is not None:
            return _fixed_zone(seconds)
        if name:
            zone_names.append(name)
        return None

    # Two readings with different defaults tell which parts were written.
    other_day = 2 if today.day == 1 else 1
    other_month = 2 if today.month == 1 else 1
    try:  # dateutil reads untrusted text: any failure of it means "cannot read"
        reading = parser.parse(text, default=datetime(today.year, today.month, today.day),
                               fuzzy=False, tzinfos=offsets)
        probe = parser.parse(
            text, default=datetime(today.year, other_month, other_day, 13, 37, 42),
            fuzzy=False, tzinfos=offsets,
        )
    except Exception:
        return None
    has_time = reading.hour == probe.hour
    has_day = reading.day == probe.day
    has_month = reading.month == probe.month
    has_second = has_time and reading.second == probe.second
    if not has_time:
        if has_day:
            return _day_interval(reading.date(), zone)
        if has_month:
            return parse_edtf(f"{reading.year:04d}-{reading.month:02d}", zone)
        return parse_edtf(f"{reading.year:04d}", zone)
    clock = "%H:%M:%S" if has_second else "%H:%M"
    written = f"{_day_text(reading.date())}T{reading.strftime(clock)}"
    offset = reading.utcoffset()
    if offset is not None:
        written += _offset_text(int(offset.total_seconds()))
    elif zone_names:
        interval = parse_edtf(written, zone)
        if interval.start.astimezone(get_zone(zone)).tzname() != zone_names[0]:
            raise DateError(
                f"unknown time zone name {zone_names[0]!r}: write an offset such as -04:00",
                text.find(zone_names[0]) if zone_names[0] in text else 0,
            )
    return parse_edtf(written, zone)

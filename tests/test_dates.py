"""Tests of dates: EDTF forms, errors, shifting, display, human dates, and their properties."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from policy_timeline.dates import (
    DateError,
    Interval,
    Offset,
    Precision,
    Relative,
    format_edtf,
    format_human,
    get_zone,
    local_day,
    parse_date,
    parse_duration,
    parse_edtf,
    parse_human_date,
    parse_offset,
    shift,
)

NEW_YORK = "America/New_York"
EDT = timezone(timedelta(hours=-4))
EST = timezone(timedelta(hours=-5))
IST = timezone(timedelta(hours=5, minutes=30))
P = Precision


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
       tz: timezone = UTC) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


# --- every form -------------------------------------------------------------------------

FORMS = [
    # text, zone, start, end, precision, end_precision, (approximate, uncertain), shown as
    ("2025", "UTC", at(2025, 1, 1), at(2026, 1, 1), P.YEAR, P.YEAR, (False, False), "2025"),
    ("2025-05", "UTC", at(2025, 5, 1), at(2025, 6, 1), P.MONTH, P.MONTH, (False, False),
     "May 2025"),
    ("2025-05-12", NEW_YORK, at(2025, 5, 12, tz=EDT), at(2025, 5, 13, tz=EDT), P.DAY, P.DAY,
     (False, False), "May 12, 2025"),
    ("2025-08-12T00:01", NEW_YORK, at(2025, 8, 12, 0, 1, tz=EDT), at(2025, 8, 12, 0, 2, tz=EDT),
     P.MINUTE, P.MINUTE, (False, False), "Aug 12, 2025 00:01 EDT"),
    ("2025-08-12T00:01-04:00", NEW_YORK, at(2025, 8, 12, 0, 1, tz=EDT),
     at(2025, 8, 12, 0, 2, tz=EDT), P.MINUTE, P.MINUTE, (False, False),
     "Aug 12, 2025 00:01 EDT"),
    ("2025-08-12T04:01Z", NEW_YORK, at(2025, 8, 12, 0, 1, tz=EDT), at(2025, 8, 12, 0, 2, tz=EDT),
     P.MINUTE, P.MINUTE, (False, False), "Aug 12, 2025 00:01 EDT"),
    ("2025-08-12T00:01:30", "UTC", at(2025, 8, 12, 0, 1, 30), at(2025, 8, 12, 0, 1, 31),
     P.SECOND, P.SECOND, (False, False), "Aug 12, 2025 00:01:30 UTC"),
    ("2025-01-15T10:00+05:30", "UTC", at(2025, 1, 15, 10, tz=IST), at(2025, 1, 15, 10, 1, tz=IST),
     P.MINUTE, P.MINUTE, (False, False), "Jan 15, 2025 04:30 UTC"),
    ("2025-01-15T10:00", NEW_YORK, at(2025, 1, 15, 10, tz=EST), at(2025, 1, 15, 10, 1, tz=EST),
     P.MINUTE, P.MINUTE, (False, False), "Jan 15, 2025 10:00 EST"),
    ("2025-06~", "UTC", at(2025, 6, 1), at(2025, 7, 1), P.MONTH, P.MONTH, (True, False),
     "~Jun 2025"),
    ("2025-06-10?", "UTC", at(2025, 6, 10), at(2025, 6, 11), P.DAY, P.DAY, (False, True),
     "Jun 10, 2025?"),
    ("2025-06%", "UTC", at(2025, 6, 1), at(2025, 7, 1), P.MONTH, P.MONTH, (True, True),
     "~Jun 2025?"),
    ("2025-Q1", "UTC", at(2025, 1, 1), at(2025, 4, 1), P.QUARTER, P.QUARTER, (False, False),
     "Q1 2025"),
    ("2025-Q3", "UTC", at(2025, 7, 1), at(2025, 10, 1), P.QUARTER, P.QUARTER, (False, False),
     "Q3 2025"),
    ("2025-H1", "UTC", at(2025, 1, 1), at(2025, 7, 1), P.HALF, P.HALF, (False, False), "H1 2025"),
    ("2025-H2", "UTC", at(2025, 7, 1), at(2026, 1, 1), P.HALF, P.HALF, (False, False), "H2 2025"),
    ("2025-21", "UTC", at(2025, 3, 1), at(2025, 6, 1), P.SEASON, P.SEASON, (False, False),
     "Spring 2025"),
    ("2025-22", "UTC", at(2025, 6, 1), at(2025, 9, 1), P.SEASON, P.SEASON, (False, False),
     "Summer 2025"),
    ("2025-23", "UTC", at(2025, 9, 1), at(2025, 12, 1), P.SEASON, P.SEASON, (False, False),
     "Autumn 2025"),
    ("2025-24", "UTC", at(2025, 12, 1), at(2026, 3, 1), P.SEASON, P.SEASON, (False, False),
     "Winter 2025–2026"),
    ("201X", "UTC", at(2010, 1, 1), at(2020, 1, 1), P.YEAR, P.YEAR, (False, False), "2010s"),
    ("20XX", "UTC", at(2000, 1, 1), at(2100, 1, 1), P.YEAR, P.YEAR, (False, False),
     "2000–2099"),
    ("2025-XX", "UTC", at(2025, 1, 1), at(2026, 1, 1), P.YEAR, P.YEAR, (False, False), "2025"),
    ("2025-XX-XX", "UTC", at(2025, 1, 1), at(2026, 1, 1), P.YEAR, P.YEAR, (False, False), "2025"),
    ("2025-05-XX", "UTC", at(2025, 5, 1), at(2025, 6, 1), P.MONTH, P.MONTH, (False, False),
     "May 2025"),
    ("201X~", "UTC", at(2010, 1, 1), at(2020, 1, 1), P.YEAR, P.YEAR, (True, False), "~2010s"),
    ("2025-06-09/2025-06-10", "UTC", at(2025, 6, 9), at(2025, 6, 11), P.DAY, P.DAY,
     (False, False), "Jun 9–10, 2025"),
    ("2025-06-30/2025-07-02", "UTC", at(2025, 6, 30), at(2025, 7, 3), P.DAY, P.DAY,
     (False, False), "Jun 30 – Jul 2, 2025"),
    ("2025-12-30/2026-01-02", "UTC", at(2025, 12, 30), at(2026, 1, 3), P.DAY, P.DAY,
     (False, False), "Dec 30, 2025 – Jan 2, 2026"),
    ("2025-05/2025-07", "UTC", at(2025, 5, 1), at(2025, 8, 1), P.MONTH, P.MONTH, (False, False),
     "May–Jul 2025"),
    ("2025-12/2026-02", "UTC", at(2025, 12, 1), at(2026, 3, 1), P.MONTH, P.MONTH, (False, False),
     "Dec 2025 – Feb 2026"),
    ("2025-06/2025-07-15", "UTC", at(2025, 6, 1), at(2025, 7, 16), P.MONTH, P.DAY, (False, False),
     "Jun 2025 – Jul 15, 2025"),
    ("2025-06~/2025-07-15", "UTC", at(2025, 6, 1), at(2025, 7, 16), P.MONTH, P.DAY,
     (True, False), "~Jun 2025 – Jul 15, 2025"),
    ("2025-06-09~/2025-06-10~", "UTC", at(2025, 6, 9), at(2025, 6, 11), P.DAY, P.DAY,
     (True, False), "~Jun 9–10, 2025"),
    ("2025-06-09/2025-06-09", "UTC", at(2025, 6, 9), at(2025, 6, 10), P.DAY, P.DAY,
     (False, False), "Jun 9, 2025"),
    ("2024/2026", "UTC", at(2024, 1, 1), at(2027, 1, 1), P.YEAR, P.YEAR, (False, False),
     "2024 – 2026"),
    ("2025-Q1/2025-Q2", "UTC", at(2025, 1, 1), at(2025, 7, 1), P.QUARTER, P.QUARTER,
     (False, False), "Q1 2025 – Q2 2025"),
    ("2025-08-12T00:01/2025-08-12T05:00", NEW_YORK, at(2025, 8, 12, 0, 1, tz=EDT),
     at(2025, 8, 12, 5, 1, tz=EDT), P.MINUTE, P.MINUTE, (False, False),
     "Aug 12, 2025 00:01–05:00 EDT"),
    ("2025-08-11/2025-08-12T05:00", NEW_YORK, at(2025, 8, 11, tz=EDT),
     at(2025, 8, 12, 5, 1, tz=EDT), P.DAY, P.MINUTE, (False, False),
     "Aug 11, 2025 – Aug 12, 2025 05:00 EDT"),
    # a day that daylight saving time makes 23 hours long
    ("2025-03-09", NEW_YORK, at(2025, 3, 9, tz=EST), at(2025, 3, 10, tz=EDT), P.DAY, P.DAY,
     (False, False), "Mar 9, 2025"),
]


@pytest.mark.parametrize(
    ("text", "zone", "start", "end", "precision", "end_precision", "marks", "shown"),
    FORMS,
    ids=[form[0] for form in FORMS],
)
def test_forms(text: str, zone: str, start: datetime, end: datetime, precision: Precision,
               end_precision: Precision, marks: tuple[bool, bool], shown: str) -> None:
    interval = parse_edtf(text, zone)
    assert (interval.start, interval.end) == (start, end)
    assert (interval.precision, interval.end_precision) == (precision, end_precision)
    assert (interval.approximate, interval.uncertain) == marks
    assert interval.span == ("/" in text)
    assert interval.timed == ("T" in text)
    assert interval.zone == zone
    assert interval.text == text == format_edtf(interval)
    assert interval.aligned
    assert format_human(interval) == shown
    assert parse_date(text, zone) == interval


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("2025-05-12t10:00z", "2025-05-12T10:00Z"),
        ("2025-05-12T10:00+00:00", "2025-05-12T10:00Z"),
        ("2025-05-12T10:00-00:00", "2025-05-12T10:00Z"),
        ("2025-05-12T10:00+0530", "2025-05-12T10:00+05:30"),
        ("2025-05-12T10:00+05", "2025-05-12T10:00+05:00"),
        ("201x", "201X"),
        ("2025-q3", "2025-Q3"),
        ("2025-h1", "2025-H1"),
        ("2025-05-xx", "2025-05-XX"),
        ("  2025-06-09 / 2025-06-10 ", "2025-06-09/2025-06-10"),
    ],
)
def test_written_forms_are_normalised(written: str, canonical: str) -> None:
    assert parse_edtf(written).text == canonical
    assert parse_edtf(written) == parse_edtf(canonical)


def test_ambiguous_wall_time_means_first_occurrence() -> None:
    interval = parse_edtf("2025-11-02T01:30", NEW_YORK)
    assert interval.start == at(2025, 11, 2, 1, 30, tz=EDT)
    assert parse_edtf("2025-11-02T01:30-05:00", NEW_YORK).start == at(2025, 11, 2, 6, 30)


def test_day_with_daylight_saving_change_at_midnight() -> None:
    # Santiago moves its clocks from 00:00 to 01:00: that day begins at 01:00.
    interval = parse_edtf("2025-09-07", "America/Santiago")
    assert interval.start == at(2025, 9, 7, 4)
    assert interval.start.astimezone(get_zone("America/Santiago")).hour == 1
    assert parse_edtf("2025-09-06", "America/Santiago").end == interval.start


def test_interval_helpers() -> None:
    interval = parse_edtf("2025-05", NEW_YORK)
    assert interval.first_day == date(2025, 5, 1)
    assert interval.last_day == date(2025, 5, 31)
    assert interval.sort_key() == (at(2025, 5, 1, 4), int(P.MONTH))
    assert str(interval) == "2025-05"
    timed = parse_edtf("2025-08-12T23:30-04:00", "UTC")
    assert (timed.first_day, timed.last_day) == (date(2025, 8, 13), date(2025, 8, 13))


def test_intervals_are_usable_as_keys() -> None:
    assert len({parse_edtf("2025-05"), parse_edtf("2025-05"), parse_edtf("2025-06")}) == 2


def test_interval_rejects_naive_or_empty() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2025, 1, 1), at(2025, 1, 2), P.DAY, P.DAY, False, False, False, False,
                 "UTC", "")
    with pytest.raises(ValueError, match="ends before"):
        Interval(at(2025, 1, 2), at(2025, 1, 2), P.DAY, P.DAY, False, False, False, False,
                 "UTC", "")


# --- every error ------------------------------------------------------------------------

ERRORS = [
    # text, message fragment, offset
    ("", "empty date", 0),
    ("   ", "empty date", 0),
    ("2025-02-30", "February 2025 has 28 days", 8),
    ("2024-02-30", "February 2024 has 29 days", 8),
    ("2025-04-31", "April 2025 has 30 days", 8),
    ("2025-05-00", "there is no day 00", 8),
    ("2025-13", "there is no month 13", 5),
    ("2025-00", "there is no month 00", 5),
    ("2025-42", "there is no month 42", 5),
    ("2025-25", "season 25 is EDTF level 2", 5),
    ("2025-Q5", "there is no quarter Q5", 5),
    ("2025-H3", "there is no half H3", 5),
    ("2025-5", "two digits", 5),
    ("2025-05-1", "two digits", 8),
    ("2025-Q1-01", "cannot have a day", 7),
    ("2025-XX-12", "a day needs a known month", 8),
    ("201X-05", "cannot have a month", 4),
    ("2XXX", "last one or two digits", 1),
    ("2X25", "must come last", 1),
    ("0000", "there is no year 0000", 0),
    ("000X", "years 0001–9999", 0),
    ("-2025", "years 0001–9999", 0),
    ("Y12345", "years 0001–9999", 0),
    ("12345", "years 0001–9999", 0),
    ("25", "four digits", 0),
    ("20250512", "with dashes", 0),
    ("9999-12-31", "the last day that can be used is 9999-12-30", 0),
    ("2025-08-12T25:00", "there is no hour 25", 11),
    ("2025-08-12T24:00", "24:00 is not supported", 11),
    ("2025-08-12T10:60", "there is no minute 60", 14),
    ("2025-08-12T10:00:60", "there is no second 60", 17),
    ("2025-08-12T10:00.5", "fractional seconds", 16),
    ("2025-08-12T10", "HH:MM", 11),
    ("2025-05T10:00", "a time needs a full date", 7),
    ("2025-08-12T10:00+24:00", "there is no offset", 16),
    ("2025-08-12T10:00+1", "write an offset", 16),
    ("2025-08-12 10:00", "join a date and a time with T", 10),
    ("2025-03-09T02:30", "does not exist in America/New_York", 11),
    ("2025-06-10~?", "write one qualifier", 11),
    ("2025-05-12x", "unexpected 'x'", 10),
    ("banana", "expected a date", 0),
    ("2025-06/..", "open-ended spans are not supported: write both ends", 8),
    ("../2025", "open-ended spans are not supported", 0),
    ("2025-06/", "open-ended spans are not supported", 7),
    ("/2025-06", "open-ended spans are not supported", 0),
    ("2025-06-10/2025-06-09", "ends before it starts", 11),
    ("2025-06/2025-05", "ends before it starts", 8),
    ("2025/2026/2027", "exactly two ends", 9),
    ("2025-06-10/2025-02-30", "February 2025 has 28 days", 19),
    ("  2025-02-30", "February 2025 has 28 days", 10),
    ("2025-0²", "expected a month", 5),
    ("2025-05-1²", "two digits", 8),
    ("２０２５", "expected a date", 0),
    ("2025-05-12T1٠:00", "HH:MM", 11),
]


@pytest.mark.parametrize(("text", "message", "offset"), ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_errors(text: str, message: str, offset: int) -> None:
    with pytest.raises(DateError) as caught:
        parse_edtf(text, NEW_YORK)
    assert message in caught.value.message
    assert str(caught.value) == caught.value.message
    assert caught.value.offset == offset
    assert isinstance(caught.value, ValueError)


def test_unknown_zone() -> None:
    with pytest.raises(DateError, match="unknown time zone 'Mars/Olympus'"):
        parse_edtf("2025", "Mars/Olympus")
    for name in ("", "../etc/passwd", "America"):
        with pytest.raises(DateError, match="unknown time zone"):
            get_zone(name)
    assert get_zone(NEW_YORK) is get_zone(NEW_YORK)


# --- relative dates and offsets ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref", "sign", "offset", "canonical"),
    [
        ("geneva-truce + 90d", "geneva-truce", 1, Offset(90, "d"), "geneva-truce + 90d"),
        ("geneva-truce+90d", "geneva-truce", 1, Offset(90, "d"), "geneva-truce + 90d"),
        ("x - 2w", "x", -1, Offset(2, "w"), "x - 2w"),
        ("x -2w", "x", -1, Offset(2, "w"), "x - 2w"),
        ("x- 2w", "x", -1, Offset(2, "w"), "x - 2w"),
        ("a-b-c + 3mo", "a-b-c", 1, Offset(3, "mo"), "a-b-c + 3mo"),
        ("2025-summit - 1y", "2025-summit", -1, Offset(1, "y"), "2025-summit - 1y"),
        ("  t + 0d  ", "t", 1, Offset(0, "d"), "t + 0d"),
        ("t + 5D", "t", 1, Offset(5, "d"), "t + 5d"),
    ],
)
def test_relative(text: str, ref: str, sign: int, offset: Offset, canonical: str) -> None:
    assert parse_date(text) == Relative(ref, sign, offset, canonical)
    assert str(parse_date(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("a-3d", "ambiguous", 1),
        ("geneva-truce-90d", "write 'geneva-truce - 90d'", 12),
        ("2025-05-12 + 3d", "not from a date", 0),
        ("Geneva + 3d", "not an entry id", 0),
        ("geneva-truce", "write 'geneva-truce + 0d'", 0),
        ("x + 3m", "'mo'", 5),
        ("x + 3 days", "write the unit short", 6),
        ("x + 3h", "unknown unit 'h'", 5),
        ("x + 1234567d", "too large", 4),
        ("x + ٣d", "four digits", 0),
    ],
)
def test_relative_errors(text: str, message: str, offset: int) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert message in caught.value.message
    assert caught.value.offset == offset


@pytest.mark.parametrize(
    ("text", "offset"),
    [("14d", Offset(14, "d")), ("2w", Offset(2, "w")), ("3mo", Offset(3, "mo")),
     ("1y", Offset(1, "y")), (" 30d ", Offset(30, "d")), ("0d", Offset(0, "d"))],
)
def test_parse_offset(text: str, offset: Offset) -> None:
    assert parse_offset(text) == offset
    assert parse_offset(text).text == text.strip()
    assert parse_duration(text) == offset


@pytest.mark.parametrize(
    ("text", "offset"),
    [("14 days", Offset(14, "d")), ("1 day", Offset(1, "d")), ("2 weeks", Offset(2, "w")),
     ("1 month", Offset(1, "mo")), ("3 years", Offset(3, "y")), ("6 Months", Offset(6, "mo"))],
)
def test_parse_duration_words(text: str, offset: Offset) -> None:
    assert parse_duration(text) == offset
    with pytest.raises(DateError, match="write the unit short"):
        parse_offset(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty offset"), ("-1d", "without a sign"), ("+1d", "without a sign"),
     ("1m", "'mo'"), ("1h", "unknown unit"), ("d", "cannot read"), ("1.5d", "cannot read")],
)
def test_offset_errors(text: str, message: str) -> None:
    for parse in (parse_offset, parse_duration):
        with pytest.raises(DateError, match=message):
            parse(text)


def test_offset_values() -> None:
    from dateutil.relativedelta import relativedelta

    assert Offset(90, "d").text == "90d" == str(Offset(90, "d"))
    assert Offset(2, "w").delta == relativedelta(days=14)
    assert Offset(3, "mo").delta == relativedelta(months=3)
    assert Offset(1, "y").delta == relativedelta(years=1)
    with pytest.raises(DateError):
        Offset(-1, "d")
    with pytest.raises(DateError):
        Offset(1, "m")


# --- shifting ---------------------------------------------------------------------------

SHIFTS = [
    # text, zone, sign, offset, result text, aligned, shown as
    ("2025-05-12", "UTC", 1, "90d", "2025-08-10", True, "Aug 10, 2025"),
    ("2025-01-31", "UTC", 1, "1mo", "2025-02-28", True, "Feb 28, 2025"),
    ("2024-01-31", "UTC", 1, "1mo", "2024-02-29", True, "Feb 29, 2024"),
    ("2025-01-30", "UTC", 1, "1mo", "2025-02-28", True, "Feb 28, 2025"),
    ("2024-02-29", "UTC", 1, "1y", "2025-02-28", True, "Feb 28, 2025"),
    ("2025-03-31", "UTC", -1, "1mo", "2025-02-28", True, "Feb 28, 2025"),
    ("2025-05", "UTC", 1, "1mo", "2025-06", True, "Jun 2025"),
    ("2025-02", "UTC", 1, "1mo", "2025-03", True, "Mar 2025"),
    ("2025-05", "UTC", 1, "10d", "2025-05-11/2025-06-10", False, "May 11 – Jun 10, 2025"),
    ("2025-05~", "UTC", 1, "10d", "2025-05-11~/2025-06-10~", False, "~May 11 – Jun 10, 2025"),
    ("2025-Q3", "UTC", 1, "3mo", "2025-Q4", True, "Q4 2025"),
    ("2025-H2", "UTC", 1, "6mo", "2026-H1", True, "H1 2026"),
    ("2025-24", "UTC", 1, "1y", "2026-24", True, "Winter 2026–2027"),
    ("2025", "UTC", -1, "1y", "2024", True, "2024"),
    ("201X", "UTC", 1, "10y", "202X", True, "2020s"),
    ("2025-XX", "UTC", 1, "1y", "2026-XX", True, "2026"),
    ("2025-06%", "UTC", 1, "2w", "2025-06-15%/2025-07-14%", False, "~Jun 15 – Jul 14, 2025?"),
    ("2025-06~/2025-07-15", "UTC", 1, "1mo", "2025-07~/2025-08-15", True,
     "~Jul 2025 – Aug 15, 2025"),
    ("2025-06-09/2025-06-10", "UTC", 1, "1w", "2025-06-16/2025-06-17", True, "Jun 16–17, 2025"),
    ("2025-05/2025-06", "UTC", 1, "10d", "2025-05-11/2025-07-10", False,
     "May 11 – Jul 10, 2025"),
    ("2025-08-12T00:01", NEW_YORK, 1, "1d", "2025-08-13T00:01", True, "Aug 13, 2025 00:01 EDT"),
    ("2025-08-12T00:01-04:00", NEW_YORK, 1, "3mo", "2025-11-12T00:01-04:00", True,
     "Nov 11, 2025 23:01 EST"),
    ("2025-10-31T12:00", NEW_YORK, 1, "1w", "2025-11-07T12:00", True, "Nov 7, 2025 12:00 EST"),
    # a wall time pushed into the daylight-saving gap moves forward by the gap
    ("2025-03-08T02:30", NEW_YORK, 1, "1d", "2025-03-09T03:30", True, "Mar 9, 2025 03:30 EDT"),
    ("2025-03-08", NEW_YORK, 1, "1d", "2025-03-09", True, "Mar 9, 2025"),
]


@pytest.mark.parametrize(
    ("text", "zone", "sign", "offset", "result", "aligned", "shown"),
    SHIFTS,
    ids=[f"{s[0]}{'+' if s[2] > 0 else '-'}{s[3]}" for s in SHIFTS],
)
def test_shift(text: str, zone: str, sign: int, offset: str, result: str, aligned: bool,
               shown: str) -> None:
    original = parse_edtf(text, zone)
    moved = shift(original, sign, parse_offset(offset))
    assert moved.text == result == format_edtf(moved)
    assert moved.aligned is aligned
    assert format_human(moved) == shown
    assert (moved.precision, moved.end_precision) == (original.precision, original.end_precision)
    assert (moved.approximate, moved.uncertain) == (original.approximate, original.uncertain)
    assert (moved.span, moved.timed, moved.zone) == (original.span, original.timed, zone)
    reread = parse_edtf(result, zone)
    assert (reread.start, reread.end) == (moved.start, moved.end)


def test_shift_keeps_midnight_across_daylight_saving() -> None:
    moved = shift(parse_edtf("2025-03-08", NEW_YORK), 1, Offset(1, "d"))
    assert moved.start == at(2025, 3, 9, tz=EST)
    assert moved.end == at(2025, 3, 10, tz=EDT)
    assert moved.end - moved.start == timedelta(hours=23)
    local = moved.start.astimezone(get_zone(NEW_YORK))
    assert (local.hour, local.minute) == (0, 0)


def test_shift_keeps_coarse_precision_for_sorting() -> None:
    moved = shift(parse_edtf("2025-05"), 1, Offset(10, "d"))
    day = parse_edtf("2025-05-11")
    assert moved.start == day.start
    assert moved.precision == P.MONTH
    assert moved.sort_key() < day.sort_key()


def test_shift_errors() -> None:
    with pytest.raises(DateError, match="outside the years"):
        shift(parse_edtf("9998-12-01"), 1, Offset(2, "y"))
    with pytest.raises(ValueError, match="sign"):
        shift(parse_edtf("2025"), 0, Offset(1, "d"))


def test_intervals_built_by_hand_get_composed_text() -> None:
    parsed = parse_edtf("2025-06~/2025-07-15", NEW_YORK)
    bare = replace(parsed, text="")
    assert format_edtf(bare) == "2025-06~/2025-07-15~"
    assert format_human(bare) == "~Jun 2025 – ~Jul 15, 2025"
    assert shift(bare, 1, Offset(1, "mo")).text == "2025-07~/2025-08-15~"
    timed = replace(parse_edtf("2025-11-02T01:30-05:00", NEW_YORK), text="")
    assert format_edtf(timed) == "2025-11-02T01:30-05:00"


# --- human dates ------------------------------------------------------------------------

MONDAY = date(2025, 7, 28)

HUMAN = [
    ("today", "2025-07-28"),
    ("Today", "2025-07-28"),
    ("tomorrow", "2025-07-29"),
    ("yesterday", "2025-07-27"),
    ("+2w", "2025-08-11"),
    ("-3d", "2025-07-25"),
    ("+1mo", "2025-08-28"),
    ("+1y", "2026-07-28"),
    ("in 2 weeks", "2025-08-11"),
    ("in 3d", "2025-07-31"),
    ("3 days ago", "2025-07-25"),
    ("1 month ago", "2025-06-28"),
    ("friday", "2025-08-01"),
    ("fri", "2025-08-01"),
    ("monday", "2025-07-28"),
    ("next monday", "2025-08-04"),
    ("next friday", "2025-08-01"),
    ("this friday", "2025-08-01"),
    ("last monday", "2025-07-21"),
    ("last sunday", "2025-07-27"),
    ("June 5", "2025-06-05"),
    ("aug 10 2025", "2025-08-10"),
    ("Aug 10, 2025", "2025-08-10"),
    ("10 Aug 2025", "2025-08-10"),
    ("2025/08/10", "2025-08-10"),
    ("8/10/2025", "2025-08-10"),
    ("2025-8-10", "2025-08-10"),
    ("aug 2025", "2025-08"),
    ("2025-05-12", "2025-05-12"),
    ("2025-08", "2025-08"),
    ("2025-Q3", "2025-Q3"),
    ("2025-06~", "2025-06~"),
    ("2025-06-09/2025-06-10", "2025-06-09/2025-06-10"),
    ("aug 10 2025 10:00", "2025-08-10T10:00"),
    ("2025-05-12 10:00", "2025-05-12T10:00"),
    ("aug 10 2025 10:00:05 +02:00", "2025-08-10T10:00:05+02:00"),
    ("aug 10 2025 10:00 UTC", "2025-08-10T10:00Z"),
    ("aug 10 2025 10:00 EDT", "2025-08-10T10:00"),
]


@pytest.mark.parametrize(("text", "canonical"), HUMAN, ids=[h[0] for h in HUMAN])
def test_human_dates(text: str, canonical: str) -> None:
    assert parse_human_date(text, MONDAY, NEW_YORK) == parse_edtf(canonical, NEW_YORK)


@pytest.mark.parametrize("today", [date(2025, 1, 1), date(2025, 1, 31), date(2025, 7, 28),
                                   date(2024, 12, 31)])
def test_human_dates_take_missing_parts_from_today(today: date) -> None:
    assert parse_human_date("feb 2025", today).text == "2025-02"
    assert parse_human_date("june", today).text == f"{today.year}-06"
    assert parse_human_date("June 5", today).text == f"{today.year}-06-05"
    assert parse_human_date("12", today).text == f"{today.isoformat()[:8]}12"
    assert parse_human_date("10:00", today).text == f"{today.isoformat()}T10:00"
    assert parse_human_date("２０２５", today).text == "2025"


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("banana", "cannot read 'banana' as a date; try 2025-08-10, 'aug 10 2025', 'today',"
         " '+2w', 'next friday'", 0),
        ("  banana ", "cannot read 'banana'", 0),
        ("", "empty date", 0),
        ("now", "cannot read 'now'", 0),
        ("next banana", "cannot read", 0),
        ("2025-02-30", "February 2025 has 28 days", 8),
        (" 2025-02-30", "February 2025 has 28 days", 9),
        ("2025-06/", "open-ended spans are not supported", 7),
        ("2025-06-10/2025-06-09", "ends before it starts", 11),
        ("0000", "there is no year 0000", 0),
        ("2025-03-09T02:30", "does not exist", 11),
        ("aug 10 2025 10:00 PST", "unknown time zone name 'PST'", 18),
        ("in 2 fortnights", "unknown unit", 0),
        ("31 june", "cannot read", 0),
    ],
)
def test_human_date_errors(text: str, message: str, offset: int) -> None:
    with pytest.raises(DateError) as caught:
        parse_human_date(text, MONDAY, NEW_YORK)
    assert message in caught.value.message
    assert caught.value.offset == offset


def test_local_day() -> None:
    moment = at(2025, 8, 12, 2)
    assert local_day(moment, "UTC") == date(2025, 8, 12)
    assert local_day(moment, NEW_YORK) == date(2025, 8, 11)
    with pytest.raises(DateError, match="timezone-aware"):
        local_day(datetime(2025, 8, 12), "UTC")


def test_import_costs_no_dateutil() -> None:
    code = (
        "import sys; import policy_timeline.dates; "
        "sys.exit(1 if any(name.startswith('dateutil') for name in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- properties -------------------------------------------------------------------------

ZONES = ["UTC", NEW_YORK, "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
         "America/Santiago", "Pacific/Chatham"]
QUALIFIERS = st.sampled_from(["", "~", "?", "%"])


@st.composite
def point_texts(draw: st.DrawFn, timed: bool = True, unspecified: bool = True,
                max_day: int = 31, offsets: bool = True) -> str:
    year = draw(st.integers(1900, 2100))
    kinds = ["year", "month", "day", "quarter", "half", "season"]
    if unspecified:
        kinds += ["decade", "century", "year-xx", "year-xx-xx", "month-xx"]
    if timed:
        kinds += ["minute", "second"]
    kind = draw(st.sampled_from(kinds))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, min(max_day, 28 if month == 2 else 30)))
    text = {
        "year": f"{year}",
        "decade": f"{year // 10}X",
        "century": f"{year // 100}XX",
        "year-xx": f"{year}-XX",
        "year-xx-xx": f"{year}-XX-XX",
        "month": f"{year}-{month:02d}",
        "month-xx": f"{year}-{month:02d}-XX",
        "day": f"{year}-{month:02d}-{day:02d}",
        "quarter": f"{year}-Q{draw(st.integers(1, 4))}",
        "half": f"{year}-H{draw(st.integers(1, 2))}",
        "season": f"{year}-{draw(st.integers(21, 24))}",
        "minute": f"{year}-{month:02d}-{day:02d}T{draw(st.integers(0, 23)):02d}:"
                  f"{draw(st.integers(0, 59)):02d}",
        "second": f"{year}-{month:02d}-{day:02d}T{draw(st.integers(0, 23)):02d}:"
                  f"{draw(st.integers(0, 59)):02d}:{draw(st.integers(0, 59)):02d}",
    }[kind]
    if kind in ("minute", "second") and offsets:
        text += draw(st.sampled_from(["", "", "Z", "+05:30", "-04:00", "+13:45"]))
    return text + draw(QUALIFIERS)


@st.composite
def intervals(draw: st.DrawFn, timed: bool = True, unspecified: bool = True, max_day: int = 31,
              offsets: bool = True, zones: list[str] | None = None) -> Interval:
    zone = draw(st.sampled_from(zones or ZONES))
    points = point_texts(timed, unspecified, max_day, offsets)
    text = draw(points)
    if draw(st.booleans()):
        text = f"{text}/{draw(points)}"
    try:
        return parse_edtf(text, zone)
    except DateError as error:
        assume("ends before it starts" not in error.message)
        assume("does not exist" not in error.message)
        raise


@given(intervals())
@example(parse_edtf("2025-11-02T01:30", NEW_YORK))
@example(parse_edtf("2025-09-07", "America/Santiago"))
def test_round_trip_through_text(interval: Interval) -> None:
    assert parse_edtf(format_edtf(interval), interval.zone) == interval
    assert interval.aligned
    assert format_human(interval)


@given(intervals())
def test_text_composed_from_fields_covers_the_same_instants(interval: Interval) -> None:
    reread = parse_edtf(format_edtf(replace(interval, text="")), interval.zone)
    assert (reread.start, reread.end) == (interval.start, interval.end)
    assert (reread.precision, reread.end_precision) == (interval.precision,
                                                        interval.end_precision)


@given(intervals(), st.sampled_from([1, -1]), st.integers(0, 400),
       st.sampled_from(["d", "w", "mo", "y"]))
def test_shifted_text_reads_back_as_the_shifted_interval(
    interval: Interval, sign: int, amount: int, unit: str
) -> None:
    moved = shift(interval, sign, Offset(amount, unit))
    reread = parse_edtf(moved.text, moved.zone)
    assert (reread.start, reread.end) == (moved.start, moved.end)
    assert moved.end > moved.start
    assert format_human(moved)
    if moved.aligned:
        assert (reread.precision, reread.end_precision) == (moved.precision,
                                                            moved.end_precision)


@given(intervals(timed=False, unspecified=False), st.integers(0, 2000), st.sampled_from("dw"))
def test_day_and_week_offsets_invert(interval: Interval, amount: int, unit: str) -> None:
    offset = Offset(amount, unit)
    assert shift(shift(interval, 1, offset), -1, offset) == interval
    assert shift(shift(interval, -1, offset), 1, offset) == interval


@given(intervals(zones=["UTC"], unspecified=False), st.integers(0, 2000), st.sampled_from("dw"))
def test_day_and_week_offsets_invert_for_times(interval: Interval, amount: int, unit: str) -> None:
    offset = Offset(amount, unit)
    assert shift(shift(interval, 1, offset), -1, offset) == interval


@given(intervals(timed=False, unspecified=False, max_day=28), st.integers(0, 240),
       st.sampled_from(["mo", "y"]))
def test_month_and_year_offsets_invert_when_the_day_exists(
    interval: Interval, amount: int, unit: str
) -> None:
    offset = Offset(amount, unit)
    assert shift(shift(interval, 1, offset), -1, offset) == interval


@given(st.integers(1901, 2099), st.integers(1, 12))
def test_end_of_month_plus_one_month_clamps(year: int, month: int) -> None:
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    moved = shift(parse_edtf(f"{year}-{month:02d}-{last:02d}"), 1, Offset(1, "mo"))
    target = date(year + month // 12, month % 12 + 1, 1)
    target_last = (date(target.year + target.month // 12, target.month % 12 + 1, 1)
                   - timedelta(days=1)).day
    assert moved.first_day == target.replace(day=min(last, target_last))
    assert moved.last_day == moved.first_day


@given(st.lists(intervals(), min_size=3, max_size=12))
@settings(max_examples=50)
def test_sort_key_is_a_consistent_total_order(items: list[Interval]) -> None:
    keys = [item.sort_key() for item in items]
    for a, ka in zip(items, keys, strict=True):
        for b, kb in zip(items, keys, strict=True):
            assert (ka < kb) + (kb < ka) + (ka == kb) == 1
            assert (ka < kb) == (a.start < b.start
                                 or (a.start == b.start and a.precision < b.precision))
    ordered = sorted(keys)
    assert all(x <= y for x, y in pairwise(ordered))
    for first in keys:
        for second in keys:
            for third in keys:
                if first <= second <= third:
                    assert first <= third


@given(st.text(alphabet="0123456789-/XxTZ:+~?%QqHh. ", max_size=30))
@settings(max_examples=400)
def test_any_text_parses_or_fails_with_a_located_date_error(text: str) -> None:
    try:
        interval = parse_edtf(text, NEW_YORK)
    except DateError as error:
        assert 0 <= error.offset <= len(text)
        assert error.message
    else:
        assert format_human(interval)
        assert parse_edtf(interval.text, NEW_YORK) == interval


@given(st.text(max_size=30))
@settings(max_examples=300)
def test_any_text_is_a_date_or_a_date_error(text: str) -> None:
    for read in (lambda: parse_date(text, NEW_YORK),
                 lambda: parse_human_date(text, MONDAY, NEW_YORK),
                 lambda: parse_offset(text),
                 lambda: parse_duration(text)):
        try:
            read()
        except DateError as error:
            assert 0 <= error.offset <= len(text)


# --- issue 11: spans shifted as a whole, days across zones --------------------------------


@pytest.mark.parametrize(
    ("sign", "offset", "due", "last_day"),
    [
        (1, "10d", date(2025, 8, 11), date(2025, 9, 10)),
        (-1, "2w", date(2025, 7, 18), date(2025, 8, 17)),
        (1, "1mo", date(2025, 9, 1), date(2025, 9, 30)),
    ],
)
def test_a_span_shifted_keeps_its_last_unit(sign: int, offset: str, due: date,
                                             last_day: date) -> None:
    from policy_timeline.schedule import end_start

    base = parse_edtf("2025-06/2025-08", NEW_YORK)
    moved = shift(base, sign, parse_offset(offset))
    assert end_start(moved).astimezone(get_zone(NEW_YORK)).date() == due
    assert moved.last_day == last_day
    assert moved.last_unit_start == end_start(moved)


def test_shifting_a_span_there_and_back_gives_it_back() -> None:
    base = parse_edtf("2025-06/2025-08", NEW_YORK)
    assert shift(shift(base, 1, Offset(10, "d")), -1, Offset(10, "d")) == base


@pytest.mark.parametrize(
    ("text", "first", "shown"),
    [
        ("2025-08-10", date(2025, 8, 10), "Aug 10, 2025"),
        ("2025-08", date(2025, 8, 1), "Aug 2025"),
        ("2025-06-09/2025-06-10", date(2025, 6, 9), "Jun 9–10, 2025"),
    ],
)
def test_a_day_moved_to_another_zone_stays_that_calendar_day(text: str, first: date,
                                                              shown: str) -> None:
    tokyo = parse_edtf(text, "Asia/Tokyo")
    there = shift(tokyo, 1, Offset(0, "d"), zone=NEW_YORK)
    assert there.zone == NEW_YORK
    assert there.first_day == first
    assert there.start == parse_edtf(text, NEW_YORK).start
    assert format_human(there) == shown
    assert there.text == text


def test_a_time_moved_to_another_zone_stays_that_instant() -> None:
    tokyo = parse_edtf("2025-08-10T09:00", "Asia/Tokyo")
    there = shift(tokyo, 1, Offset(1, "d"), zone=NEW_YORK)
    assert there.start == parse_edtf("2025-08-11T09:00+09:00").start
    assert there.zone == NEW_YORK
    assert parse_edtf(there.text, NEW_YORK).start == there.start


@pytest.mark.parametrize(("text", "zone", "message"), [
    ("2011-12-30", "Pacific/Apia", "2011-12-30 does not exist in Pacific/Apia: the clocks skip"),
    ("1993-08-21", "Pacific/Kwajalein", "the clocks skip that whole day"),
    ("2011-12-29/2011-12-30", "Pacific/Apia", "the clocks skip that whole day"),
    ("0001-01-01", "Asia/Tokyo", "use a later date"),
    ("9999", "UTC", "the last day that can be used is 9999-12-30"),
])
def test_days_a_zone_skips_and_the_ends_of_the_calendar(text: str, zone: str,
                                                          message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_edtf(text, zone)


def test_the_days_around_a_skipped_day_and_the_last_day_can_be_used() -> None:
    assert parse_edtf("2011-12", "Pacific/Apia").last_day == date(2011, 12, 31)
    assert parse_edtf("9999-12-30", NEW_YORK).last_day == date(9999, 12, 30)
    assert parse_edtf("0001-01-01", NEW_YORK).first_day == date(1, 1, 1)


def test_a_shift_onto_a_skipped_day_is_a_date_error() -> None:
    with pytest.raises(DateError, match="skips"):
        shift(parse_edtf("2011-12-29", "Pacific/Apia"), 1, Offset(1, "d"))


@pytest.mark.parametrize(("text", "message"), [
    ("06/05/2025", "in a file write it in EDTF: 2025-06-05 (read as Jun 5, 2025)"),
    ("2025/06/05", "in a file write it in EDTF: 2025-06-05"),
    ("June 5, 2025", "in a file write it in EDTF: 2025-06-05"),
    ("5 June 2025", "in a file write it in EDTF: 2025-06-05"),
    ("June 5", "a file holds EDTF dates such as 2025-06-05"),
    ("today", "counts from today, which only the command line does"),
    ("+2w", "'ID + 2w' to count from another entry"),
    ("next friday", "counts from today"),
    ("20250605", "with dashes"),
    ("2025-6-5", "a month with two digits"),
])
def test_a_file_date_written_as_people_write_it_says_what_to_write(text: str,
                                                                   message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text, NEW_YORK)
    assert message in caught.value.message
    assert "span has exactly two ends" not in caught.value.message


def test_a_time_that_falls_before_the_calendar_in_the_file_zone_is_a_date_error() -> None:
    with pytest.raises(DateError, match="in Etc/GMT\\+12: use a later date"):
        parse_edtf("0001-01-02T00:00+14:00", "Etc/GMT+12")

"""What the command line reads from words: lists, dates as people write them.

One reader per kind of value, used by every command, so that `--tag a,b` and
`--as-of 05/06/2025` mean the same thing wherever they are written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from . import UsageError

if TYPE_CHECKING:
    from ..dates import Interval, Offset

# `05/06/2025`, `5-6-25`, `05.06.2025 10:00`: two small numbers before a year
_NUMERIC_DAY = re.compile(
    r"(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?:(?P=sep)(?P<year>\d{2}|\d{4}))?"
    r"(?P<rest>\s.*)?",
    re.ASCII,
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def read_within(text: str | None) -> Offset | None:
    """`--within DURATION` (`14d`, `2w`): None when not given; a usage error when unreadable."""
    if text is None:
        return None
    from ..dates import DateError, parse_duration

    try:
        return parse_duration(text)
    except DateError as error:
        raise UsageError(f"--within: {error.message}") from None


def split_list(values: Iterable[str]) -> list[str]:
    """`--tag a,b --tag c` → [a, b, c]: repeatable and comma-separated, blanks dropped,
    each value once."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in found:
                found.append(part)
    return found


def split_sources(values: Iterable[str], option: str = "--source") -> list[str]:
    """Like `split_list`, for source ids and URLs: a comma inside a URL that no space
    follows is part of the URL (`https://example.org/a,b`), and a warning says so."""
    found: list[str] = []
    for value in values:
        pieces = value.split(",")
        current = pieces[0]
        for piece in pieces[1:]:
            if "://" in current and piece[:1] not in (" ", "") and "://" not in piece:
                current += "," + piece
                continue
            _keep(found, current, option)
            current = piece
        _keep(found, current, option)
    return found


def _keep(found: list[str], value: str, option: str) -> None:
    value = value.strip()
    if not value or value in found:
        return
    if "://" in value and "," in value:
        print(
            f"timeline: warning: {option} {value!r}: the comma is read as part of the URL; "
            "separate sources with ', ' (a comma and a space)",
            file=sys.stderr,
        )
    found.append(value)


def ambiguous_numeric_date(text: str) -> str | None:
    """Why `05/06/2025` cannot be read (month first or day first?), or None."""
    match = _NUMERIC_DAY.fullmatch(text.strip())
    if match is None:
        return None
    first, second = int(match.group("first")), int(match.group("second"))
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return None  # the same either way, or only one reading is a date
    year_text = match.group("year")
    if year_text is None:
        year = ""
    else:
        year = f", {year_text}" if len(year_text) == 4 else f", '{year_text}"
    iso_year = year_text if year_text and len(year_text) == 4 else "YYYY"
    return (
        f"{text.strip()!r} is ambiguous: {_MONTHS[first - 1]} {second}{year} (month first) "
        f"or {_MONTHS[second - 1]} {first}{year} (day first); write "
        f"{iso_year}-{first:02d}-{second:02d} or {iso_year}-{second:02d}-{first:02d}"
    )


def read_human_date(text: str, option: str, today: date, zone: str) -> Interval:
    """A date typed after `option`, counted from `today`; a usage error says why not."""
    from ..dates import DateError, parse_human_date

    if not text.strip():
        raise UsageError(f"{option}: an empty date; write one, e.g. 2025-08-10 or 'today'")
    ambiguous = ambiguous_numeric_date(text)
    if ambiguous is not None:
        raise UsageError(f"{option}: {ambiguous}")
    try:
        return parse_human_date(text, today, zone)
    except DateError as error:
        raise UsageError(f"{option} {text!r}: {error.message}") from None

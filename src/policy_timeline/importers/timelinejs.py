"""TimelineJS → entries: its JSON format, and the columns of its Google-sheet template.

JSON (https://timeline.knightlab.com/docs/json-format.html): `events[]`, each with
`start_date` / `end_date` (`year`, `month`, `day`, `hour`, `minute`, `second`),
`text.headline`, `text.text`, `media.url`, `group`, `unique_id`. The sheet, exported as
CSV: `Year, Month, Day, Time, End Year, End Month, End Day, End Time, Display Date,
Headline, Text, Media, Media Credit, Media Caption, Media Thumbnail, Type, Group,
Background`. Rows of `Type` `title` or `era` are not events and are skipped.

Headline → title, text (HTML) → summary, group → tags, a media URL → sources; a date
with an end becomes a span. Only the first 20 characters of a column name matter
and case and spaces do not.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .. import dates
from ..timeline import Location, Problem
from . import Imported, Parsed, line_of, one_line, plain_text

_CODE = "import-timelinejs"


MAX_DEPTH = 64  # a TimelineJS file is 4 levels deep; far deeper is not one


def _too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """The (line, column) where brackets nest deeper than `limit`, strings skipped."""
    depth, in_string, escaped = 0, False, False
    line, line_start = 1, 0
    for offset, character in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth > limit:
                return line, offset - line_start + 1
        elif character in "]}":
            depth -= 1
        if character == "\n":
            line, line_start = line + 1, offset + 1
    return None


def parse_json(text: str, path: str) -> Parsed:
    result = Parsed()
    try:
        document = json.loads(text)
    except RecursionError:  # nested beyond what the parser can follow: say where
        line, column = _too_deep(text) or (1, 1)
        result.problems.append(
            Problem(
                Location(path, line, column),
                f"nested more than {MAX_DEPTH} levels deep: not a TimelineJS file",
                "error",
                _CODE,
            )
        )
        return result
    except json.JSONDecodeError as error:
        result.problems.append(
            Problem(
                Location(path, error.lineno, error.colno), f"not JSON: {error.msg}", "error", _CODE
            )
        )
        return result
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        result.problems.append(
            Problem(Location(path, 1, 1), "a TimelineJS file has an 'events' list", "error", _CODE)
        )
        return result
    starts = [m.start() for m in re.finditer(r'"start_date"\s*:', text)]
    for index, event in enumerate(events):
        line = line_of(text, starts[index]) if index < len(starts) else 1
        where = Location(path, line, 1)
        if not isinstance(event, dict):
            result.problems.append(
                Problem(where, f"event {index + 1} is not an object", "error", _CODE)
            )
            continue
        text_part = _mapping(event.get("text"))
        media = _mapping(event.get("media"))
        start, end = event.get("start_date"), event.get("end_date")
        row = {
            "headline": _text(text_part.get("headline")),
            "text": _text(text_part.get("text")),
            "media": _text(media.get("url")),
            "group": _text(event.get("group")),
        }
        imported = _entry(
            row,
            start if isinstance(start, dict) else {},
            end if isinstance(end, dict) else None,
            where,
            result.problems,
        )
        if imported is not None:
            unique_id = event.get("unique_id")
            imported.uid = str(unique_id) if unique_id not in (None, "") else None
            result.entries.append(imported)
    return result


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


_COLUMNS = {
    "year": "year", "month": "month", "day": "day", "time": "time",
    "endyear": "end year", "endmonth": "end month", "endday": "end day", "endtime": "end time",
    "headline": "headline", "text": "text", "media": "media", "group": "group", "type": "type",
}  # fmt: skip


def parse_csv(text: str, path: str) -> Parsed:
    result = Parsed()
    first_line = text.split("\n", 1)[0]
    # Google Sheets downloads CSV (commas) or TSV (tabs); guessing further misreads text
    dialect = csv.excel_tab if "\t" in first_line and "," not in first_line else csv.excel
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), dialect)
    try:
        header = next(reader)
    except StopIteration:
        result.problems.append(Problem(Location(path, 1, 1), "the file is empty", "error", _CODE))
        return result
    except csv.Error as error:
        result.problems.append(Problem(Location(path, 1, 1), f"not CSV: {error}", "error", _CODE))
        return result
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        key = re.sub(r"\s+", "", name).lower()[:20]
        if key in _COLUMNS and _COLUMNS[key] not in columns:
            columns[_COLUMNS[key]] = position
    if "year" not in columns or "headline" not in columns:
        result.problems.append(
            Problem(
                Location(path, 1, 1),
                "not a TimelineJS sheet: expected the columns 'Year' and 'Headline' "
                "(and Month, Day, Time, End Year, ..., Text, Media, Group, Type)",
                "error",
                _CODE,
            )
        )
        return result
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.problems.append(
                Problem(Location(path, line, 1), f"not CSV: {error}", "error", _CODE)
            )
            break
        where = Location(path, line, 1)
        line = reader.line_num + 1

        def cell(name: str, row: list[str] = row) -> str:
            position = columns.get(name)
            return row[position].strip() if position is not None and position < len(row) else ""

        if not any(cell.strip() for cell in row):
            continue
        kind = cell("type").lower()
        if kind in ("title", "era"):
            result.problems.append(
                Problem(where, f"a '{kind}' row is not an event: skipped", "warning", _CODE)
            )
            continue
        start = {
            "year": cell("year"),
            "month": cell("month"),
            "day": cell("day"),
            "time": cell("time"),
        }
        end = {
            "year": cell("end year"), "month": cell("end month"),
            "day": cell("end day"), "time": cell("end time"),
        }  # fmt: skip
        row_text = {name: cell(name) for name in ("headline", "text", "media", "group")}
        imported = _entry(row_text, start, end if end["year"] else None, where, result.problems)
        if imported is not None:
            result.entries.append(imported)
    return result


def _entry(
    row: dict[str, str],
    start: dict[str, Any],
    end: dict[str, Any] | None,
    where: Location,
    problems: list[Problem],
) -> Imported | None:
    title = one_line(row["headline"])
    if not title:
        problems.append(Problem(where, "an event without a headline: skipped", "error", _CODE))
        return None
    try:
        date_text = _date_text(start)
        if end is not None and any(_text(end.get(k)) for k in ("year", "month", "day")):
            end_text = _date_text(end)
            if end_text != date_text:
                date_text = f"{date_text}/{end_text}"
        dates.parse_date(date_text)
    except dates.DateError as error:
        problems.append(Problem(where, f"'{title}': bad date: {error.message}", "error", _CODE))
        return None
    fields: dict[str, Any] = {"title": title, "date": date_text}
    group = one_line(row["group"])
    if group:
        fields["tags"] = [group]
    summary = plain_text(row["text"])
    if summary:
        fields["summary"] = summary
    media = row["media"].strip()
    if media.startswith(("http://", "https://")) and not any(c.isspace() for c in media):
        fields["sources"] = [media]
    return Imported(fields, where)


def _date_text(parts: dict[str, Any]) -> str:
    """`2025`, `2025-05`, `2025-05-12` or `2025-05-12T13:30` from TimelineJS date parts."""
    year = _number(parts.get("year"), "year", 0, 9999)
    if year is None:
        raise dates.DateError("no year")
    text = f"{year:04d}"
    month = _number(parts.get("month"), "month", 1, 12)
    if month is None:
        return text
    text += f"-{month:02d}"
    day = _number(parts.get("day"), "day", 1, 31)
    if day is None:
        return text
    text += f"-{day:02d}"
    clock = _clock(parts)
    return f"{text}T{clock}" if clock else text


def _number(value: Any, name: str, low: int, high: int) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,4}", text):
        raise dates.DateError(f"{name} '{text}' is not a number from {low} to {high}")
    number = int(text)
    if not low <= number <= high:
        raise dates.DateError(f"{name} {number} is not from {low} to {high}")
    return number


def _clock(parts: dict[str, Any]) -> str:
    if "time" in parts:
        written = _text(parts.get("time"))
        if not written:
            return ""
        match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp][Mm])?", written)
        if not match:
            raise dates.DateError(f"time '{written}': write 13:30 or 1:30 PM")
        hour, minute, second = (
            int(match.group(1)),
            int(match.group(2) or 0),
            int(match.group(3) or 0),
        )
        meridiem = (match.group(4) or "").lower()
        if meridiem:
            if not 1 <= hour <= 12:
                raise dates.DateError(f"time '{written}': the hour is from 1 to 12 with AM/PM")
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
    else:
        hour_value = _number(parts.get("hour"), "hour", 0, 23)
        if hour_value is None:
            return ""
        hour = hour_value
        minute = _number(parts.get("minute"), "minute", 0, 59) or 0
        second = _number(parts.get("second"), "second", 0, 59) or 0
    if hour > 23 or minute > 59 or second > 59:
        raise dates.DateError("the time is not on a 24-hour clock")
    return f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")

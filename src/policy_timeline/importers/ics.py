"""iCalendar (RFC 5545) → entries: one per VEVENT, its VALARMs as lead times.

- `SUMMARY` → title, `DESCRIPTION` → summary, `CATEGORIES` → tags, `URL` → sources;
- an all-day `DTSTART` is a day; with an exclusive `DTEND` more than a day later, a span;
  a time with a zone keeps its offset (UTC as `Z`); a floating time is written without
  one (the timeline's zone applies);
- a `TRIGGER` before the start (`-P7D`, `-PT48H`, or an absolute time) becomes a lead
  time in whole days; alarms after the start or within the day cannot be written as
  lead times and are reported;
- a recurring event gives its first occurrence (reported); overridden occurrences
  (`RECURRENCE-ID`) are skipped.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..timeline import Location, Problem
from . import Imported, Parsed, lead_time, one_line, plain_text


def parse(text: str, path: str) -> Parsed:
    from icalendar import Calendar

    result = Parsed()
    try:
        calendar = Calendar.from_ical(text)
    except Exception as error:
        result.problems.append(
            Problem(Location(path, 1, 1), f"not an iCalendar file: {error}", "error", "import-ics")
        )
        return result
    starts = [m.start() for m in re.finditer(r"(?im)^BEGIN:VEVENT\s*$", text)]
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = text.count("\n", 0, starts[index]) + 1 if index < len(starts) else 1
        where = Location(path, line, 1)
        try:
            imported = _event(event, where, result.problems)
        except (ValueError, TypeError, KeyError) as error:
            result.problems.append(
                Problem(where, f"cannot read this event: {error}", "error", "import-ics")
            )
            continue
        if imported is not None:
            result.entries.append(imported)
    return result


def _event(event: Any, where: Location, problems: list[Problem]) -> Imported | None:
    if event.get("RECURRENCE-ID") is not None:
        problems.append(
            Problem(
                where, "a changed occurrence of a recurring event: skipped", "warning", "import-ics"
            )
        )
        return None
    title = one_line(str(event.get("SUMMARY", "")))
    if not title:
        problems.append(Problem(where, "event without SUMMARY: skipped", "error", "import-ics"))
        return None
    start_property = event.get("DTSTART")
    if start_property is None:
        problems.append(Problem(where, f"'{title}': no DTSTART: skipped", "error", "import-ics"))
        return None
    start = start_property.dt
    end_property = event.get("DTEND")
    end = end_property.dt if end_property is not None else None
    fields: dict[str, Any] = {"title": title, "date": _date_text(start, end)}
    categories = _categories(event.get("CATEGORIES"))
    if categories:
        fields["tags"] = categories
    description = event.get("DESCRIPTION")
    if description is not None and plain_text(str(description)):
        fields["summary"] = plain_text(str(description))
    url = event.get("URL")
    if url is not None and str(url).startswith(("http://", "https://")):
        fields["sources"] = [str(url)]
    warn = _lead_times(event, start, where, title, problems)
    if warn:
        fields["warn"] = warn
    if event.get("RRULE") is not None:
        problems.append(
            Problem(
                where,
                f"'{title}' repeats: only its first occurrence is imported",
                "warning",
                "import-ics",
            )
        )
    uid = event.get("UID")
    return Imported(fields, where, str(uid) if uid is not None else None)


def _date_text(start: date | datetime, end: date | datetime | None) -> str:
    if isinstance(start, datetime):
        return _moment_text(start)
    text = start.isoformat()
    if isinstance(end, date) and not isinstance(end, datetime) and end - start > timedelta(days=1):
        return f"{text}/{(end - timedelta(days=1)).isoformat()}"
    return text


def _moment_text(moment: datetime) -> str:
    written = "%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M"
    if moment.tzinfo is None:
        return moment.strftime(written)
    offset = moment.utcoffset()
    if offset == timedelta(0):
        return moment.strftime(written) + "Z"
    assert offset is not None
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return moment.strftime(written) + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _categories(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value] if value is not None else []
    tags: list[str] = []
    for item in values:
        for category in getattr(item, "cats", [item]):
            word = one_line(str(category))
            if word and word not in tags:
                tags.append(word)
    return tags


def _lead_times(
    event: Any, start: date | datetime, where: Location, title: str, problems: list[Problem]
) -> list[str]:
    days: set[int] = set()
    for alarm in event.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        if trigger is None:
            continue
        value = trigger.dt
        if isinstance(value, datetime):
            start_day = start.date() if isinstance(start, datetime) else start
            moment = value.astimezone(UTC) if value.tzinfo else value
            before = start_day - moment.date()
        else:
            if trigger.params.get("RELATED", "START").upper() == "END":
                problems.append(
                    Problem(
                        where,
                        f"'{title}': an alarm relative to the end: skipped",
                        "warning",
                        "import-ics",
                    )
                )
                continue
            before = -value
        if before <= timedelta(0) or before % timedelta(days=1):
            problems.append(
                Problem(
                    where,
                    f"'{title}': an alarm {_describe(before)} cannot be written as a lead time "
                    "(whole days before the date): skipped",
                    "warning",
                    "import-ics",
                )
            )
            continue
        days.add(before.days)
    return [lead_time(count) for count in sorted(days, reverse=True)]


def _describe(before: timedelta) -> str:
    if before <= timedelta(0):
        return "at or after the start"
    minutes = before.total_seconds() / 60
    if minutes < 60:
        return f"{minutes:g} minutes before the start"
    return f"{minutes / 60:g} hours before the start"

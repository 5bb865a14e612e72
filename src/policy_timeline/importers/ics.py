"""iCalendar (RFC 5545) → entries: one per VEVENT, its VALARMs as lead times.

- `SUMMARY` → title, `DESCRIPTION` → summary, `CATEGORIES` → tags, `URL` → sources;
- an all-day `DTSTART` is a day; with an exclusive `DTEND` more than a day later, a span;
  a time with a zone keeps its offset (UTC as `Z`); a floating time is written without
  one (the timeline's zone applies);
- a `TRIGGER` before the start (`-P7D`, `-PT48H`, or an absolute time) becomes a lead
  time in whole days; alarms after the start or within the day cannot be written as
  lead times and are reported;
- a recurring event gives its first occurrence (reported); overridden occurrences
  (`RECURRENCE-ID`) are skipped;
- a `TZID` that names no zone known here is reported, and the time is read in the
  timeline's own zone (said in the warning);
- a calendar exported by this tool (`timeline export ics`) gives its entries back: the
  id from the UID, the kind from the first category (`Deadline: ` and the `(~Jun 2025)`
  and `[met]` marks taken off the title), the date as written (a partial date found
  again from the mark), the lead times from the `Reminders:` line, the status, summary,
  consequence, confidence and actors from the description.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..timeline import Location, Problem
from . import Imported, Parsed, lead_time, one_line, plain_text


def parse(text: str, path: str, zone: str = "UTC") -> Parsed:
    from icalendar import Calendar

    result = Parsed()
    unknown = _unknown_zones(text)
    # icalendar unescapes TEXT in an order that reads an escaped backslash before n, N, ','
    # or ';' as that escape (`\\N` becomes a line break): escaped backslashes are set
    # aside as a character the file does not hold, and given back in what is read
    mark = _unused_character(text)
    try:
        calendar = Calendar.from_ical(text.replace("\\\\", mark))
    except Exception as error:
        result.problems.append(
            Problem(Location(path, 1, 1), f"not an iCalendar file: {error}", "error", "import-ics")
        )
        return result
    ours = str(calendar.get("PRODID", "")).startswith(PRODID_PREFIX)
    starts = [m.start() for m in re.finditer(r"(?im)^BEGIN:VEVENT\s*$", text)]
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = text.count("\n", 0, starts[index]) + 1 if index < len(starts) else 1
        where = Location(path, line, 1)
        try:
            # an event of `timeline export ics`, maybe passed through another calendar
            exported = ours or str(event.get("UID", "")).endswith("@policy-timeline")
            _report_unknown_zones(event, unknown, zone, where, result.problems)
            imported = _event(event, where, result.problems, exported)
            if imported is not None and exported:
                _as_exported(imported, event, zone)
        except (ValueError, TypeError, KeyError) as error:
            result.problems.append(
                Problem(where, f"cannot read this event: {error}", "error", "import-ics")
            )
            continue
        if imported is not None:
            result.entries.append(_backslashes_back(imported, mark))
    return result


def _unused_character(text: str) -> str:
    """A private-use character that `text` does not contain."""
    return next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)


def _backslashes_back(imported: Imported, mark: str) -> Imported:
    def back(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(mark, "\\")
        if isinstance(value, list):
            return [back(item) for item in value]
        return value

    imported.fields = {name: back(value) for name, value in imported.fields.items()}
    imported.uid = back(imported.uid)
    imported.preferred_id = back(imported.preferred_id)
    return imported


def _event(
    event: Any, where: Location, problems: list[Problem], ours: bool = False
) -> Imported | None:
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
    # this tool's export also says its lead times in words (see `_as_exported`): what its
    # alarms cannot say (a timed deadline's) is only reported when the words are missing
    said = ours and "\nReminders: " in "\n" + str(event.get("DESCRIPTION", ""))
    warn = _lead_times(event, start, where, title, [] if said else problems)
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


# ------------------------------------------------------------------ unknown zones


def _unknown_zones(text: str) -> set[str]:
    """TZIDs the calendar uses that name no zone here and that it does not define."""
    from ..dates import DateError, get_zone

    used = set(re.findall(r"(?im);TZID=\"?([^\";:\r\n]+)\"?[;:]", text))
    defined = set(re.findall(r"(?im)^TZID:([^\r\n]+)$", text))
    unknown = set()
    for name in used - defined:
        try:
            get_zone(name.strip())
        except DateError:
            unknown.add(name)
    return unknown


def _report_unknown_zones(
    event: Any, unknown: set[str], zone: str, where: Location, problems: list[Problem]
) -> None:
    if not unknown:
        return
    for name in ("DTSTART", "DTEND"):
        value = event.get(name)
        tzid = value.params.get("TZID") if value is not None else None
        if tzid in unknown:
            title = one_line(str(event.get("SUMMARY", "")))
            problems.append(
                Problem(
                    where,
                    f"'{title}': {name} is in the time zone {tzid!r}, which is not known "
                    f"here: read as a time without an offset, i.e. in the timeline's zone "
                    f"({zone}); check it",
                    "warning",
                    "import-ics",
                )
            )


# ----------------------------------------------------------- this tool's own export


PRODID_PREFIX = "-//policy-timeline//"
_STATUS_MARK = re.compile(r" \[(met|missed|cancelled|superseded)\]$")
_LEAD_WORDS = {"day": "d", "days": "d", "week": "w", "weeks": "w", "month": "mo",
               "months": "mo", "year": "y", "years": "y"}
_LEAD = re.compile(r"(\d+) (days?|weeks?|months?|years?)")
_WITH_OFFSET = re.compile(r"(?P<wall>.*T\d{2}:\d{2}(?::\d{2})?)(?:Z|[+-]\d{2}:\d{2})")


def _as_exported(imported: Imported, event: Any, zone: str) -> None:
    """Undo what `timeline export ics` did to an entry (see the module's docstring)."""
    from ..dates import DateError, parse_edtf

    fields = imported.fields
    # the UID's local part ends with the id (`truce-expiry-1a2b3c4d5e6f`, or after a
    # `story:` or `story/`), with or without the digest of where it came from
    local = re.split(r"[/:]", (imported.uid or "").split("@", 1)[0])[-1]
    local = re.sub(r"-[0-9a-f]{12}$", "", local)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", local):
        imported.preferred_id = local
    title = str(fields["title"])
    status = _STATUS_MARK.search(title)
    if status:
        imported.status = status.group(1)
        title = title[: status.start()]
    categories = fields.pop("tags", [])
    if categories:
        fields["kind"] = categories[0]
        if categories[1:]:
            fields["tags"] = categories[1:]
    if fields.get("kind", "").casefold() == "deadline" and title.startswith("Deadline: "):
        title = title[len("Deadline: ") :]
    partial = re.search(r" \(([^()]*)\)$", title)
    if partial:
        written = _written_date(partial.group(1), str(fields["date"]), zone)
        if written is not None:
            fields["date"] = written
            title = title[: partial.start()]
    fields["title"] = title
    offset = _WITH_OFFSET.fullmatch(str(fields["date"]))
    if offset:
        try:  # an instant in the timeline's own zone is written without an offset
            instant = parse_edtf(str(fields["date"]), zone)
            wall = parse_edtf(offset.group("wall"), zone)
        except DateError:
            pass
        else:
            if instant.start == wall.start:
                fields["date"] = offset.group("wall")
    description = str(event.get("DESCRIPTION", ""))
    fields.pop("summary", None)
    paragraphs = description.split("\n\nDate: ", 1)
    if len(paragraphs) == 2:
        fields["summary"] = paragraphs[0].strip()
    for line in description.split("\n"):
        if line.startswith("Reminders: "):
            leads = line[len("Reminders: ") :].split(" before the due day", 1)[0]
            fields["warn"] = [f"{n}{_LEAD_WORDS[unit]}" for n, unit in _LEAD.findall(leads)]
        elif line.startswith("If missed: "):
            fields["consequence"] = line[len("If missed: ") :]
        elif line.startswith("Confidence: "):
            fields["confidence"] = line[len("Confidence: ") :].strip()
        elif line.startswith("Kind: "):
            for fact in line.split(" · "):
                if fact.startswith("Actors: "):
                    fields["actors"] = fact[len("Actors: ") :].split(", ")
    stamp = event.get("DTSTAMP")  # the export's as-of moment
    if stamp is not None and isinstance(stamp.dt, datetime) and stamp.dt.tzinfo is not None:
        imported.known_at = stamp.dt
        if imported.status is not None:  # known by then, at the latest
            from ..dates import get_zone

            known = stamp.dt.astimezone(get_zone(zone)).date().isoformat()
            fields["changes"] = [{"announced": known, "status": imported.status}]
    imported.exported = True


def _written_date(shown: str, day: str, zone: str) -> str | None:
    """The EDTF date whose human form is `shown` (`~Jun 2025`, `Q4 2025`, `H2 2025?`) and
    that starts on `day`, the day the export placed it on."""
    from ..dates import DateError, format_human, parse_edtf

    first = day.split("/", 1)[0]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
        return None
    year, month = first[:4], int(first[5:7])
    units = [year, f"{year}-{month:02d}", f"{year}-Q{(month - 1) // 3 + 1}",
             f"{year}-H{(month - 1) // 6 + 1}", first]
    units += [f"{year}-{21 + ((month - 3) % 12) // 3}"]  # the season that month begins
    for unit in units:
        for mark in ("", "~", "?", "%"):
            candidate = unit + mark
            try:
                interval = parse_edtf(candidate, zone)
            except DateError:
                continue
            if format_human(interval) == shown and interval.first_day.isoformat() == first:
                return candidate
    return None

"""Other formats → new timeline entries: pure functions from text to entry data.

Each format module has `parse(text, path) -> Parsed`: the entries it found (as the
mappings the file would hold, without ids) with where each was written, and located
problems for what it could not read. `plan` then decides, against the timeline being
imported into, which entries are new (ids derived from titles, unique) and which are
already there (same UID, or same title and date) and are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..timeline import Location, Problem

if TYPE_CHECKING:
    from ..schedule import AsOf
    from ..timeline import Timeline

FORMATS = ("ics", "json", "csv")


@dataclass
class Imported:
    """One entry read from another format: the fields to write, its UID, where it was."""

    fields: dict[str, Any]
    location: Location
    uid: str | None = None
    preferred_id: str | None = None  # the id it had (an export of this tool)
    status: str | None = None  # the status it had, when not open (an export of this tool)
    exported: bool = False  # it comes from `timeline export ics`: its UID is not kept
    known_at: datetime | None = None  # the moment its date was true (an export's as-of)


@dataclass
class Parsed:
    entries: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # errors and warnings, located


@dataclass
class Skipped:
    imported: Imported
    reason: str


@dataclass
class Moved:
    """An entry already in the timeline whose event has another date in the calendar."""

    entry_id: str
    old: str  # its effective date at T, as written
    new: str
    imported: Imported


@dataclass
class Plan:
    """What an import adds (entries with ids), what it moves, what it leaves out, and why."""

    added: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)


def detect_format(path: str, text: str) -> str:
    """`ics`, `json` or `csv`, from the file's extension, else from its first characters."""
    lower = path.lower()
    if lower.endswith((".ics", ".ical", ".ifb", ".icalendar")):
        return "ics"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    start = text.lstrip("\ufeff \t\r\n")[:20].upper()
    if start.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if start.startswith(("{", "[")):
        return "json"
    return "csv"


def parse(text: str, path: str, format_name: str, zone: str = "UTC") -> Parsed:
    """`zone`: the timeline's, in which times without an offset are read."""
    if format_name == "ics":
        from .ics import parse as parse_ics

        return parse_ics(text, path, zone)
    from .timelinejs import parse_csv, parse_json

    return parse_json(text, path) if format_name == "json" else parse_csv(text, path)


def plan(
    parsed: Sequence[Imported],
    timeline: Timeline,
    taken_ids: Mapping[str, object],
    zone: str,
    existing_uids: Mapping[str, str] | None = None,
    as_of: AsOf | None = None,
) -> Plan:
    """Which imported entries are new, with ids derived from their titles, and which
    entries already there moved.

    An entry is already there when its UID is one of `existing_uids` (UID → entry id: an
    earlier export, or the `uid:` an earlier import kept), when its UID's first part is an
    existing id, or when an entry with the same title (ignoring case and spacing) covers
    the same dates. One found by its UID whose date differs from its effective date at
    `as_of` has moved. Entries repeated inside the imported file are skipped the same way.
    """
    from .. import dates
    from ..editing import derive_id
    from ..schedule import AsOf as AsOfType
    from ..schedule import effective

    uids = dict(existing_uids or {})
    by_id = timeline.by_id()
    by_title_and_date: dict[tuple[str, str, str], str] = {}
    for entry in timeline.entries:
        key = (_title_key(entry.title), entry.date.start.isoformat(), entry.date.end.isoformat())
        by_title_and_date.setdefault(key, entry.id)
    taken: set[str] = {*taken_ids, *(entry.id for entry in timeline.entries)}
    default_warn = [lead.text for lead in timeline.files[0].warn] if timeline.files else []
    result = Plan()
    for item in parsed:
        title = str(item.fields.get("title", ""))
        try:
            interval = dates.parse_date(str(item.fields.get("date", "")), zone)
        except dates.DateError:
            interval = None
        if item.uid is not None:
            existing = uids.get(item.uid) or _id_in_uid(item.uid, taken)
            if existing is not None:
                found = by_id.get(existing)
                if found is not None and as_of is not None and isinstance(interval, dates.Interval):
                    # an export says the date as of its own moment: compare at that moment
                    at = as_of if item.known_at is None else AsOfType.of_moment(item.known_at, zone)
                    now = effective(found, at, timeline).date
                    if (now.start, now.end) != (interval.start, interval.end):
                        result.moved.append(
                            Moved(existing, now.text, str(item.fields["date"]), item)
                        )
                        continue
                result.skipped.append(Skipped(item, f"same UID as '{existing}'"))
                continue
        if isinstance(interval, dates.Interval):
            key = (_title_key(title), interval.start.isoformat(), interval.end.isoformat())
            existing = by_title_and_date.get(key)
            if existing is not None:
                result.skipped.append(Skipped(item, f"same title and date as '{existing}'"))
                continue
        preferred = item.preferred_id
        entry_id = preferred if preferred and preferred not in taken else derive_id(title, taken)
        taken.add(entry_id)
        if item.uid is not None:
            uids[item.uid] = entry_id
        if isinstance(interval, dates.Interval):
            by_title_and_date[key] = entry_id
        fields = dict(item.fields)
        if (
            str(fields.get("kind", "")).casefold() == "deadline"
            and fields.get("warn") == default_warn
        ):
            del fields["warn"]  # the file's default lead times: not written again
        if item.uid is not None and not item.exported:
            fields["uid"] = item.uid  # importing this calendar again finds the entry
        result.added.append({"id": entry_id, **fields})
    return result


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _id_in_uid(uid: str, taken: set[str]) -> str | None:
    """`truce-expiry-1a2b3c4d5e6f@policy-timeline` (this tool's export) → `truce-expiry`."""
    local = uid.split("@", 1)[0]
    if local in taken:
        return local
    match = re.fullmatch(r"(?P<id>[a-z0-9][a-z0-9-]*)-[0-9a-f]{12}", local)
    if match and uid.endswith("@policy-timeline") and match.group("id") in taken:
        return match.group("id")
    return None


# ---------------------------------------------------------------- shared helpers


def one_line(text: str) -> str:
    """A title from HTML or multi-line text: tags removed, entities decoded, one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())


def plain_text(text: str) -> str:
    """Markdown-ish text from HTML: paragraphs and breaks kept as new lines, tags removed."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def lead_time(days: int) -> str:
    """A whole number of days as a lead time: weeks when it divides evenly."""
    return f"{days // 7}w" if days and days % 7 == 0 else f"{days}d"


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1

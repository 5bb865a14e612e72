"""iCalendar (RFC 5545) feed: one VEVENT per entry, one VALARM per lead time.

How entries become events (documented in docs/guide.md, "The calendar export (ICS)"):

- all-day dates are ``VALUE=DATE``; a span ends with an exclusive ``DTEND`` (the day after
  its last day); a partial date (``2025-06``, ``2025-Q4``, ``2025~``) is placed on its earliest
  day, the day it is due from, and its summary says how precise it is (``(~Jun 2025)``);
- an instant written without an offset keeps the file's zone (``TZID`` with a VTIMEZONE);
  one written with an offset is given in UTC;
- UIDs come from the entry id and the key of the story it is in (never its title), so
  they stay the same across exports and retitles, and differ between stories;
  ``SEQUENCE`` is the number of changes applied, so a calendar that subscribes updates a
  moved deadline instead of adding a second one;
- ``DTSTAMP`` is the as-of moment, not the clock, so the same inputs give the same bytes;
- open deadlines (and entries with their own ``warn``) get one VALARM per lead time, at the
  start of the day the lead time begins in the file's zone, as `timeline remind` counts it;
  met, missed, cancelled and superseded ones get none; cancelled and superseded ones are
  ``STATUS:CANCELLED``;
- in a calendar of several stories, each description says the event's story on the line
  after ``Date:`` (``Story: TITLE (key)``), where `timeline import` does not read it
  as part of the summary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from icalendar import Alarm, Calendar, Event, Timezone, vDuration, vText

from ..dates import Interval, Offset, Precision, distinct_leads, get_zone
from ..presentation import disputed, history, human
from ..safe_text import is_url
from . import clean_text, source_links

if TYPE_CHECKING:
    from ..schedule import AsOf, Effective
    from ..timeline import Entry, Timeline

PRODID = "-//policy-timeline//timeline export//EN"
_CANCELLED = frozenset({"cancelled", "superseded"})
_TENTATIVE = frozenset({"rumored", "disputed"})
_UNITS = {"d": ("day", "days"), "w": ("week", "weeks"), "mo": ("month", "months"),
          "y": ("year", "years")}


@dataclass(frozen=True, slots=True)
class Subscription:
    """Calendar-level properties of a published feed: its name (RFC 7986 `NAME`, and
    `X-WR-CALNAME` for older clients) and how often clients should fetch it again
    (`REFRESH-INTERVAL`, and `X-PUBLISHED-TTL` for Outlook and Google)."""

    name: str
    refresh: timedelta = timedelta(hours=12)


def export(
    timeline: Timeline,
    as_of: AsOf,
    entries: Sequence[Effective],
    subscription: Subscription | None = None,
) -> str:
    """The calendar, written an event at a time: each event is serialized as soon as it
    is built and dropped, so 100,000 entries never exist as icalendar objects all at
    once (they took 2 GB that way)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if subscription is None:
        calendar.add("x-wr-calname", one_line(timeline.title))
    else:
        calendar.add("name", one_line(subscription.name))
        calendar.add("x-wr-calname", one_line(subscription.name))
        calendar.add("refresh-interval", vDuration(subscription.refresh),
                     parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(subscription.refresh))
    stamp = as_of.moment.astimezone(UTC).replace(microsecond=0)
    end = b"END:VCALENDAR\r\n"
    head = calendar.to_ical()
    assert head.endswith(end)
    parts = [head[: -len(end)]]
    years: list[int] = []
    zones: set[str] = set()
    for item in entries:
        parts.append(_event(timeline, item, stamp).to_ical())
        years += [item.date.first_day.year, item.date.last_day.year]
        zone = _zone_of(item.date)
        if item.date.timed and zone is not None:
            zones.add(zone)  # the TZID of its start and end (see `_instant`)
    # only the transitions the events need: a VTIMEZONE from 1970 to 2038 is 10 KB
    for zone in sorted(zones):
        try:
            timezone = Timezone.from_tzid(
                zone,
                first_date=date(max(min(years) - 1, 1), 1, 1),
                last_date=date(min(max(years) + 2, 9999), 1, 1),
            )
        except ValueError:  # a zone icalendar does not know: the TZID stays, as before
            continue
        parts.append(timezone.to_ical())
    parts.append(end)
    return b"".join(parts).decode("utf-8")


def uid(timeline: Timeline, entry: Entry) -> str:
    """Stable across exports, unique across stories: the entry id and its story's key
    (never the title, so that retitling a story changes nothing for subscribers)."""
    from ..stories import entry_story_key

    digest = hashlib.sha256(entry_story_key(timeline, entry).encode("utf-8")).hexdigest()[:12]
    return f"{entry.id}-{digest}@policy-timeline"


def one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def is_partial(interval: Interval) -> bool:
    """Whether the date is less than plain days or an instant: said in the summary."""
    coarse = interval.precision < Precision.DAY or (
        interval.span and interval.end_precision < Precision.DAY
    )
    return coarse or interval.approximate or interval.uncertain


def lead_text(lead: Offset) -> str:
    one, many = _UNITS[lead.unit]
    return f"{lead.amount} {one if lead.amount == 1 else many}"


class _Text(vText):  # type: ignore[misc]
    """TEXT escaped as RFC 5545 section 3.3.11 says, backslash first. icalendar's own
    escaping first reads a written `\\N` as a line break, which changes the text."""

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return text.replace("\r\n", "\\n").replace("\n", "\\n").encode(self.encoding)


def _summary(item: Effective) -> str:
    entry = item.entry
    text = one_line(entry.title)
    if entry.is_deadline:
        text = f"Deadline: {text}"
    if is_partial(item.date):
        text += f" ({human(item.date)})"
    if item.status != "open":
        text += f" [{item.status}]"
    return text


def _event(timeline: Timeline, item: Effective, stamp: datetime) -> Event:
    entry = item.entry
    event = Event()
    event.add("uid", uid(timeline, entry))
    event.add("dtstamp", stamp)
    event.add("sequence", item.changed)
    event.add("summary", _Text(_summary(item)))
    for name, value in _dates(item.date):
        event.add(name, value)
    if item.status in _CANCELLED:
        event.add("status", "CANCELLED")
    elif entry.confidence in _TENTATIVE:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a policy date does not make anyone busy
    categories = [one_line(word) for word in (entry.kind, *entry.tags) if one_line(word)]
    if categories:
        event.add("categories", categories)
    event.add("description", _Text(_description(timeline, item)))
    links = source_links(timeline, entry.sources, story=entry.story)
    urls = [link.url for link in links if link.url]
    if urls:
        event.add("url", urls[0])
    if entry.reminded and item.status == "open":
        triggers: set[timedelta] = set()
        for lead in distinct_leads(entry.warn):  # of two firing together, the longer stays
            alarm = _alarm(item, lead)
            trigger = alarm.decoded("trigger")
            if trigger not in triggers:
                triggers.add(trigger)
                event.add_component(alarm)
    return event


def _dates(interval: Interval) -> list[tuple[str, Any]]:
    if interval.timed:
        start, end = _instant(interval, interval.start), _instant(interval, interval.end)
        if interval.span:
            return [("dtstart", start), ("dtend", end)]
        return [("dtstart", start)]  # an instant: no DTEND, the event ends where it starts
    first = interval.first_day
    after = interval.last_day + timedelta(days=1) if interval.span else first + timedelta(days=1)
    return [("dtstart", first), ("dtend", after)]


def _written_with_offset(interval: Interval) -> bool:
    _, _, clock = interval.text.partition("T")
    return "Z" in clock or "+" in clock or "-" in clock.split("/", 1)[0]


def _zone_of(interval: Interval) -> str | None:
    """The zone its instants are given in: the file's, or None for UTC (an offset was
    written)."""
    return None if _written_with_offset(interval) else interval.zone


def _instant(interval: Interval, moment: datetime) -> datetime:
    zone = _zone_of(interval)
    return moment.astimezone(UTC if zone is None else get_zone(zone))


def _alarm(item: Effective, lead: Offset) -> Alarm:
    """Fires at the start of the day the lead time begins, in the entry's zone (the first
    day of the calendar when the lead time reaches back further, as `remind` counts it)."""
    from ..schedule import lead_start

    entry = item.entry
    alarm_day = lead_start(item.due_day, lead) or date.min
    if item.date.timed:
        dtstart = _instant(item.date, item.date.start)
        fire = datetime.combine(alarm_day, time(), get_zone(entry.zone))
        trigger = fire - dtstart
    else:
        trigger = timedelta(days=(alarm_day - item.date.first_day).days)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    text = f"{one_line(entry.title)}: due {_day(item.due_day)}, in {lead_text(lead)}"
    if entry.consequence:
        text += f". If missed: {one_line(entry.consequence)}"
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _description(timeline: Timeline, item: Effective) -> str:
    entry = item.entry
    lines: list[str] = []
    if entry.summary:
        lines += [clean_text(entry.summary).strip(), ""]
    date_line = f"Date: {human(item.date)}"
    if is_partial(item.date) and not item.date.timed:
        precision = item.date.precision.name.lower()
        earliest = _day(item.date.first_day)
        date_line += f" ({precision} precision; shown on its earliest day, {earliest})"
    lines.append(date_line)
    if len(timeline.files) > 1:  # which story, when several (after `Date:`: see `import`)
        lines.append(f"Story: {_story_name(timeline, entry.story)}")
    if entry.reminded:
        lines.append(f"Due: {_day(item.due_day)}")
        if entry.consequence:
            lines.append(f"If missed: {clean_text(entry.consequence).strip()}")
        if entry.warn:
            leads = ", ".join(lead_text(lead) for lead in distinct_leads(entry.warn))
            lines.append(
                f"Reminders: {leads} before the due day, counted in calendar days in "
                f"{entry.zone}; none once it is met, missed, cancelled or superseded."
            )
    if item.status != "open":
        status = f"Status: {item.status}"
        lines.append(f"{status} ({clean_text(item.note)})" if item.note else status)
    readings = disputed(item)
    if readings:
        lines.append("Other dates reported:")
        for reading in readings:
            refs = ", ".join(_link_text(timeline, reading.claim.sources, entry.story))
            lines.append(f"- {reading.label}" + (f" ({refs})" if refs else ""))
    moves = history(item)
    if moves:
        lines.append("History:")
        for move in moves:
            change = move.change
            what: list[str] = []
            if move.after is not None:
                what.append(f"moved from {human(move.before)} to {human(move.after)}")
            if change.status is not None:
                what.append(f"status {change.status}")
            line = f"- {move.announced}: {', '.join(what) or 'noted'}"
            if change.note:
                line += f" ({clean_text(change.note)})"
            refs = ", ".join(_link_text(timeline, change.sources, entry.story))
            lines.append(line + (f" [{refs}]" if refs else ""))
    if entry.confidence != "confirmed":
        lines.append(f"Confidence: {entry.confidence}")
    facts = [f"Kind: {clean_text(entry.kind)}"]
    if entry.tags:
        facts.append("Tags: " + ", ".join(clean_text(tag) for tag in entry.tags))
    if entry.actors:
        facts.append("Actors: " + ", ".join(clean_text(actor) for actor in entry.actors))
    lines.append(" · ".join(facts))
    if entry.sources:
        lines.append("Sources:")
        lines += [f"- {text}" for text in _link_text(timeline, entry.sources, entry.story)]
    return "\n".join(lines)


def _story_name(timeline: Timeline, key: str) -> str:
    """`Title (key)`, or the key alone for a story without a title."""
    for info in timeline.files:
        if info.key == key and info.title:
            return f"{one_line(info.title)} ({key})"
    return key


def _link_text(timeline: Timeline, references: Sequence[str], story: str) -> list[str]:
    return [
        f"{link.label} <{link.url}>" if link.url and not is_url(link.label) else link.label
        for link in source_links(timeline, references, story=story)
    ]


__all__ = ["Subscription", "export", "uid"]

"""`export timelinejs`: Knight Lab TimelineJS (v3) JSON, to embed the story in a web page.

The document follows TimelineJS's JSON format: a ``title`` slide, one ``events`` slide per
entry and ``eras`` for the entries that are spans.

- ``start_date`` / ``end_date`` hold only the parts that are known (``year``, ``month``,
  ``day``, ``hour``, ``minute``, ``second``, as strings): ``2025-06`` gives year and month
  only. Timed dates are written as wall time in the file's time zone. A quarter, half or
  season becomes its first and last month; a span its two ends.
- ``display_date`` carries the date as people read it (``~Jun 2025``, ``Q4 2025``,
  ``Aug 12, 2025 00:01 EDT``) wherever the parts alone would say too much or too little:
  approximate, uncertain, a half, quarter or season (or a decade, ``201X``), or timed.
- ``group`` is the entry's kind (or its actors, ``group_by="actor"``), so TimelineJS lays
  out agreements, deadlines and statements on their own rows.
- ``text`` is ``{headline, text}``; the headline is the title and the text an HTML body
  (summary, deadline countdown at T, consequence, changes, disputed readings, sources).

All file text is HTML-escaped. TimelineJS strips markup from ``group`` and ``display_date``
and then inserts the result as HTML, decoding once more, so those two are escaped twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING

from ..dates import MONTH_ABBREVIATIONS, Interval, Precision, get_zone
from ..presentation import Move, Reading, SourceLink, human, present
from ..schedule import AsOf, Effective, end_start, sorted_by_effective
from . import clean_text, source_links

if TYPE_CHECKING:
    from ..timeline import Timeline

GROUPINGS = ("kind", "actor")


def _html(text: str) -> str:
    return escape(clean_text(text), quote=True)


def _plain(text: str) -> str:
    """For fields TimelineJS decodes twice (``group``, ``display_date``)."""
    return escape(escape(clean_text(text), quote=False), quote=False)


def _day(day: date) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}, {day.year}"


def date_parts(moment: datetime, precision: Precision, zone: str) -> dict[str, str]:
    """The known parts of one end of a date, as TimelineJS date object fields."""
    local = moment.astimezone(get_zone(zone))
    parts = {"year": str(local.year)}
    if precision > Precision.YEAR:  # a half, quarter or season starts in a known month
        parts["month"] = str(local.month)
    if precision >= Precision.DAY:
        parts["day"] = str(local.day)
    if precision >= Precision.MINUTE:
        parts["hour"] = str(local.hour)
        parts["minute"] = str(local.minute)
    if precision >= Precision.SECOND:
        parts["second"] = str(local.second)
    return parts


_PARTS_OF_YEAR = frozenset({Precision.HALF, Precision.QUARTER, Precision.SEASON})


def _needs_display_date(interval: Interval) -> bool:
    """Whether TimelineJS, from the parts alone, would show the date wrongly."""
    decade = (not interval.span and interval.precision == Precision.YEAR
              and interval.first_day.year != interval.last_day.year)  # 201X
    return (interval.approximate or interval.uncertain or interval.timed or decade
            or interval.precision in _PARTS_OF_YEAR or interval.end_precision in _PARTS_OF_YEAR)


def end_parts(interval: Interval) -> dict[str, str]:
    """The known parts of the last unit a date covers: its last day, month or year."""
    precision = interval.end_precision
    if precision >= Precision.MONTH:
        return date_parts(end_start(interval), precision, interval.zone)
    last = interval.last_day  # a year, half, quarter or season: its last month
    parts = {"year": str(last.year)}
    if precision > Precision.YEAR:
        parts["month"] = str(last.month)
    return parts


def _dates(interval: Interval) -> dict[str, object]:
    """``start_date``, ``end_date`` (for spans and units longer than a month), ``display_date``."""
    start = date_parts(interval.start, interval.precision, interval.zone)
    fields: dict[str, object] = {"start_date": start}
    end = end_parts(interval)
    if interval.span or end != start:
        fields["end_date"] = end
    if _needs_display_date(interval):
        fields["display_date"] = _plain(human(interval))
    return fields


def _sources(timeline: Timeline, references: Sequence[str], story: str) -> str:
    return _links(source_links(timeline, references, story=story))


def _links(links: Sequence[SourceLink]) -> str:
    parts = []
    for link in links:
        label = _html(link.label)
        parts.append(f'<a href="{_html(link.url)}">{label}</a>' if link.url else label)
    return ", ".join(parts)


def _change(timeline: Timeline, move: Move, story: str) -> str:
    change = move.change
    text = f"{_html(move.announced)}:"
    if move.after is not None:
        text += f" moved to {_html(human(move.after))}"
    if change.status is not None:
        text += f" status {_html(change.status)}"
    if change.note:
        text += f" — {_html(change.note)}"
    if change.sources:
        text += f" ({_sources(timeline, change.sources, story)})"
    return text


def _claim(timeline: Timeline, reading: Reading, story: str) -> str:
    claim = reading.claim
    text = _html(reading.label)
    if claim.note:
        text += f" — {_html(claim.note)}"
    if claim.sources:
        text += f" ({_sources(timeline, claim.sources, story)})"
    return text


def _body(timeline: Timeline, item: Effective, as_of: AsOf) -> str:
    shown = present(timeline, item, as_of)
    entry = item.entry
    facts = [entry.kind, *([", ".join(entry.actors)] if entry.actors else [])]
    if entry.confidence != "confirmed":
        facts.append(entry.confidence)
    if item.status != "open":
        facts.append(item.status)
    parts = [f"<p><em>{' · '.join(_html(fact) for fact in facts)}</em></p>"]
    where = shown.standing
    if entry.reminded and where.state != "event":  # an entry's own warn: not once it passed
        state = where.countdown
        parts.append(f"<p><strong>Due {_day(item.due_day)}: {state}</strong></p>")
    if entry.consequence:
        parts.append(f"<p>If it passes: {_html(entry.consequence)}</p>")
    if entry.summary:
        parts.append(f"<p>{_html(entry.summary)}</p>")
    if shown.history:
        if shown.first_dated is not None:
            parts.append(f"<p>First dated {_html(shown.first_dated)}.</p>")
        changes = "".join(f"<li>{_change(timeline, move, entry.story)}</li>"
                          for move in shown.history)
        parts.append(f"<p>Changes:</p><ul>{changes}</ul>")
    if shown.disputed:
        parts.append("<p>Disputed: also dated "
                     + "; ".join(_claim(timeline, r, entry.story) for r in shown.disputed) + "</p>")
    if entry.tags:
        parts.append(f"<p>Tags: {', '.join(_html(tag) for tag in entry.tags)}</p>")
    if shown.sources:
        parts.append(f"<p>Sources: {_links(shown.sources)}</p>")
    return "".join(parts)


def _group(item: Effective, group_by: str) -> str:
    if group_by == "actor":
        return ", ".join(item.entry.actors) or "no actor"
    return item.entry.kind


def document(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective],
             group_by: str = "kind") -> dict[str, object]:
    """The TimelineJS JSON document as Python data."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}; choose one of {', '.join(GROUPINGS)}")
    items = sorted_by_effective(entries)
    several = len(timeline.files) > 1  # ids repeat across stories: `story-id` then
    events = []
    for item in items:
        events.append({
            "unique_id": f"{item.entry.story}-{item.entry.id}" if several else item.entry.id,
            **_dates(item.date),
            "text": {"headline": _html(item.entry.title), "text": _body(timeline, item, as_of)},
            "group": _plain(_group(item, group_by)),
        })
    eras = [
        {
            "start_date": date_parts(item.date.start, item.date.precision, item.date.zone),
            "end_date": end_parts(item.date),
            "text": {"headline": _html(item.entry.title)},
        }
        for item in items
        if item.date.span
    ]
    count = f"{len(items)} {'entry' if len(items) == 1 else 'entries'}"
    title = {
        "text": {"headline": _html(timeline.title),
                 "text": f"<p>As of {_day(as_of.day)} · {count}</p>"},
    }
    result: dict[str, object] = {"title": title, "events": events}
    if eras:
        result["eras"] = eras
    result["scale"] = "human"
    return result


# Valid in JSON, but they end a line in JavaScript before ES2019 and in many editors.
_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})


def export(timeline: Timeline, as_of: AsOf, entries: Sequence[Effective],
           group_by: str = "kind") -> str:
    text = json.dumps(document(timeline, as_of, entries, group_by), indent=2, ensure_ascii=False)
    return text.translate(_LINE_SEPARATORS) + "\n"

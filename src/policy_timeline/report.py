"""What to show at a moment T: the window of a long selection, and the JSON documents of
SPEC §5 (the selection itself is `filters.select`).

Pure functions of (timeline, as_of, entries): no printing, no rich, no argument parser.
`show_document` is shared by `show --format json` and `export json`; `remind_document` is
what `remind --format json` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .dates import Interval, Precision
from .safe_text import is_url
from .schedule import (
    AsOf,
    Effective,
    Reminder,
    effective,
    end_start,
    is_known,
    known_entries,
    sorted_by_effective,
    state_of,
)
from .timeline import Claim, Entry, Source, Timeline

# --------------------------------------------------------------------------- window


@dataclass(frozen=True, slots=True)
class Window:
    """The part of a long selection that is shown: around T, with counts of what is not."""

    shown: list[Effective]
    hidden_before: int
    hidden_after: int

    @property
    def hidden(self) -> int:
        return self.hidden_before + self.hidden_after


#: A selection longer than this is cut to a window around T (unless `--all`).
WINDOW_LIMIT = 40
WINDOW_BEFORE = 10  # of those, at most this many before T


def window(items: Sequence[Effective], as_of: AsOf, limit: int = WINDOW_LIMIT,
           before: int = WINDOW_BEFORE) -> Window:
    """At most `limit` entries: up to `before` of them before T, the rest from T on."""
    if len(items) <= limit:
        return Window(list(items), 0, 0)
    pivot = next(
        (index for index, item in enumerate(items) if item.date.first_day >= as_of.day), len(items)
    )
    first = max(0, min(pivot - before, len(items) - limit))
    last = first + limit
    return Window(list(items[first:last]), first, len(items) - last)


# ---------------------------------------------------------------------- JSON documents


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def date_json(interval: Interval, text: str | None = None) -> dict[str, object]:
    """A date as scripts read it: `start` and `end` are the first and last unit it covers
    (days for all-day dates, `2025-05` → 2025-05-01 … 2025-05-31; instants for timed ones).
    `text` is the date as written (`geneva-truce + 90d`), by default its EDTF form."""
    if interval.timed:
        start, end = _instant(interval.start), _instant(end_start(interval))
    else:
        start, end = interval.first_day.isoformat(), interval.last_day.isoformat()
    return {
        "text": interval.text if text is None else text,
        "start": start,
        "end": end,
        "precision": Precision(interval.precision).name.lower(),
        "approximate": interval.approximate,
        "uncertain": interval.uncertain,
    }


def moment_json(interval: Interval) -> str:
    """One ISO 8601 string for a date that marks a moment (`announced`): its first unit."""
    return _instant(interval.start) if interval.timed else interval.first_day.isoformat()


def source_json(reference: str, sources: Mapping[str, Source]) -> dict[str, object]:
    """A cited source as SPEC §5 wants it, with its title and URL, not only its id; the
    same four keys for each: a source of the citing entry's story (`sources`) with what it
    defines, a bare URL as `{"id": null, ..., "url": URL}`, and an id the story does not
    define (`check` warns) as `{"id": ID}` with the rest null."""
    source = sources.get(reference)
    if source is not None:
        return {"id": source.id, "title": source.title, "publisher": source.publisher,
                "url": source.url}
    if is_url(reference):
        return {"id": None, "title": None, "publisher": None, "url": reference}
    return {"id": reference, "title": None, "publisher": None, "url": None}


def sources_json(
    references: Iterable[str], sources: Mapping[str, Source]
) -> list[dict[str, object]]:
    return [source_json(reference, sources) for reference in references]


def _claim_json(claim: Claim, sources: Mapping[str, Source]) -> dict[str, object]:
    return {"date": date_json(claim.date), "sources": sources_json(claim.sources, sources),
            "note": claim.note}


def entry_json(timeline: Timeline, item: Effective, as_of: AsOf) -> dict[str, object]:
    """One entry of `show --format json`: the keys of SPEC §5 first, then details. Its
    sources are looked up in its own story's (`timeline.sources_of`)."""
    entry = item.entry
    sources = timeline.sources_of(entry.story)
    reminder = state_of(item, as_of)
    reminded = entry.reminded
    return {
        "id": entry.id,
        "title": entry.title,
        "kind": entry.kind,
        "date": date_json(entry.date, entry.date_text),
        "effective": date_json(item.date),
        "status": item.status,
        "tags": list(entry.tags),
        "actors": list(entry.actors),
        "sources": sources_json(entry.sources, sources),
        "changes": [
            {
                "announced": moment_json(change.announced),
                "date": date_json(change.date) if change.date is not None else None,
                "status": change.status,
                "note": change.note,
                "sources": sources_json(change.sources, sources),
            }
            for change in item.applied
        ],
        "story": entry.story,
        "summary": entry.summary,
        "confidence": entry.confidence,
        "announced": moment_json(entry.announced) if entry.announced is not None else None,
        "consequence": entry.consequence,
        "claims": [_claim_json(claim, sources) for claim in item.claims],
        "due": item.due_day.isoformat() if reminded else None,
        "days_left": (item.due_day - as_of.day).days if reminded else None,
        "state": reminder.state if reminder is not None else None,
    }


def show_document(
    timeline: Timeline, as_of: AsOf, entries: Iterable[Entry | Effective] | None = None
) -> dict[str, object]:
    """`{"as_of", "entries": [...]}` (SPEC §5) of `entries` as known at T.

    `entries` defaults to every entry known at T; entries given are taken as they are
    (already `Effective`) or made effective at T, and those announced after T are left out.
    """
    if entries is None:
        items = sorted_by_effective(known_entries(timeline, as_of))
    else:
        items = [
            entry if isinstance(entry, Effective) else effective(entry, as_of, timeline)
            for entry in entries
            if is_known(entry.entry if isinstance(entry, Effective) else entry, as_of)
        ]
    return {
        "as_of": as_of.text,
        "stories": stories_json(timeline),
        "entries": [entry_json(timeline, item, as_of) for item in items],
    }


def stories_json(timeline: Timeline) -> list[dict[str, object]]:
    """The stories a document covers, once each (SPEC §5): key, title, path."""
    return [
        {"key": info.key, "title": info.title, "path": info.path} for info in timeline.files
    ]


def reminder_json(reminder: Reminder) -> dict[str, object]:
    return {
        "id": reminder.entry.id,
        "title": reminder.entry.title,
        "due": reminder.due_day.isoformat(),
        "days_left": reminder.days_left,
        "state": reminder.state,
        "window": reminder.window.text if reminder.window is not None else None,
        "status": reminder.effective.status,
        "changed": reminder.effective.changed,
        "story": reminder.entry.story,
    }


def remind_document(
    as_of: AsOf, reminders: Iterable[Reminder], timeline: Timeline | None = None
) -> dict[str, object]:
    """`{"as_of", "stories", "reminders": [...]}` as SPEC §5 shows it (`stories` with the
    timeline given)."""
    document: dict[str, object] = {"as_of": as_of.text}
    if timeline is not None:
        document["stories"] = stories_json(timeline)
    document["reminders"] = [reminder_json(r) for r in reminders]
    return document


_UNSAFE_IN_JSON = {
    code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), 0x2028, 0x2029)
}


def dumps(document: object) -> str:
    """JSON text for a terminal or a file: UTF-8 kept readable, but C1 controls and line
    separators escaped too (json escapes only C0), so nothing in it drives a terminal."""
    import json

    return json.dumps(document, indent=2, ensure_ascii=False).translate(_UNSAFE_IN_JSON) + "\n"

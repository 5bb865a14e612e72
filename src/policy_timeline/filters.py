"""The entry filters shared by `show` and `export`: which entries a reader asked for.

`Selection` is plain data and `select` a pure function of it and the moment T; the
options that fill a Selection are in `cli.options`, so that every command that lists
entries offers the same options with the same meaning:

- ``--tag``, ``--kind``, ``--actor`` (each repeatable, or comma-separated): an entry matches
  when it has any of the values given, compared case-insensitively; different options must
  all match;
- ``--from DATE`` / ``--to DATE``: the effective date overlaps from the start of FROM to the
  end of TO (dates as people write them: ``2025-06``, ``aug 10 2025``, ``+2w``);
- ``--search TEXT``: every word of TEXT, case-insensitive, somewhere in the id, title, kind,
  tags, actors, summary, consequence, the date as written, or the notes of changes and claims;
- ``--upcoming``: entries not yet over at T (they end today or later), and open deadlines
  that are overdue (still something to act on);
- ``--deadlines``: deadlines and entries with their own lead times (what `remind` covers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from difflib import get_close_matches
from typing import TYPE_CHECKING

from .schedule import OVERDUE, AsOf, Effective, known_entries, sorted_by_effective, state_of

if TYPE_CHECKING:
    from .timeline import Timeline


@dataclass(frozen=True, slots=True)
class Selection:
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    start: datetime | None = None  # --from: overlapping from this instant on
    end: datetime | None = None  # --to: overlapping before this instant (exclusive)
    search: str | None = None
    upcoming: bool = False
    deadlines: bool = False

    @property
    def active(self) -> bool:
        return self != Selection()


def _folded(values: Iterable[str]) -> set[str]:
    return {value.casefold() for value in values}


def searchable_text(item: Effective) -> str:
    """Everything a reader could search an entry for at T, case-folded: only the notes of
    changes known at T, so that a later change does not give itself away."""
    entry = item.entry
    parts = [entry.id, entry.title, entry.kind, *entry.tags, *entry.actors]
    parts += [entry.summary or "", entry.consequence or "", entry.date_text]
    parts += [change.note or "" for change in item.applied]
    parts += [claim.note or "" for claim in item.claims]
    return "\n".join(parts).casefold()


def matches(item: Effective, selection: Selection, as_of: AsOf) -> bool:
    """Whether one entry, as known at T, passes every filter."""
    entry = item.entry
    if selection.tags and not _folded(entry.tags) & _folded(selection.tags):
        return False
    if selection.kinds and entry.kind.casefold() not in _folded(selection.kinds):
        return False
    if selection.actors and not _folded(entry.actors) & _folded(selection.actors):
        return False
    if selection.start is not None and item.date.end <= selection.start:
        return False
    if selection.end is not None and item.date.start >= selection.end:
        return False
    if selection.deadlines and not entry.reminded:
        return False
    if selection.upcoming and item.date.last_day < as_of.day:
        reminder = state_of(item, as_of)
        if reminder is None or reminder.state != OVERDUE:
            return False
    if selection.search:
        text = searchable_text(item)
        if not all(word in text for word in selection.search.casefold().split()):
            return False
    return True


def select(timeline: Timeline, as_of: AsOf, selection: Selection | None = None) -> list[Effective]:
    """The entries known at T that match, sorted by their effective dates."""
    wanted = selection or Selection()
    return sorted_by_effective(
        item for item in known_entries(timeline, as_of) if matches(item, wanted, as_of)
    )


def unmatched(timeline: Timeline, selection: Selection) -> tuple[str, ...]:
    """`no entry has the tag 'gpia' (did you mean 'gpai'?)`: each `--tag`, `--kind` and
    `--actor` value that no entry of the workspace has (a slip, not an empty result)."""
    found: list[str] = []
    for name, wanted, values_of in (
        ("tag", selection.tags, lambda entry: entry.tags),
        ("kind", selection.kinds, lambda entry: (entry.kind,)),
        ("actor", selection.actors, lambda entry: entry.actors),
    ):
        if not wanted:
            continue
        present: dict[str, str] = {}  # folded → as first written
        for entry in timeline.entries:
            for value in values_of(entry):
                present.setdefault(value.casefold(), value)
        for value in wanted:
            if value.casefold() in present:
                continue
            close = get_close_matches(value.casefold(), list(present), n=1, cutoff=0.6)
            hint = f" (did you mean '{present[close[0]]}'?)" if close else ""
            found.append(f"no entry has the {name} '{value}'{hint}")
    return tuple(found)

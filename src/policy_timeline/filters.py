"""The entry filters shared by `show` and `export`: which entries a reader asked for.

`Selection` is plain data and `select` a pure function of it and the moment T;
`add_filter_options` and `selection_from_args` are the thin command-line side, so that
every command that lists entries offers the same options with the same meaning:

- ``--tag``, ``--kind``, ``--actor`` (each repeatable): an entry matches when it has any of
  the values given, compared case-insensitively; different options must all match;
- ``--from DATE`` / ``--to DATE``: the effective date overlaps from the start of FROM to the
  end of TO (dates as people write them: ``2025-06``, ``aug 10 2025``, ``+2w``);
- ``--search TEXT``: case-insensitive, in the id, title, summary, consequence, tags, actors,
  kind and the notes of the changes known at T;
- ``--upcoming``: entries not yet over at T (they end today or later);
- ``--deadlines``: deadlines only (``kind: deadline``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .dates import DateError, Interval, get_zone, parse_human_date
from .schedule import AsOf, Effective, known_entries, sorted_by_effective

if TYPE_CHECKING:
    import argparse

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


def _any_of(wanted: tuple[str, ...], values: Iterable[str]) -> bool:
    if not wanted:
        return True
    have = {value.casefold() for value in values}
    return any(word.casefold() in have for word in wanted)


def matches(item: Effective, selection: Selection, today_start: datetime) -> bool:
    """Whether one entry passes; ``today_start`` is the first instant of T's day."""
    entry = item.entry
    if selection.deadlines and not entry.is_deadline:
        return False
    if not _any_of(selection.kinds, (entry.kind,)):
        return False
    if not _any_of(selection.tags, entry.tags):
        return False
    if not _any_of(selection.actors, entry.actors):
        return False
    if selection.start is not None and item.date.end <= selection.start:
        return False
    if selection.end is not None and item.date.start >= selection.end:
        return False
    if selection.upcoming and item.date.end <= today_start:
        return False
    if selection.search:
        needle = selection.search.casefold()
        haystack = [entry.id, entry.title, entry.kind, entry.summary or "",
                    entry.consequence or "", *entry.tags, *entry.actors,
                    *(change.note or "" for change in item.applied)]
        if not any(needle in text.casefold() for text in haystack):
            return False
    return True


def select(timeline: Timeline, as_of: AsOf, selection: Selection) -> list[Effective]:
    """The entries known at T that match, sorted by their effective dates."""
    today_start = datetime.combine(as_of.day, datetime.min.time(), get_zone(timeline.timezone))
    return sorted_by_effective(
        item for item in known_entries(timeline, as_of)
        if matches(item, selection, today_start)
    )


# ------------------------------------------------------------------ command line


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--tag", action="append", default=[], metavar="TAG",
                       help="entries with this tag (repeatable: any of them)")
    group.add_argument("--kind", action="append", default=[], metavar="KIND",
                       help="entries of this kind (repeatable: any of them)")
    group.add_argument("--actor", action="append", default=[], metavar="ACTOR",
                       help="entries involving this actor (repeatable: any of them)")
    group.add_argument("--from", dest="from_date", metavar="DATE",
                       help="entries on or after DATE ('2025-06', 'aug 10 2025', '-2w')")
    group.add_argument("--to", dest="to_date", metavar="DATE",
                       help="entries on or before DATE (all of it: '--to 2025-08' ends Aug 31)")
    group.add_argument("--search", metavar="TEXT",
                       help="entries whose id, title, summary, tags, actors or notes contain TEXT")
    group.add_argument("--upcoming", action="store_true",
                       help="only entries that are not over yet (today or later)")
    group.add_argument("--deadlines", action="store_true", help="only deadlines")


class FilterError(ValueError):
    """A filter value that cannot be read; ``option`` names the option."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = f"{option}: {message}"


def _interval(option: str, text: str, as_of: AsOf, zone: str) -> Interval:
    try:
        return parse_human_date(text, as_of.day, zone)
    except DateError as error:
        raise FilterError(option, error.message) from None


def selection_from_args(args: Any, as_of: AsOf, zone: str) -> Selection:
    """The Selection the options ask for; `FilterError` for a date that cannot be read."""
    start = end = None
    if getattr(args, "from_date", None):
        start = _interval("--from", args.from_date, as_of, zone).start
    if getattr(args, "to_date", None):
        end = _interval("--to", args.to_date, as_of, zone).end
    return Selection(
        tags=tuple(getattr(args, "tag", None) or ()),
        kinds=tuple(getattr(args, "kind", None) or ()),
        actors=tuple(getattr(args, "actor", None) or ()),
        start=start,
        end=end,
        search=getattr(args, "search", None) or None,
        upcoming=bool(getattr(args, "upcoming", False)),
        deadlines=bool(getattr(args, "deadlines", False)),
    )


__all__: Sequence[str] = [
    "FilterError", "Selection", "add_filter_options", "matches", "select", "selection_from_args",
]

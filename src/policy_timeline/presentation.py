"""One presentation of an entry at T: what every output says about it, computed once.

The terminal, HTML, ICS, Markdown, Mermaid, TimelineJS and SVG outputs each *format* what
is here — dates as people write them, where the entry stands (its countdown), its history
(moved from / to), the readings that dispute its date, the period it is listed under, its
source links — and never derive it again, so that they cannot drift apart. Text here is
as written (made safe by each output with `safe_text`); labels made here are plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .dates import MONTH_ABBREVIATIONS, Interval, Precision, format_human, period_label
from .safe_text import clean, safe_url
from .schedule import LATER, OVERDUE, SOON, TODAY, AsOf, Effective, countdown
from .schedule import standing as countdown_of

if TYPE_CHECKING:
    from .timeline import Change, Claim, Source, Timeline

__all__ = [
    "Move",
    "Presentation",
    "Reading",
    "SourceLink",
    "Standing",
    "day_label",
    "human",
    "period",
    "present",
    "source_label",
    "source_links",
    "standing",
]


def human(interval: Interval) -> str:
    """A date as people read it (`May 12, 2025`, `~Jun 2025`, `Winter 2025–2026`)."""
    try:
        return format_human(interval)
    except (ValueError, KeyError, OverflowError):  # an interval dates cannot name: as written
        return interval.text


def day_label(day: date) -> str:
    """`Aug 10, 2025`."""
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}, {day.year}"


def period(interval: Interval) -> tuple[str, str]:
    """(key, label) of the period an entry is listed under: its month (`August 2025`), or
    the coarser unit it is known in (`Q3 2025`, `Winter 2025–2026`, `2025`, `2010s`)."""
    first = interval.first_day
    key = f"{first.year:04d}-{first.month:02d}"
    if interval.precision < Precision.MONTH:
        key += f"/{int(interval.precision)}"
    return key, period_label(interval)


# ------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A source as cited: its label (title and publisher, or the reference), and its URL."""

    label: str
    url: str | None


def source_label(reference: str, sources: Mapping[str, Source]) -> str:
    """A defined source by its title and publisher (`Article (Wire)`), else the reference
    as written; as written in the file (each output makes it safe)."""
    source = sources.get(reference)
    if source is None:
        return reference
    label = source.title or source.id
    return f"{label} ({source.publisher})" if source.publisher else label


def source_links(
    timeline: Timeline, references: Sequence[str], *, story: str
) -> list[SourceLink]:
    """Source ids and bare URLs as (label, url): a defined source by its title and publisher.
    Ids are looked up in the sources of `story`, the story the citing entry belongs to."""
    sources = timeline.sources_of(story)
    links: list[SourceLink] = []
    for reference in references:
        source = sources.get(reference)
        url = reference if source is None else source.url or ""
        links.append(SourceLink(clean(source_label(reference, sources)), safe_url(url)))
    return links


# ------------------------------------------------------------------------ standing


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an entry stands at T, for colouring and countdowns in pages and charts.

    ``state`` is ``overdue``, ``today``, ``upcoming`` (within a lead time), ``open`` (a
    reminded entry further out), ``met``, ``missed``, ``cancelled``, ``superseded``, or
    ``event`` for entries that are not reminded (or no longer: an entry with its own
    ``warn`` once its date has passed). ``days_left`` is set for open reminded ones.
    """

    state: str
    days_left: int | None
    window: str | None

    @property
    def countdown(self) -> str | None:
        """`in 13 days`, `3 days overdue`, `cancelled`; None for an event."""
        if self.days_left is not None:
            return countdown(self.days_left)
        return None if self.state == "event" else self.state


def standing(item: Effective, as_of: AsOf) -> Standing:
    """`schedule.standing` in the words pages and charts use as CSS classes and labels."""
    found = countdown_of(item, as_of)
    if found is None:
        return Standing("event", None, None)
    if found.urgency in (LATER, SOON, OVERDUE, TODAY):
        state = {SOON: "upcoming", LATER: "open"}.get(found.urgency, found.urgency)
        window = found.window.text if found.window is not None else None
        return Standing(state, found.days_left, window)
    return Standing(found.urgency, None, None)  # met, missed, cancelled, superseded


# ------------------------------------------------------------------ history, disputes


@dataclass(frozen=True, slots=True)
class Move:
    """One change known at T, as told: announced when, the date before and after it."""

    change: Change
    before: Interval  # the date it had until then
    after: Interval | None  # the date it set, None when it set none

    @property
    def announced(self) -> str:
        return human(self.change.announced)

    @property
    def moved(self) -> bool:
        return self.after is not None and self.after != self.before


@dataclass(frozen=True, slots=True)
class Reading:
    """Another date some source gives for the entry (a claim that differs)."""

    claim: Claim

    @property
    def label(self) -> str:
        return human(self.claim.date)


# -------------------------------------------------------------------- the whole


@dataclass(frozen=True, slots=True)
class Presentation:
    """One entry as every output shows it at T: dates as read, standing, history, sources."""

    item: Effective
    when: str  # the effective date as people read it
    first_dated: str | None  # the written date, when changes known at T moved it
    period_key: str
    period: str  # the period it is listed under
    standing: Standing
    history: tuple[Move, ...]
    disputed: tuple[Reading, ...]
    sources: tuple[SourceLink, ...]

    @property
    def due(self) -> str | None:
        """`Aug 10, 2025` for an entry whose countdown runs; None otherwise."""
        return day_label(self.item.due_day) if self.standing.days_left is not None else None


def history(item: Effective) -> tuple[Move, ...]:
    moves = []
    before = item.entry.date
    for change in item.applied:
        moves.append(Move(change, before, change.date))
        if change.date is not None:
            before = change.date
    return tuple(moves)


def disputed(item: Effective) -> tuple[Reading, ...]:
    return tuple(Reading(claim) for claim in item.claims if claim.date != item.date)


def present(timeline: Timeline, item: Effective, as_of: AsOf) -> Presentation:
    key, label = period(item.date)
    return Presentation(
        item=item,
        when=human(item.date),
        first_dated=human(item.entry.date) if item.moved else None,
        period_key=key,
        period=label,
        standing=standing(item, as_of),
        history=history(item),
        disputed=disputed(item),
        sources=tuple(source_links(timeline, item.entry.sources, story=item.entry.story)),
    )

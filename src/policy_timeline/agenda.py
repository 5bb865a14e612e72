"""`timeline agenda`: what falls due or happens in the next days, across every story,
week by week (SPEC section 4).

An item is a deadline (or an entry with its own lead times) that is open and due in the
window, on its due day; or any other entry whose effective date meets the window, on its
first day in it (a span under way at T is listed on T's day). Weeks are ISO weeks, Monday
first. Pure functions of (timeline, as_of, days): no printing, no rich.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .schedule import CLOSED, AsOf, Effective, known_entries, state_of
from .timeline import Entry, Timeline

DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the agenda: an entry on a day of the window."""

    effective: Effective
    day: date
    due: bool  # a deadline (or an entry with its own lead times) falling due that day
    state: str | None  # `today` / `upcoming` for a due item that `remind` lists now

    @property
    def story(self) -> str:
        return self.effective.entry.story


@dataclass(frozen=True, slots=True)
class Week:
    """The items of one ISO week of the agenda, in order."""

    start: date  # its Monday
    items: tuple[Item, ...]

    @property
    def label(self) -> str:
        """`2025-W31` (ISO 8601)."""
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Agenda:
    """What falls due or happens from T's day to the last day of the window, by week."""

    as_of: AsOf
    first: date  # T's day
    last: date  # the last day of the window
    weeks: tuple[Week, ...]

    @property
    def count(self) -> int:
        return sum(len(week.items) for week in self.weeks)


def agenda(timeline: Timeline, as_of: AsOf, days: int = DEFAULT_DAYS) -> Agenda:
    """The items of the `days` days from T's day on (T's day is the first), by week."""
    first = as_of.day
    last = first + timedelta(days=max(days, 1) - 1)
    # an entry whose instants end two days before the window or start two days after it
    # meets it on no zone's calendar (a local day is within a day of UTC's): no need to
    # work out its local days
    low = datetime.combine(first - timedelta(days=2), time(), UTC)
    high = datetime.combine(last + timedelta(days=3), time(), UTC)
    items: list[Item] = []
    for item in _candidates(timeline, as_of, low, high):
        entry = item.entry
        if entry.reminded:
            if item.status in CLOSED or item.status == "missed":
                continue
            due = item.due_day
            if first <= due <= last:
                reminder = state_of(item, as_of)
                state = reminder.state if reminder is not None else None
                items.append(Item(item, due, True, state))
            continue
        if item.date.end <= low or item.date.start >= high:
            continue
        start, end = item.date.first_day, item.date.last_day
        if start <= last and end >= first:
            items.append(Item(item, max(start, first), False, None))
    items.sort(key=lambda i: (i.day, not i.due, i.story, i.effective.entry.id))
    weeks: list[Week] = []
    for one in items:
        monday = one.day - timedelta(days=one.day.weekday())
        if not weeks or weeks[-1].start != monday:
            weeks.append(Week(monday, ()))
        weeks[-1] = Week(monday, (*weeks[-1].items, one))
    return Agenda(as_of, first, last, tuple(weeks))


def _candidates(
    timeline: Timeline, as_of: AsOf, low: datetime, high: datetime
) -> Iterator[Effective]:
    """The entries known at T, with their effective dates, but those whose date stands as
    written (no changes, claims or relative date) and lies outside `low`..`high`: most
    entries of a workspace are not even looked at."""

    def may_meet(entry: Entry) -> bool:
        written = entry.date
        return (written.end > low and written.start < high) or bool(
            entry.changes or entry.claims or entry.relative
        )

    return known_entries(timeline, as_of, may_meet)


def agenda_document(timeline: Timeline, found: Agenda) -> dict[str, object]:
    """`agenda --format json`: `{"as_of", "from", "to", "stories", "weeks": [...]}`."""
    from .report import date_json, stories_json

    return {
        "as_of": found.as_of.text,
        "from": found.first.isoformat(),
        "to": found.last.isoformat(),
        "stories": stories_json(timeline),
        "weeks": [
            {
                "week": week.label,
                "start": week.start.isoformat(),
                "items": [
                    {
                        "story": item.story,
                        "id": item.effective.entry.id,
                        "title": item.effective.entry.title,
                        "kind": item.effective.entry.kind,
                        "day": item.day.isoformat(),
                        "due": item.due,
                        "days_left": (item.day - found.first).days,
                        "state": item.state,
                        "status": item.effective.status,
                        "effective": date_json(item.effective.date),
                    }
                    for item in week.items
                ],
            }
            for week in found.weeks
        ],
    }

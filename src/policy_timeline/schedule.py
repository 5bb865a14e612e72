"""Pure answers for a moment T (SPEC section 3): effective dates, due days, states.

Nothing here reads the clock: every function takes the moment as an `AsOf`. Only the
command line decides what "now" is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .dates import Interval, Offset, get_zone
from .timeline import Change, Claim, Entry, Timeline

#: Statuses after which a deadline is never reminded again (`missed` is shown, not reminded).
CLOSED = frozenset({"met", "cancelled", "superseded"})

OVERDUE, TODAY, UPCOMING = "overdue", "today", "upcoming"


@dataclass(frozen=True, slots=True)
class AsOf:
    """The moment T: `day` is "today" for every countdown, `moment` decides what is known."""

    day: date
    moment: datetime  # timezone-aware
    text: str  # as shown in output: the ISO day, or the ISO instant when a time was given

    @classmethod
    def of_day(cls, day: date, zone: str = "UTC") -> AsOf:
        """All of `day` in `zone`: everything announced that day is known."""
        end = datetime.combine(day, time.max, tzinfo=get_zone(zone))
        return cls(day, end, day.isoformat())

    @classmethod
    def of_moment(cls, moment: datetime, zone: str = "UTC") -> AsOf:
        local = moment.astimezone(get_zone(zone))
        return cls(local.date(), moment, local.isoformat(timespec="minutes"))

    @classmethod
    def of_interval(cls, interval: Interval, zone: str = "UTC") -> AsOf:
        if interval.timed:
            return cls.of_moment(interval.start, zone)
        return cls.of_day(interval.first_day, zone)


@dataclass(frozen=True, slots=True)
class Effective:
    """An entry as known at T: its date and status after the changes announced by T."""

    entry: Entry
    date: Interval
    status: str
    claims: tuple[Claim, ...]
    applied: tuple[Change, ...]  # the changes announced by T, oldest first
    note: str | None  # the note of the latest applied change

    @property
    def changed(self) -> int:
        return len(self.applied)

    @property
    def moved(self) -> bool:
        return any(change.date is not None for change in self.applied)

    @property
    def due(self) -> datetime:
        """The earliest possible instant of the effective date or an earlier claim; spans: the end."""
        return min(_due_instant(interval) for interval in (self.date, *(c.date for c in self.claims)))

    @property
    def due_day(self) -> date:
        return self.due.astimezone(get_zone(self.entry.zone)).date()

    @property
    def disputed(self) -> bool:
        return any(claim.date != self.date for claim in self.claims)


def _due_instant(interval: Interval) -> datetime:
    if interval.span:
        return interval.end - timedelta(microseconds=1)
    return interval.start


@dataclass(frozen=True, slots=True)
class Reminder:
    effective: Effective
    due_day: date
    days_left: int
    state: str  # overdue | today | upcoming
    window: Offset | None  # the smallest lead time that still holds it (None unless upcoming)

    @property
    def entry(self) -> Entry:
        return self.effective.entry


def is_known(entry: Entry, as_of: AsOf) -> bool:
    """Entries without `announced` are always known; others from their announcement on."""
    return entry.announced is None or entry.announced.start <= as_of.moment


def effective(entry: Entry, as_of: AsOf) -> Effective:
    current = entry.date
    status = "open"
    claims = entry.claims
    note = None
    applied: list[Change] = []
    for change in entry.changes:
        if change.announced.start > as_of.moment:
            continue  # not yet known at T (changes are applied in file order)
        applied.append(change)
        if change.date is not None:
            current = change.date
            claims = change.claims  # a new date drops the old readings of the old date
        elif change.claims:
            claims = claims + change.claims
        if change.status is not None:
            status = change.status
        if change.note is not None:
            note = change.note
    return Effective(entry, current, status, claims, tuple(applied), note)


def known_entries(timeline: Timeline, as_of: AsOf) -> Iterator[Effective]:
    """Every entry known at T, in timeline order, with its effective date.

    Entries stay in the order of their *written* dates; use `sorted_by_effective` to
    place moved deadlines where they now fall.
    """
    for entry in timeline.entries:
        if is_known(entry, as_of):
            yield effective(entry, as_of)


def sorted_by_effective(items: Iterable[Effective]) -> list[Effective]:
    return sorted(items, key=lambda e: (*e.date.sort_key(), e.entry.id))


def lead_reaches(due_day: date, lead: Offset, day: date) -> bool:
    """Whether `day` is on or after `due_day - lead` (calendar-correct for mo and y)."""
    if lead.unit == "d":
        return (due_day - day).days <= lead.amount
    if lead.unit == "w":
        return (due_day - day).days <= 7 * lead.amount
    try:
        return due_day - lead.delta <= day
    except (OverflowError, ValueError):
        return True


def state_of(
    item: Effective, as_of: AsOf, within: Offset | None = None
) -> Reminder | None:
    """The reminder for one effective entry at T, or None when nothing is due.

    Only open entries that are reminded (deadlines, or entries with their own `warn`)
    produce reminders; `within` replaces the lead times (`remind --within`).
    """
    entry = item.entry
    if not entry.reminded or item.status != "open":
        return None
    due_day = item.due_day
    days_left = (due_day - as_of.day).days
    if days_left < 0:
        return Reminder(item, due_day, days_left, OVERDUE, None)
    if days_left == 0:
        return Reminder(item, due_day, 0, TODAY, None)
    leads = (within,) if within is not None else entry.warn
    holding = [lead for lead in leads if lead_reaches(due_day, lead, as_of.day)]
    if not holding:
        return None
    window = max(holding, key=lambda lead: due_day - lead.delta)  # latest start: the smallest
    return Reminder(item, due_day, days_left, UPCOMING, window)


_STATE_ORDER = {OVERDUE: 0, TODAY: 1, UPCOMING: 2}


def reminders(timeline: Timeline, as_of: AsOf, within: Offset | None = None) -> list[Reminder]:
    """What needs attention at T: overdue first, then by due day, then by id."""
    found = [
        reminder
        for item in known_entries(timeline, as_of)
        if (reminder := state_of(item, as_of, within)) is not None
    ]
    found.sort(key=lambda r: (_STATE_ORDER[r.state], r.due_day, r.entry.id))
    return found


def countdown(days_left: int) -> str:
    """`in 13 days`, `tomorrow`, `today`, `yesterday`, `3 days overdue`."""
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left > 1:
        return f"in {days_left} days"
    if days_left == -1:
        return "1 day overdue"
    return f"{-days_left} days overdue"

"""Pure answers for a moment T (SPEC section 3): effective dates, due days, states.

Nothing here reads the clock: every function takes the moment as an `AsOf`. Only the
command line decides what "now" is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import date as Day  # `Effective.date` shadows `date` inside the class

from .dates import Interval, Offset, Precision, get_zone
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
        """The earliest instant of the effective date or of an earlier claim; spans: their end."""
        readings = (self.date, *(claim.date for claim in self.claims))
        return min(due_instant(interval) for interval in readings)

    @property
    def due_day(self) -> Day:
        return self.due.astimezone(get_zone(self.entry.zone)).date()

    @property
    def disputed(self) -> bool:
        return any(claim.date != self.date for claim in self.claims)


def due_instant(interval: Interval) -> datetime:
    """The earliest possible instant of a date; of a span, of its end (SPEC section 3)."""
    if interval.span:
        return end_start(interval)
    return interval.start


_MONTHS_IN = {Precision.MONTH: 1, Precision.SEASON: 3, Precision.QUARTER: 3, Precision.HALF: 6,
              Precision.YEAR: 12}


def end_start(interval: Interval) -> datetime:
    """The earliest instant of the last unit a date covers: `2025-06/2025-08` → Aug 1.

    For a span that is where its second end begins, with that end's own precision.
    """
    precision = interval.end_precision
    if precision >= Precision.MINUTE:
        unit = timedelta(minutes=1) if precision == Precision.MINUTE else timedelta(seconds=1)
        return max(interval.start, interval.end - unit)
    last = interval.last_day
    if precision == Precision.DAY:
        first = last
    else:
        index = last.year * 12 + last.month - 1 - (_MONTHS_IN[precision] - 1)
        first = date(index // 12, index % 12 + 1, 1)
    begin = datetime.combine(first, time(), tzinfo=get_zone(interval.zone))
    return max(interval.start, begin)


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
    if any(claim.announced is not None for claim in claims):
        claims = known_claims(claims, as_of)
    return Effective(entry, current, status, claims, tuple(applied), note)


def known_claims(claims: Iterable[Claim], as_of: AsOf) -> tuple[Claim, ...]:
    """The claims known at T: a claim announced later is not a reading anyone had yet."""
    return tuple(
        claim
        for claim in claims
        if claim.announced is None or claim.announced.start <= as_of.moment
    )


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


def lead_start(due_day: date, lead: Offset) -> date | None:
    """The first day within `lead` of `due_day` (calendar-correct for mo and y).

    None when that day would fall before the year 1: every representable day is within.
    """
    try:
        if lead.unit == "d":
            return due_day - timedelta(days=lead.amount)
        if lead.unit == "w":
            return due_day - timedelta(days=7 * lead.amount)
        start: date = due_day - lead.delta
        return start
    except (OverflowError, ValueError):
        return None


def lead_reaches(due_day: date, lead: Offset, day: date) -> bool:
    """Whether `day` is on or after `due_day - lead`."""
    start = lead_start(due_day, lead)
    return start is None or start <= day


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
    # the smallest lead that holds it is the one whose reminders start latest
    window = max(holding, key=lambda lead: lead_start(due_day, lead) or date.min)
    return Reminder(item, due_day, days_left, UPCOMING, window)


SOON, LATER = "soon", "later"


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a reminded entry stands at T, for display (`show`): urgency and countdown.

    `urgency` is `overdue`, `today`, `soon` (within a lead time), `later` (open, not yet
    within any lead time), or the entry's closed status (`met`, `missed`, `cancelled`,
    `superseded`).
    """

    urgency: str
    days_left: int
    window: Offset | None


def standing(item: Effective, as_of: AsOf) -> Standing | None:
    """The countdown of a reminded entry at T; None for entries that are never reminded."""
    if not item.entry.reminded:
        return None
    days_left = (item.due_day - as_of.day).days
    if item.status != "open":
        return Standing(item.status, days_left, None)
    reminder = state_of(item, as_of)
    if reminder is None:
        return Standing(LATER, days_left, None)
    urgency = SOON if reminder.state == UPCOMING else reminder.state
    return Standing(urgency, days_left, reminder.window)


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

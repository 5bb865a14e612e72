"""Pure answers for a moment T (SPEC section 3): effective dates, due days, states.

Nothing here reads the clock: every function takes the moment as an `AsOf`. Only the
command line decides what "now" is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from datetime import date as Day  # `Effective.date` shadows `date` inside the class
from itertools import pairwise

from .dates import DateError, Interval, Offset, distinct_leads, get_zone, shift
from .timeline import Change, Claim, Entry, Location, Problem, Timeline

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
        try:
            local = moment.astimezone(get_zone(zone))
        except OverflowError:
            raise DateError(
                f"{moment.isoformat()} is outside the years 0001–9999 in {zone}"
            ) from None
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


def end_start(interval: Interval) -> datetime:
    """The earliest instant of the last unit a date covers: `2025-06/2025-08` → Aug 1.

    For a span that is where its second end begins, with that end's own precision.
    """
    return interval.last_unit_start


@dataclass(frozen=True, slots=True)
class Reminder:
    """A deadline `remind` lists at T: when it is due, and why it is listed now."""

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


def effective(entry: Entry, as_of: AsOf, timeline: Timeline | None) -> Effective:
    """The entry as known at T (SPEC section 3).

    Changes are applied in `announced` order (equal moments in file order), whatever their
    order in the file. A relative date (`truce + 7d`) counts from its base's *effective*
    date at T, found in `timeline`, unless the entry's own applied changes set a date.
    `timeline` is required so that no caller forgets it; None (only for an entry alone,
    as in a property test) or a base not in it: the date counts from the written date.
    """
    index = timeline.index if timeline is not None else None
    return _effective(entry, as_of, index, {})


def changes_in_order(entry: Entry) -> tuple[Change, ...]:
    """The entry's changes oldest first by `announced` (a stable sort: ties keep file order)."""
    changes = entry.changes
    if all(a.announced.start <= b.announced.start for a, b in pairwise(changes)):
        return changes
    return tuple(sorted(changes, key=_announced_start))


def _announced_start(change: Change) -> datetime:
    return change.announced.start


def _effective(
    entry: Entry, as_of: AsOf, index: Mapping[str, Entry] | None, memo: dict[str, Interval]
) -> Effective:
    start = entry.date
    if entry.relative is not None and index is not None:
        start = _followed(entry, as_of, index, memo)
    current = start
    status = "open"
    claims = entry.claims
    note = None
    applied: list[Change] = []
    for change in changes_in_order(entry):
        if change.announced.start > as_of.moment:
            continue  # not yet known at T
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


def _followed(
    entry: Entry, as_of: AsOf, index: Mapping[str, Entry], memo: dict[str, Interval]
) -> Interval:
    """The date a relative entry counts from at T: its base's effective date, shifted.

    Walks the chain of bases without recursion (chains may be long); `memo` keeps the
    effective dates found on the way, for the other entries of one pass.
    """
    chain: list[Entry] = []
    current: Entry | None = entry
    seen: set[str] = set()
    while current is not None and current.relative is not None and current.key not in memo:
        if current.key in seen:  # a cycle (the loader refuses them): the written dates stand
            return entry.date
        seen.add(current.key)
        chain.append(current)
        current = index.get(current.relative.ref)
    start = entry.date
    for member in reversed(chain):
        relative = member.relative
        assert relative is not None
        base = index.get(relative.ref)
        start = member.date
        if base is not None:
            base_date = memo.get(base.key)
            if base_date is None:
                base_date = _effective(base, as_of, None, memo).date  # not relative itself
                memo[base.key] = base_date
            if base_date is not base.date:  # the base moved (or follows one that did)
                try:
                    start = shift(base_date, relative.sign, relative.offset, member.zone)
                except ValueError:  # DateError: past the calendar's end, or a skipped day
                    start = member.date  # the date as loaded, counted from the written one
        own = _own_date(member, as_of)
        memo[member.key] = own if own is not None else start
    return start


def _own_date(entry: Entry, as_of: AsOf) -> Interval | None:
    """The date the entry's own changes known at T set, if any."""
    found = None
    for change in changes_in_order(entry):
        if change.announced.start <= as_of.moment and change.date is not None:
            found = change.date
    return found


def lead_time_warnings(entry: Entry) -> Iterator[Problem]:
    """`check`: lead times of the same length named twice (`[28d, 4w]`): one counts."""
    kept = distinct_leads(entry.warn)
    if len(kept) == len(entry.warn) or not entry.warn_explicit:
        return
    dropped = [lead.text for lead in entry.warn if lead not in kept]
    yield Problem(
        entry.location or Location("?", 1, 1),
        f"lead times {', '.join(dropped)} of '{entry.id}' are as long as ones written before"
        f" them; reminders and alarms use {', '.join(lead.text for lead in kept)}",
        "warning",
        "same-lead-time",
    )


def bases_of(entry: Entry, index: Mapping[str, Entry]) -> list[Entry]:
    """The entries a relative date counts from, nearest first (none for a written date)."""
    found: list[Entry] = []
    seen = {entry.key}
    current: Entry | None = entry
    while current is not None and current.relative is not None:
        current = index.get(current.relative.ref)
        if current is None or current.key in seen:
            break
        seen.add(current.key)
        found.append(current)
    return found


def follows_moves(entry: Entry, index: Mapping[str, Entry]) -> bool:
    """Whether news may move this entry through its bases: one of them has a change that
    sets a date. If not, its date is the one loaded, whatever T."""
    return any(change.date is not None for base in bases_of(entry, index)
               for change in base.changes)


def needed_for_reminders(timeline: Timeline) -> tuple[Entry, ...]:
    """The entries `reminders` looks at: the reminded ones and, for those whose date
    follows a base that news may move, the entries their dates count from."""
    index = timeline.index
    wanted: set[str] = set()
    for entry in timeline.entries:
        if not entry.reminded:
            continue
        wanted.add(entry.key)
        if entry.relative is not None and follows_moves(entry, index):
            wanted.update(base.key for base in bases_of(entry, index))
    return tuple(entry for entry in timeline.entries if entry.key in wanted)


def change_order_warnings(entry: Entry) -> Iterator[Problem]:
    """`check`: a change written after one announced later (it is applied before it)."""
    latest: Change | None = None
    for change in entry.changes:
        if latest is not None and change.announced.start < latest.announced.start:
            location = change.location or entry.location or Location("?", 1, 1)
            yield Problem(
                location,
                f"this change to '{entry.id}' (announced {change.announced.text}) is written "
                f"after one announced {latest.announced.text}; changes apply in the order "
                "they were announced, so it applies first: write the changes oldest first",
                "warning",
                "change-order",
            )
        elif latest is None or change.announced.start > latest.announced.start:
            latest = change


def known_entries(
    timeline: Timeline, as_of: AsOf, wanted: Callable[[Entry], bool] | None = None
) -> Iterator[Effective]:
    """Every entry known at T, in timeline order, with its effective date; with `wanted`,
    only the entries it accepts (the bases their dates count from are followed all the
    same, each once: chains of relative dates may be long).

    Entries stay in the order of their *written* dates; use `sorted_by_effective` to
    place moved deadlines where they now fall.
    """
    index = timeline.index
    memo: dict[str, Interval] = {}
    for entry in timeline.entries:
        if (wanted is None or wanted(entry)) and is_known(entry, as_of):
            yield _effective(entry, as_of, index, memo)


def sorted_by_effective(items: Iterable[Effective]) -> list[Effective]:
    return sorted(items, key=lambda e: (*e.date.sort_key(), e.entry.id))


def lead_start(due_day: date, lead: Offset) -> date | None:
    """The first day within `lead` of `due_day` (calendar-correct for mo and y).

    None when that day would fall before the year 1: every representable day is within.
    """
    try:
        return lead.move(due_day, -1)
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
        # a date on which something starts to apply is not a missed deadline (SPEC §3)
        return Reminder(item, due_day, days_left, OVERDUE, None) if entry.is_deadline else None
    if days_left == 0:
        return Reminder(item, due_day, 0, TODAY, None)
    leads = (within,) if within is not None else distinct_leads(entry.warn)
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
    if days_left < 0 and not item.entry.is_deadline:
        return None  # past: an entry with its own warn is never overdue, only an event
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

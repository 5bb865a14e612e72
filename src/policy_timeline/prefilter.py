"""Which entries *might* be reminded at T, from plain numbers: so a cached `remind` can
skip unpickling the many deadlines that cannot be due.

For each entry that can ever be reminded, `summarize` keeps what `schedule.effective` and
`schedule.state_of` look at, reduced to integers: when the entry became known, its due
day (as a day ordinal in its zone) and status, and how each change moves them. At T,
`might_be_due` replays the changes known by T and answers False only when the entry is
certainly not reminded: unknown at T, closed, or due later than its largest lead time
can reach (leads in months or years are rounded up, so this errs on the side of
keeping). The real answer is always `schedule.state_of` on the real entry: this only
spares the work for entries it would say None for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dates import Interval, Offset
    from .schedule import AsOf
    from .timeline import Claim, Entry

# (announced timestamp, due ordinal or None, claims' earliest due ordinal or None, status or None)
ChangeSummary = tuple[float, int | None, int | None, str | None]
# (known-from timestamp or None, due ordinal, longest lead in days (rounded up), changes)
Summary = tuple[float | None, int, int, tuple[ChangeSummary, ...]]

_UPPER_DAYS = {"d": 1, "w": 7, "mo": 31, "y": 366}


def lead_days_upper(lead: Offset) -> int:
    """At least as many days as the lead time can span, whatever the month."""
    return lead.amount * _UPPER_DAYS[lead.unit]


def _due_ordinal(interval: Interval, zone: str) -> int:
    from .dates import get_zone
    from .schedule import due_instant

    moment: datetime = due_instant(interval)
    return moment.astimezone(get_zone(zone)).date().toordinal()


def _claims_ordinal(claims: Iterable[Claim], zone: str) -> int | None:
    days = [_due_ordinal(claim.date, zone) for claim in claims]
    return min(days) if days else None


#: Kept whatever T: an entry whose date follows another's, or that others' dates follow.
ALWAYS: Summary = (None, -(2**62), 0, ())


def summarize(entry: Entry, follows_moves: bool = False) -> Summary:
    """`follows_moves`: its date counts from an entry that news may move (then, and for
    such a base itself, the summary keeps it whatever T)."""
    if follows_moves or not entry.reminded:
        return ALWAYS
    zone = entry.zone
    due = _due_ordinal(entry.date, zone)
    claims = _claims_ordinal(entry.claims, zone)
    if claims is not None:
        due = min(due, claims)
    changes = tuple(
        (
            change.announced.start.timestamp(),
            _due_ordinal(change.date, zone) if change.date is not None else None,
            _claims_ordinal(change.claims, zone),
            change.status,
        )
        for change in entry.changes
    )
    changes = tuple(sorted(changes, key=lambda change: change[0]))  # in announced order
    known = entry.announced.start.timestamp() if entry.announced is not None else None
    longest = max((lead_days_upper(lead) for lead in entry.warn), default=0)
    return known, due, longest, changes


def might_be_due(summary: Summary, as_of: AsOf, within: Offset | None = None) -> bool:
    """False only when `schedule.state_of` would certainly give None at T."""
    known, due, longest, changes = summary
    moment = as_of.moment.timestamp()
    if known is not None and known > moment:
        return False
    status = "open"
    for announced, new_due, claims, new_status in changes:
        if announced > moment:
            continue  # applied in announced order, like schedule.effective
        if new_due is not None:
            due = new_due if claims is None else min(new_due, claims)
        elif claims is not None:
            due = min(due, claims)
        if new_status is not None:
            status = new_status
    if status != "open":
        return False
    reach = lead_days_upper(within) if within is not None else longest
    return as_of.day.toordinal() >= due - reach

"""The random date oracle (issue 11): due day, days left and state from `schedule`, against
an independent computation with zoneinfo and dateutil, for random files and moments.

Each example writes two stories in two zones: a base entry (a day, a month, a quarter, a
season, a half, a year, or a span of months or days, with changes that move it, announced
in any order) and a deadline relative
to it (`base ± N unit`, possibly with a change of its own), and asks at a random T. The
oracle knows only the rules of SPEC §2–3: a day is a calendar day in every zone, changes
apply in `announced` order, a relative date follows its base's effective date at T, a span
is due from the start of its last unit, and lead times count back calendar days.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policy_timeline.loader import load
from policy_timeline.report import remind_document, show_document
from policy_timeline.schedule import AsOf, effective, known_entries, reminders, state_of

ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "Europe/London",
         "Pacific/Kiritimati", "America/St_Johns", "Pacific/Apia"]
UNITS = {"d": lambda n: relativedelta(days=n), "w": lambda n: relativedelta(weeks=n),
         "mo": lambda n: relativedelta(months=n), "y": lambda n: relativedelta(years=n)}


@dataclass(frozen=True)
class Written:
    """A date as the oracle sees it: its text, and the first day of the unit it is due from."""

    text: str
    due_from: date  # the first day of its last unit (a span) or of itself


def month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@st.composite
def written_dates(draw: st.DrawFn) -> Written:
    first = draw(st.dates(date(2010, 1, 1), date(2030, 12, 1)))
    form = draw(st.sampled_from(["day", "month", "month-span", "day-span", "quarter",
                                 "season", "half", "year"]))
    if form == "quarter":
        quarter = (first.month - 1) // 3
        return Written(f"{first.year}-Q{quarter + 1}", date(first.year, 3 * quarter + 1, 1))
    if form == "season":  # 21 spring (Mar), 22 summer (Jun), 23 autumn (Sep), 24 winter (Dec)
        season = draw(st.integers(21, 24))
        return Written(f"{first.year}-{season}", date(first.year, 3 * (season - 20), 1))
    if form == "half":
        half = 1 if first.month < 7 else 2
        return Written(f"{first.year}-H{half}", date(first.year, 6 * half - 5, 1))
    if form == "year":
        return Written(f"{first.year}", date(first.year, 1, 1))
    if form == "day":
        return Written(first.isoformat(), first)
    if form == "month":
        return Written(month_text(first), first.replace(day=1))
    if form == "month-span":
        last = first.replace(day=1) + relativedelta(months=draw(st.integers(1, 14)))
        return Written(f"{month_text(first)}/{month_text(last)}", last)
    last = first + timedelta(days=draw(st.integers(1, 60)))
    return Written(f"{first.isoformat()}/{last.isoformat()}", last)


@dataclass(frozen=True)
class Change:
    announced: date
    moved_to: Written


@st.composite
def changes(draw: st.DrawFn) -> list[Change]:
    return draw(st.lists(
        st.builds(Change, st.dates(date(2009, 1, 1), date(2031, 1, 1)), written_dates()),
        max_size=3,
    ))


def yaml_changes(items: list[Change]) -> str:
    if not items:
        return ""
    lines = ["    changes:"]
    for item in items:
        lines += [f"      - announced: {item.announced.isoformat()}",
                  f'        date: "{item.moved_to.text}"']
    return "\n".join(lines) + "\n"


def known(items: list[Change], zone: str, as_of_end: datetime) -> list[Change]:
    """The changes announced by T, in announced order (stable)."""
    ordered = sorted(items, key=lambda c: datetime.combine(c.announced, time(),
                                                           ZoneInfo(zone)))
    return [c for c in ordered
            if datetime.combine(c.announced, time(), ZoneInfo(zone)) <= as_of_end]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=written_dates(),
    base_changes=changes(),
    base_zone=st.sampled_from(ZONES),
    zone=st.sampled_from(ZONES),
    sign=st.sampled_from(["+", "-"]),
    amount=st.integers(0, 40),
    unit=st.sampled_from(list(UNITS)),
    own_changes=changes(),
    leads=st.lists(st.tuples(st.integers(1, 60), st.sampled_from(["d", "w", "mo"])),
                   min_size=1, max_size=3),
    as_of=st.dates(date(2009, 6, 1), date(2032, 6, 1)),
)
def test_schedule_agrees_with_an_independent_computation(
    base: Written, base_changes: list[Change], base_zone: str, zone: str, sign: str,
    amount: int, unit: str, own_changes: list[Change], leads: list[tuple[int, str]],
    as_of: date,
) -> None:
    warn = ", ".join(f"{n}{u}" for n, u in leads)
    with tempfile.TemporaryDirectory() as folder:
        base_path = Path(folder, "a.yaml")
        base_path.write_text(
            f"timezone: {base_zone}\nevents:\n  - id: base\n    title: Base\n"
            f'    date: "{base.text}"\n' + yaml_changes(base_changes), encoding="utf-8")
        follow_path = Path(folder, "b.yaml")
        follow_path.write_text(
            f"timezone: {zone}\nevents:\n  - id: follow\n    title: Follow\n"
            f"    kind: deadline\n    date: a:base {sign} {amount}{unit}\n    warn: [{warn}]\n"
            + yaml_changes(own_changes), encoding="utf-8")
        result = load([follow_path, base_path])
    # a day that a zone skips (Apia, 2011-12-30) is refused with a message: not compared
    assume(not result.errors)
    timeline = result.timeline
    at = AsOf.of_day(as_of, timeline.timezone)
    item = effective(timeline.by_id()["follow"], at, timeline)
    reminder = state_of(item, at)

    # the oracle
    as_of_end = datetime.combine(as_of, time.max, ZoneInfo(zone))
    own = known(own_changes, zone, as_of_end)
    if own:
        due = own[-1].moved_to.due_from
    else:
        moved = known(base_changes, base_zone, as_of_end)
        base_due = moved[-1].moved_to.due_from if moved else base.due_from
        delta = UNITS[unit](amount)
        due = base_due + delta if sign == "+" else base_due - delta
    days_left = (due - as_of).days
    if days_left < 0:
        state = "overdue"
    elif days_left == 0:
        state = "today"
    else:
        starts = {f"{n}{u}": due - UNITS[u](n) for n, u in leads}
        holding = {text: start for text, start in starts.items() if start <= as_of}
        state = "upcoming" if holding else None
    assert item.due_day == due
    assert (reminder.state if reminder else None) == state
    if reminder is not None:
        assert reminder.days_left == days_left
        if state == "upcoming":
            assert reminder.window is not None
            assert starts[reminder.window.text] == max(holding.values())

    # every way of asking gives the same answer: the JSON of show and remind, the listing
    shown = next(e for e in show_document(timeline, at)["entries"] if e["id"] == "follow")
    assert (shown["due"], shown["days_left"], shown["state"]) == (due.isoformat(), days_left,
                                                                  state)
    reminded = [r for r in remind_document(at, reminders(timeline, at))["reminders"]]
    assert [(r["due"], r["state"]) for r in reminded] == (
        [(due.isoformat(), state)] if state else [])
    listed = next(i for i in known_entries(timeline, at) if i.entry.id == "follow")
    assert listed.due_day == due

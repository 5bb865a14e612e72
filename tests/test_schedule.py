"""SPEC §3: effective dates, due, states, windows and the as-of cutoff, for a moment T."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_timeline.dates import Offset, parse_edtf
from policy_timeline.report import remind_document
from policy_timeline.schedule import (
    LATER,
    OVERDUE,
    SOON,
    TODAY,
    UPCOMING,
    AsOf,
    countdown,
    effective,
    end_start,
    is_known,
    known_entries,
    lead_reaches,
    reminders,
    standing,
    state_of,
)
from policy_timeline.timeline import Change, Claim, Entry, FileInfo, Timeline

ZONE = "America/New_York"


def day(text: str) -> AsOf:
    return AsOf.of_day(date.fromisoformat(text), ZONE)


def deadline(
    when: str = "2025-08-10",
    *,
    entry_id: str = "d",
    warn: tuple[Offset, ...] = (Offset(14, "d"), Offset(3, "d")),
    kind: str = "deadline",
    explicit: bool = True,
    claims: tuple[Claim, ...] = (),
    changes: tuple[Change, ...] = (),
    announced: str | None = None,
) -> Entry:
    return Entry(
        id=entry_id, title=f"Deadline {entry_id}", date=parse_edtf(when, ZONE), date_text=when,
        kind=kind, warn=warn, warn_explicit=explicit, claims=claims, changes=changes,
        announced=parse_edtf(announced, ZONE) if announced else None, zone=ZONE,
    )


def change(announced: str, when: str | None = None, status: str | None = None,
           note: str | None = None, claims: tuple[Claim, ...] = ()) -> Change:
    return Change(parse_edtf(announced, ZONE), parse_edtf(when, ZONE) if when else None,
                  status, note, claims=claims)


def claim(when: str) -> Claim:
    return Claim(parse_edtf(when, ZONE), ("https://example.org/x",))


def timeline_of(*entries: Entry) -> Timeline:
    info = FileInfo("t.yaml", "T", ZONE, (Offset(30, "d"),))
    return Timeline((info,), tuple(sorted(entries, key=lambda e: (*e.date.sort_key(), e.id))))


# ------------------------------------------------------------------- effective dates


EXTENDED = deadline(changes=(
    change("2025-08-11", "2025-11-10", note="Extended 90 days"),
    change("2025-11-04", "2026-11-10", note="Extended one year"),
))


@pytest.mark.parametrize(("as_of", "expected", "applied"), [
    ("2025-08-10", "2025-08-10", 0),
    ("2025-08-11", "2025-11-10", 1),  # announced that day: known all day
    ("2025-11-03", "2025-11-10", 1),
    ("2025-11-04", "2026-11-10", 2),
])
def test_changes_apply_in_order_up_to_t(as_of: str, expected: str, applied: int) -> None:
    item = effective(EXTENDED, day(as_of), None)
    assert item.date.text == expected
    assert item.changed == applied
    assert item.due_day == date.fromisoformat(expected)


def test_a_change_announced_later_in_the_day_is_not_known_earlier_that_day() -> None:
    entry = deadline(changes=(change("2025-08-11T15:00", "2025-11-10"),))
    morning = AsOf.of_moment(datetime(2025, 8, 11, 9, 0, tzinfo=timezone(timedelta(hours=-4))), ZONE)
    assert effective(entry, morning, None).date.text == "2025-08-10"
    assert effective(entry, day("2025-08-11"), None).date.text == "2025-11-10"


def test_status_changes_and_closed_deadlines_are_not_reminded() -> None:
    for status in ("met", "cancelled", "superseded", "missed"):
        entry = deadline(changes=(change("2025-08-01", status=status, note="n"),))
        item = effective(entry, day("2025-08-05"), None)
        assert item.status == status
        assert item.note == "n"
        assert state_of(item, day("2025-08-05")) is None
        assert state_of(item, day("2025-08-20")) is None
        shown = standing(item, day("2025-08-20"))
        assert shown is not None and shown.urgency == status
        # before the change is announced, it is still open and reminded
        assert state_of(effective(entry, day("2025-07-31"), None), day("2025-07-31")) is not None


def test_a_new_date_drops_the_claims_of_the_old_one() -> None:
    entry = deadline(claims=(claim("2025-08-08"),), changes=(change("2025-08-11", "2025-11-10"),))
    before = effective(entry, day("2025-08-01"), None)
    assert before.disputed and before.due_day == date(2025, 8, 8)  # the earlier claim
    after = effective(entry, day("2025-08-11"), None)
    assert after.claims == () and not after.disputed
    assert after.due_day == date(2025, 11, 10)


def test_a_change_may_bring_its_own_claims() -> None:
    entry = deadline(changes=(change("2025-08-11", "2025-11-10", claims=(claim("2025-11-01"),)),))
    assert effective(entry, day("2025-08-12"), None).due_day == date(2025, 11, 1)


def test_a_later_claim_does_not_move_due() -> None:
    item = effective(deadline(claims=(claim("2025-08-12"),)), day("2025-08-01"), None)
    assert item.due_day == date(2025, 8, 10)
    assert item.disputed


def test_entries_announced_after_t_are_hidden() -> None:
    entry = deadline(announced="2025-07-01")
    assert not is_known(entry, day("2025-06-30"))
    assert is_known(entry, day("2025-07-01"))
    timeline = timeline_of(entry, deadline(entry_id="e"))
    assert [i.entry.id for i in known_entries(timeline, day("2025-06-30"))] == ["e"]
    assert reminders(timeline, day("2025-06-30"), Offset(1, "y"))[0].entry.id == "e"


# ------------------------------------------------------------------------------ due


@pytest.mark.parametrize(("written", "due"), [
    ("2025-08", "2025-08-01"),  # partial: due from its first day
    ("2025-Q4", "2025-10-01"),
    ("2025-H2?", "2025-07-01"),
    ("2025-06~", "2025-06-01"),
    ("2025-06-09/2025-06-10", "2025-06-10"),  # a span: its end
    ("2025-06/2025-08", "2025-08-01"),  # … with the end's own precision
    ("2025-06-09/2025-Q3", "2025-07-01"),
    ("2025-08-12T00:01-04:00", "2025-08-12"),
    ("2025-08-12T03:00Z", "2025-08-11"),  # 23:00 the day before in New York
])
def test_due_day(written: str, due: str) -> None:
    assert effective(deadline(written), day("2025-01-01"), None).due_day == date.fromisoformat(due)


def test_end_start_of_timed_span() -> None:
    interval = parse_edtf("2025-08-12T09:00/2025-08-12T17:00", ZONE)
    assert end_start(interval).hour == 17 and end_start(interval).minute == 0


# ---------------------------------------------------------------------------- states


@pytest.mark.parametrize(("as_of", "state", "days_left", "window"), [
    ("2025-07-26", None, 15, None),  # beyond the largest lead time (14d)
    ("2025-07-27", UPCOMING, 14, "14d"),
    ("2025-08-06", UPCOMING, 4, "14d"),
    ("2025-08-07", UPCOMING, 3, "3d"),  # the smallest lead that holds it
    ("2025-08-09", UPCOMING, 1, "3d"),
    ("2025-08-10", TODAY, 0, None),
    ("2025-08-11", OVERDUE, -1, None),
])
def test_states(as_of: str, state: str | None, days_left: int, window: str | None) -> None:
    found = state_of(effective(deadline(), day(as_of), None), day(as_of))
    if state is None:
        assert found is None
        return
    assert found is not None
    assert (found.state, found.days_left) == (state, days_left)
    assert (found.window.text if found.window else None) == window


def test_within_replaces_the_lead_times() -> None:
    item = effective(deadline(), day("2025-07-01"), None)
    assert state_of(item, day("2025-07-01")) is None
    found = state_of(item, day("2025-07-01"), within=Offset(6, "w"))
    assert found is not None and found.window == Offset(6, "w")
    assert state_of(item, day("2025-07-01"), within=Offset(0, "d")) is None


def test_plain_entries_are_not_reminded_but_own_warn_is() -> None:
    event = deadline(kind="meeting", explicit=False)
    assert state_of(effective(event, day("2025-08-09"), None), day("2025-08-09")) is None
    assert standing(effective(event, day("2025-08-09"), None), day("2025-08-09")) is None
    notice = deadline(kind="notice", explicit=True)
    assert state_of(effective(notice, day("2025-08-09"), None), day("2025-08-09")) is not None


def test_standing_for_display() -> None:
    item = effective(deadline(), day("2025-06-01"), None)
    assert standing(item, day("2025-06-01")) == standing(item, day("2025-06-01"))
    shown = standing(item, day("2025-06-01"))
    assert shown is not None and (shown.urgency, shown.days_left) == (LATER, 70)
    soon = standing(item, day("2025-08-01"))
    assert soon is not None and soon.urgency == SOON


def test_reminders_overdue_first_then_by_due() -> None:
    timeline = timeline_of(
        deadline("2025-08-20", entry_id="later"),
        deadline("2025-08-08", entry_id="overdue"),
        deadline("2025-08-10", entry_id="today"),
        deadline("2025-08-12", entry_id="soon"),
        deadline("2025-08-01", entry_id="long-overdue"),
    )
    found = reminders(timeline, day("2025-08-10"))
    assert [r.entry.id for r in found] == ["long-overdue", "overdue", "today", "soon", "later"]


def test_calendar_months() -> None:
    # one month before Mar 31 is Feb 28 (clamped), not Mar 3
    assert lead_reaches(date(2025, 3, 31), Offset(1, "mo"), date(2025, 2, 28))
    assert not lead_reaches(date(2025, 3, 31), Offset(1, "mo"), date(2025, 2, 27))
    assert lead_reaches(date(2024, 2, 29), Offset(1, "y"), date(2023, 2, 28))
    assert lead_reaches(date(1, 1, 5), Offset(1, "y"), date(1, 1, 1))  # before year 1: always


@pytest.mark.parametrize(("days", "text"), [
    (13, "in 13 days"), (1, "tomorrow"), (0, "today"), (-1, "1 day overdue"),
    (-3, "3 days overdue"),
])
def test_countdown(days: int, text: str) -> None:
    assert countdown(days) == text


# ------------------------------------------------------------ property: a direct count


def _months_back(start: date, months: int) -> date | None:
    index = start.year * 12 + start.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        return None
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def _first_day_within(due: date, lead: Offset) -> date | None:
    if lead.unit in ("d", "w"):
        days = lead.amount * (7 if lead.unit == "w" else 1)
        return due - timedelta(days=days) if days < (due - date.min).days else None
    return _months_back(due, lead.amount * (12 if lead.unit == "y" else 1))


leads = st.builds(
    Offset,
    st.integers(min_value=0, max_value=120),
    st.sampled_from(["d", "w", "mo", "y"]),
)


@settings(max_examples=300, deadline=None)
@given(
    due=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    lead_times=st.lists(leads, min_size=1, max_size=4),
    shift=st.integers(min_value=-400, max_value=4000),
    within=st.one_of(st.none(), leads),
)
def test_remind_agrees_with_a_direct_count(
    due: date, lead_times: list[Offset], shift: int, within: Offset | None
) -> None:
    today = due - timedelta(days=shift)
    entry = deadline(due.isoformat(), warn=tuple(lead_times))
    as_of = AsOf.of_day(today, ZONE)
    found = reminders(timeline_of(entry), as_of, within)
    document = remind_document(as_of, found)

    days_left = (due - today).days
    starts = {lead: _first_day_within(due, lead) for lead in ([within] if within else lead_times)}
    holding = {lead: start for lead, start in starts.items() if start is None or start <= today}
    if days_left < 0:
        expected = ("overdue", None)
    elif days_left == 0:
        expected = ("today", None)
    elif holding:
        latest = max(start or date.min for start in holding.values())
        expected = ("upcoming", latest)
    else:
        assert found == [] and document["reminders"] == []
        return
    assert len(found) == 1
    reminder = found[0]
    assert reminder.days_left == days_left
    assert reminder.state == expected[0]
    row = document["reminders"][0]  # type: ignore[index]
    assert row["days_left"] == days_left and row["state"] == expected[0]
    assert row["due"] == due.isoformat()
    if expected[1] is None and reminder.state != "upcoming":
        assert reminder.window is None and row["window"] is None
    else:
        assert reminder.window is not None
        assert (_first_day_within(due, reminder.window) or date.min) == expected[1]
        assert row["window"] == reminder.window.text

"""The remind prefilter may keep too much, never too little: whenever it says an entry
cannot be due, `schedule.state_of` agrees."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from policy_timeline.dates import Offset, parse_edtf
from policy_timeline.prefilter import might_be_due, summarize
from policy_timeline.schedule import AsOf, effective, reminders, state_of
from policy_timeline.timeline import Change, Claim, Entry

ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"]
BASE = date(2025, 1, 1)

days = st.integers(min_value=0, max_value=400).map(lambda n: BASE + timedelta(days=n))
day_text = days.map(date.isoformat)
# all-day dates, months, quarters, spans, instants: every kind of due
date_text = st.one_of(
    day_text,
    days.map(lambda d: f"{d.year}-{d.month:02d}"),
    days.map(lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}"),
    st.tuples(days, st.integers(0, 40)).map(
        lambda p: f"{p[0].isoformat()}/{(p[0] + timedelta(days=p[1])).isoformat()}"
    ),
    days.map(lambda d: f"{d.isoformat()}T23:30-10:00"),
)
leads = st.lists(
    st.builds(Offset, st.integers(1, 60), st.sampled_from(["d", "w", "mo", "y"])), max_size=3
)
statuses = st.sampled_from([None, None, "open", "met", "missed", "cancelled", "superseded"])


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    zone = draw(st.sampled_from(ZONES))

    def claim() -> Claim:
        return Claim(parse_edtf(draw(date_text), zone))

    changes = tuple(
        Change(
            announced=parse_edtf(draw(day_text), zone),
            date=parse_edtf(text, zone) if (text := draw(st.none() | date_text)) else None,
            status=draw(statuses),
            note="n",
            claims=tuple(claim() for _ in range(draw(st.integers(0, 1)))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    announced = draw(st.none() | day_text)
    return Entry(
        id="e", title="E", date=parse_edtf(draw(date_text), zone), date_text="x",
        kind="deadline", warn=tuple(draw(leads)), warn_explicit=True,
        claims=tuple(claim() for _ in range(draw(st.integers(0, 2)))), changes=changes,
        announced=parse_edtf(announced, zone) if announced else None, zone=zone,
    )


@settings(max_examples=400, deadline=None)
@given(entries(), days, st.sampled_from(ZONES), st.none() | leads.map(lambda x: x[0] if x else None))
def test_never_drops_an_entry_that_is_due(
    entry: Entry, today: date, zone: str, within: Offset | None
) -> None:
    as_of = AsOf.of_day(today, zone)
    summary = summarize(entry)
    if not might_be_due(summary, as_of, within):
        known = entry.announced is None or entry.announced.start <= as_of.moment
        assert not known or state_of(effective(entry, as_of, None), as_of, within) is None


def test_it_does_skip_what_cannot_be_due() -> None:
    zone = "UTC"
    entry = Entry(
        id="far", title="Far", date=parse_edtf("2026-06-01", zone), date_text="2026-06-01",
        kind="deadline", warn=(Offset(30, "d"),), zone=zone,
        changes=(Change(parse_edtf("2025-03-01", zone), status="met"),),
    )
    summary = summarize(entry)
    assert not might_be_due(summary, AsOf.of_day(date(2025, 1, 1), zone))  # too early
    assert not might_be_due(summary, AsOf.of_day(date(2026, 6, 1), zone))  # met since March
    unmet = summarize(replace(entry, changes=()))
    assert might_be_due(unmet, AsOf.of_day(date(2026, 5, 2), zone))  # within 30 days
    assert not might_be_due(unmet, AsOf.of_day(date(2026, 4, 30), zone))
    assert might_be_due(unmet, AsOf.of_day(date(2026, 4, 30), zone), Offset(2, "mo"))


def _many_deadlines() -> str:
    """Deadlines of every shape around mid-2025: moved, met, cancelled, claimed, announced."""
    lines = ["title: Many", "timezone: America/New_York", "warn: [30d, 7d]", "events:"]
    for n in range(60):
        day = BASE + timedelta(days=7 * n)
        lines += [f"  - id: d{n}", f"    title: Deadline {n}", "    kind: deadline",
                  f"    date: {day.isoformat()}"]
        if n % 4 == 1:
            lines.append("    warn: [2mo, 3d]")
        if n % 5 == 2:
            lines += ["    claims:", f"      - date: {(day - timedelta(days=9)).isoformat()}"]
        if n % 6 == 3:
            lines.append(f"    announced: {(day - timedelta(days=20)).isoformat()}")
        if n % 3 == 0:
            lines += ["    changes:", f"      - announced: {(day - timedelta(days=5)).isoformat()}"]
            lines.append(f"        date: {(day + timedelta(days=40)).isoformat()}" if n % 2 else
                         "        status: met")
    return "\n".join(lines) + "\n"


def test_warm_remind_through_the_prefilter_equals_a_cold_one(
    write: Callable[[str], Path], run: Callable[..., Run]
) -> None:
    path = str(write(_many_deadlines()))
    assert run("-f", path, "check", "--as-of", "2025-01-01").code == 0  # fills the cache
    for as_of in ("2024-12-01", "2025-03-15", "2025-06-30", "2025-09-01", "2026-03-01"):
        for within in ((), ("--within", "10d"), ("--within", "3mo")):
            args = ("-f", path, "remind", "--as-of", as_of, "--format", "json", *within)
            warm = run(*args)
            cold = run(*args, env={"TIMELINE_NO_CACHE": "1"})
            assert warm.code == cold.code == 0
            assert warm.out == cold.out, (as_of, within)


def test_a_warm_remind_reads_only_what_might_be_due(
    write: Callable[[str], Path], run: Callable[..., Run]
) -> None:
    from policy_timeline import cache

    path = str(write(_many_deadlines()))
    assert run("-f", path, "check", "--as-of", "2025-01-01").code == 0  # fills the cache
    as_of = AsOf.of_day(date(2025, 3, 15), "America/New_York")
    everything = cache.load([path], reminded_only=True).timeline.entries
    kept = cache.load(
        [path], reminded_only=True, keep=lambda zone: lambda s: might_be_due(s, as_of)
    ).timeline.entries
    assert len(everything) == 60
    assert 0 < len(kept) < 30
    due = reminders(cache.load([path]).timeline, as_of)
    assert due and {e.id for e in kept} >= {r.entry.id for r in due}

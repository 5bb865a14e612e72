"""Issue 11 at the level of files: relative dates that follow their base's effective date,
across zones and spans; changes in `announced` order; lead times named twice; entries
with their own `warn` that are not deadlines. The same answer from every command."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline.dates import distinct_leads
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, effective, known_entries, reminders, state_of

Write = Callable[..., Path]


def _load(path: Path):  # type: ignore[no-untyped-def]
    result = load([path])
    assert not result.errors, result.errors
    return result.timeline


FOLLOW = """\
timezone: America/New_York
events:
  - id: truce
    title: Truce ends
    date: 2025-08-10
    changes:
      - announced: 2025-08-01
        date: 2025-11-10
        note: extended
  - id: followup
    title: Follow-up talks
    kind: deadline
    date: truce + 7d
    warn: [14d]
"""


def test_a_relative_date_follows_the_effective_date_of_its_base(write: Write) -> None:
    timeline = _load(write(FOLLOW))
    follow = timeline.by_id()["followup"]
    assert follow.relative is not None and follow.relative.ref == "t:truce"
    before = AsOf.of_day(date(2025, 7, 31), "America/New_York")
    after = AsOf.of_day(date(2025, 11, 5), "America/New_York")
    assert effective(follow, before, timeline).due_day == date(2025, 8, 17)
    item = effective(follow, after, timeline)
    assert item.due_day == date(2025, 11, 17)
    assert item.date.text == "2025-11-17"
    reminder = state_of(item, after)
    assert reminder is not None and reminder.state == "upcoming" and reminder.days_left == 12
    assert [r.entry.id for r in reminders(timeline, after)] == ["followup"]


def test_an_own_change_wins_over_the_base(write: Write) -> None:
    text = FOLLOW + """\
    changes:
      - announced: 2025-07-01
        date: 2025-09-01
"""
    timeline = _load(write(text))
    item = effective(timeline.by_id()["followup"], AsOf.of_day(date(2025, 11, 5)), timeline)
    assert item.due_day == date(2025, 9, 1)


def test_chains_follow_too(write: Write) -> None:
    text = FOLLOW + """\
  - id: second
    title: Second round
    kind: deadline
    date: followup + 1mo
"""
    timeline = _load(write(text))
    as_of = AsOf.of_day(date(2025, 11, 5), "America/New_York")
    items = {item.entry.id: item for item in known_entries(timeline, as_of)}
    assert items["second"].due_day == date(2025, 12, 17)


def test_every_command_agrees_on_a_followed_base(write: Write, run: Callable[..., Run]) -> None:
    path = write(FOLLOW)
    for _cold_then_warm in range(2):
        remind = json.loads(run("-f", str(path), "--as-of", "2025-11-05", "remind",
                                "--format", "json").out)
        assert [(r["id"], r["due"], r["days_left"]) for r in remind["reminders"]] == [
            ("followup", "2025-11-17", 12)]
    show = json.loads(run("-f", str(path), "--as-of", "2025-11-05", "--format", "json").out)
    followup = next(e for e in show["entries"] if e["id"] == "followup")
    assert (followup["due"], followup["days_left"], followup["effective"]["start"]) == (
        "2025-11-17", 12, "2025-11-17")
    ics = run("-f", str(path), "--as-of", "2025-11-05", "export", "ics").out
    assert "DTSTART;VALUE=DATE:20251117" in ics
    text = run("-f", str(path), "--as-of", "2025-11-05", "--format", "plain", "remind").out
    assert "Nov 17" in text and "12 days" in text


CROSS_TOKYO = """\
timezone: Asia/Tokyo
events:
  - id: tokyo-day
    title: Tokyo day
    date: 2025-08-10
"""
CROSS_NEW_YORK = """\
timezone: America/New_York
events:
  - id: follow
    title: Follow
    kind: deadline
    date: a:tokyo-day + 0d
    warn: [7d]
"""


def test_a_day_relative_to_another_zone_is_the_same_calendar_day(
    write: Write, run: Callable[..., Run]
) -> None:
    tokyo = write(CROSS_TOKYO, "a.yaml")
    new_york = write(CROSS_NEW_YORK, "b.yaml")
    args = ("-f", str(tokyo), "-f", str(new_york), "--as-of", "2025-08-05")
    remind = json.loads(run(*args, "remind", "--format", "json").out)
    assert [(r["due"], r["days_left"]) for r in remind["reminders"]] == [("2025-08-10", 5)]
    shown = run(*args, "--format", "plain", "show").out
    assert "in 5 days" in shown and "in 4 days" not in shown
    ics = run(*args, "export", "ics").out
    assert "DTSTART;VALUE=DATE:20250810" in ics


LATE_NEWS = """\
events:
  - id: d
    title: D
    kind: deadline
    date: 2025-08-10
    changes:
      - announced: 2025-09-01
        date: 2025-12-01
      - announced: 2025-08-01
        date: 2025-10-01
"""


def test_changes_apply_in_announced_order(write: Write) -> None:
    timeline = _load(write(LATE_NEWS))
    entry = timeline.by_id()["d"]
    item = effective(entry, AsOf.of_day(date(2025, 9, 5)), timeline)
    assert item.date.text == "2025-12-01"
    assert [c.announced.text for c in item.applied] == ["2025-08-01", "2025-09-01"]


def test_check_warns_when_changes_are_out_of_order(write: Write,
                                                   run: Callable[..., Run]) -> None:
    path = write(LATE_NEWS)
    result = run("-f", str(path), "--as-of", "2025-07-01", "check")
    assert f"{path}:9:9: warning:" in result.err + result.out
    assert "announced" in result.err + result.out


def test_equal_lead_times_give_one_window_and_one_alarm(write: Write) -> None:
    path = write("""\
events:
  - id: d
    title: D
    kind: deadline
    date: 2025-08-10
    warn: [4w, 28d, 1d]
""")
    timeline = _load(path)
    entry = timeline.by_id()["d"]
    assert [lead.text for lead in entry.warn] == ["4w", "28d", "1d"]  # as written
    assert [lead.text for lead in distinct_leads(entry.warn)] == ["4w", "1d"]  # first kept
    reminder = state_of(effective(entry, AsOf.of_day(date(2025, 7, 20)), timeline),
                        AsOf.of_day(date(2025, 7, 20)))
    assert reminder is not None and reminder.window is not None
    assert reminder.window.text == "4w"


@pytest.mark.parametrize("as_of", ["2025-08-03", "2025-08-10", "2025-08-20"])
def test_an_entry_with_its_own_warn_is_never_overdue(write: Write, as_of: str) -> None:
    path = write("""\
events:
  - id: law
    title: The law starts to apply
    kind: regulation
    date: 2025-08-10
    warn: [7d]
""")
    timeline = _load(path)
    at = AsOf.of_day(date.fromisoformat(as_of))
    found = reminders(timeline, at)
    expected = {"2025-08-03": ["upcoming"], "2025-08-10": ["today"], "2025-08-20": []}[as_of]
    assert [r.state for r in found] == expected


def test_check_says_which_of_equal_lead_times_counts(write: Write,
                                                     run: Callable[..., Run]) -> None:
    path = write("""\
events:
  - id: d
    title: D
    kind: deadline
    date: 2025-08-10
    warn: [4w, 28d, 1d, 1y, 12mo]
""")
    result = run("-f", str(path), "--as-of", "2025-07-01", "check")
    assert (f"{path}:2:5: warning: lead times 12mo, 28d of 'd' are as long as ones written"
            " before them; reminders and alarms use 1y, 4w, 1d") in result.out


FILLER = "".join(f"""\
  - id: filler-{n}
    title: Filler {n}
    date: 2025-01-{n % 28 + 1:02d}
""" for n in range(400))  # enough entries for the cache to keep and reuse them by pieces
EARLIER = """\
timezone: America/New_York
events:
""" + FILLER + """\
  - id: truce
    title: Truce ends
    date: 2025-12-10
  - id: followup
    title: Follow-up talks
    kind: deadline
    date: truce + 7d
    warn: [14d]
"""
BROUGHT_FORWARD = EARLIER.replace("    date: 2025-12-10\n", """\
    date: 2025-12-10
    changes:
      - announced: 2025-10-01
        date: 2025-11-01
""")


def test_a_warm_remind_follows_a_base_that_news_moves_later(
    write: Write, run: Callable[..., Run]
) -> None:
    path = write(EARLIER)
    args = ("-f", str(path), "--as-of", "2025-11-05", "remind", "--format", "json")
    for _cold_then_warm in range(2):  # Dec 17: not yet within 14 days
        assert json.loads(run(*args).out)["reminders"] == []
    path.write_text(BROUGHT_FORWARD, encoding="utf-8")  # news brings the truce forward
    for _cold_then_warm in range(2):
        found = json.loads(run(*args).out)["reminders"]
        assert [(r["due"], r["days_left"]) for r in found] == [("2025-11-08", 3)]
    path.write_text(EARLIER, encoding="utf-8")  # and back
    for _cold_then_warm in range(2):
        assert json.loads(run(*args).out)["reminders"] == []

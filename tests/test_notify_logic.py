"""The pure part of `notify`: which notices a target is owed at T, and the digest text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import BUNDLED
from policy_timeline.loader import load
from policy_timeline.notify import (
    MOVED,
    Delivered,
    NoticeBoard,
    digest,
    digest_title,
    forget_absent,
    notice_key,
)
from policy_timeline.schedule import AsOf
from policy_timeline.timeline import Timeline

Write = Callable[[str, str], Path]


def loaded(*paths: Path) -> Timeline:
    result = load([str(path) for path in paths])
    assert not result.errors, result.errors
    return result.timeline


def board(timeline: Timeline, day: str) -> NoticeBoard:
    return NoticeBoard.at(timeline, AsOf.of_day(date.fromisoformat(day), timeline.timezone))


def deadline(id_: str, when: str, warn: str = "[7d]", extra: str = "") -> str:
    return (f"  - id: {id_}\n    title: {id_.title()}\n    kind: deadline\n"
            f"    date: {when}\n    warn: {warn}\n{extra}")


def test_a_fresh_target_is_owed_every_reminder_and_then_nothing() -> None:
    timeline = loaded(BUNDLED)
    at = board(timeline, "2025-07-28")
    owed = at.owed({})
    assert [(n.name, n.state, n.window, n.due) for n in owed] == [
        ("timeline:truce-expiry", "upcoming", "14d", date(2025, 8, 10))]
    after = at.after({}, owed)
    assert after == {"timeline:truce-expiry": Delivered(
        date(2025, 8, 10), frozenset({notice_key("upcoming", date(2025, 8, 10), "14d")}))}
    assert at.owed(after) == []
    assert board(timeline, "2025-08-06").owed(after) == []  # still the 14-day window
    assert [n.window for n in board(timeline, "2025-08-07").owed(after)] == ["3d"]


def test_a_move_is_owed_only_to_a_target_that_heard_of_the_old_day(write: Write) -> None:
    path = write("title: S\nevents:\n" + deadline("vote", "2025-03-10", extra=(
        "    changes:\n      - announced: 2025-03-06\n        date: 2025-04-30\n")), "s.yaml")
    timeline = loaded(path)
    before = board(timeline, "2025-03-05")
    told = before.after({}, before.owed({}))
    assert told == {"s:vote": Delivered(date(2025, 3, 10), frozenset({"upcoming/2025-03-10/7d"}))}
    after = board(timeline, "2025-03-06")  # moved to Apr 30: out of its window
    assert after.owed({}) == []  # never told: nothing to say about a move
    [moved] = after.owed(told)
    assert (moved.state, moved.moved_from, moved.due) == (MOVED, date(2025, 3, 10),
                                                           date(2025, 4, 30))
    assert digest(after.as_of, [moved]).body.splitlines()[-1] == (
        "- MOVED Vote: moved Mar 10, 2025 → Apr 30, 2025 (in 55 days) [s:vote]")
    told_move = after.after(told, [moved])
    assert told_move == {"s:vote": Delivered(date(2025, 4, 30), frozenset())}
    assert after.owed(told_move) == []  # one moved notice per move
    assert [n.window for n in board(timeline, "2025-04-23").owed(told_move)] == ["7d"]


def test_a_cancelled_deadline_gets_no_moved_notice(write: Write) -> None:
    path = write("title: S\nevents:\n" + deadline("vote", "2025-03-10", extra=(
        "    changes:\n      - announced: 2025-03-01\n        date: 2025-05-01\n"
        "        status: cancelled\n")), "s.yaml")
    stale = {"s:vote": Delivered(date(2025, 3, 10), frozenset())}
    assert board(loaded(path), "2025-03-05").owed(stale) == []


def test_records_are_forgotten_only_for_entries_gone_from_a_loaded_story() -> None:
    record = Delivered(date(2025, 1, 1), frozenset())
    delivered = {"a:kept": record, "a:gone": record, "b:other": record}
    assert forget_absent(delivered, {"a:kept"}, {"a"}) == {"a:kept": record, "b:other": record}


def test_stories_with_something_overdue_come_first(write: Write) -> None:
    calm = write("title: Calm\nevents:\n" + deadline("later", "2025-03-12"), "a-calm.yaml")
    urgent = write("title: Urgent\nevents:\n" + deadline("soon", "2025-03-15")
                   + deadline("late", "2025-03-01", extra="    consequence: Fines\n"),
                   "b-urgent.yaml")
    at = board(loaded(calm, urgent), "2025-03-10")
    owed = at.owed({})
    assert [(n.name, n.state) for n in owed] == [
        ("b-urgent:late", "overdue"), ("b-urgent:soon", "upcoming"), ("a-calm:later", "upcoming")]
    message = digest(at.as_of, owed)
    assert message.title == "timeline: 1 overdue, 2 upcoming"
    assert message.urgent
    assert message.body == (
        "As of Mon Mar 10, 2025:\n"
        "\n"
        "Urgent (b-urgent)\n"
        "- OVERDUE Late: Mar 1, 2025, 9 days overdue [b-urgent:late]\n"
        "  Consequence: Fines\n"
        "- UPCOMING Soon: Mar 15, 2025, in 5 days, within 7d [b-urgent:soon]\n"
        "\n"
        "Calm (a-calm)\n"
        "- UPCOMING Later: Mar 12, 2025, in 2 days, within 7d [a-calm:later]\n"
    )


@pytest.mark.parametrize(("states", "title"), [
    (["upcoming"], "timeline: 1 upcoming"),
    (["overdue", "upcoming", "upcoming"], "timeline: 1 overdue, 2 upcoming"),
    (["today", "moved"], "timeline: 1 due today, 1 moved"),
])
def test_the_title_counts_by_state(states: list[str], title: str) -> None:
    from policy_timeline.notify import Notice, Story

    notices = [Notice(Story("s", None), f"e{i}", "E", state, date(2025, 1, 1), 0, None,
                      "Jan 1, 2025", None, None, None) for i, state in enumerate(states)]
    assert digest_title(notices) == title


def test_an_earlier_claim_is_named_as_what_makes_it_due(write: Write) -> None:
    path = write("title: S\nevents:\n" + deadline("vote", "2025-03-20", extra=(
        "    claims:\n      - date: 2025-03-14\n")), "s.yaml")
    [notice] = board(loaded(path), "2025-03-10").owed({})
    assert notice.date_text == "Mar 20, 2025 (earliest reading Mar 14, 2025)"
    assert notice.days_left == 4

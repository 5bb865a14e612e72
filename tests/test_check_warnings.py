"""`check` warnings about kinds, the order of changes and statuses that cannot apply
(issue 10), and kinds compared without case wherever they decide something."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline.checks import warnings
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf, reminders
from policy_timeline.timeline import Problem, Timeline

WriteFile = Callable[..., Path]
RunCli = Callable[..., Run]
AS_OF = AsOf.of_day(date(2025, 8, 1), "UTC")


def loaded(path: Path) -> Timeline:
    result = load([path])
    assert not result.errors, result.errors
    return result.timeline


def coded(problems: list[Problem], code: str) -> list[Problem]:
    return [problem for problem in problems if problem.code == code]


def entries(*lines: str) -> str:
    return "events:\n" + "".join(f"  - {line}\n" for line in lines)


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize("kind", ["deadline", "Deadline", "DEADLINE", "DeadLine"])
def test_a_deadline_is_a_deadline_whatever_its_case(write: WriteFile, kind: str) -> None:
    timeline = loaded(write(entries(f"{{id: d, title: D, kind: {kind}, date: 2025-08-10}}")))
    assert timeline.entries[0].is_deadline
    due = reminders(timeline, AS_OF)
    assert [(r.entry.id, r.days_left) for r in due] == [("d", 9)]
    assert not coded(warnings(timeline, AS_OF), "kind-misspelled")


@pytest.mark.parametrize("kind", ["dealine", "deadlne", "Dedline", "deadlines", "dead-line"])
def test_a_kind_close_to_deadline_is_a_warning_saying_what_was_understood(
    write: WriteFile, kind: str
) -> None:
    timeline = loaded(write(entries(f"{{id: d, title: D, kind: {kind}, date: 2025-08-10}}")))
    assert reminders(timeline, AS_OF) == []  # read as a plain event, as the warning says
    [problem] = coded(warnings(timeline, AS_OF), "kind-misspelled")
    assert problem.message == (
        f"kind '{kind}' of 'd' is read as a plain event, not a deadline: did you mean 'deadline'?"
    )
    assert (problem.location.line, problem.location.column) == (2, 5)


def test_a_kind_close_to_one_used_more_often_is_a_warning(write: WriteFile) -> None:
    timeline = loaded(write(entries(
        "{id: a, title: A, kind: agreement, date: 2025-01-01}",
        "{id: b, title: B, kind: Agreement, date: 2025-01-02}",
        "{id: c, title: C, kind: agrement, date: 2025-01-03}",
        "{id: d, title: D, kind: meeting, date: 2025-01-04}",
        "{id: e, title: E, kind: measure, date: 2025-01-05}",
    )))
    [problem] = coded(warnings(timeline, AS_OF), "kind-misspelled")
    assert problem.message == (
        "kind 'agrement' of 'c' is read as a kind of its own: "
        "did you mean 'agreement' (used 2 times)?"
    )
    assert problem.location.line == 4


@pytest.mark.parametrize(("first", "second", "warned"), [
    ("statment", "statement", "statment"),  # the kind the documentation suggests wins
    ("statement", "statment", "statment"),
    ("hearng", "hearing", "hearing"),  # neither is suggested: the one first used later
    ("hearing", "hearng", "hearng"),
])
def test_of_two_close_kinds_used_as_often_one_is_warned_about(
    write: WriteFile, first: str, second: str, warned: str
) -> None:
    timeline = loaded(write(entries(
        f"{{id: a, title: A, kind: {first}, date: 2025-01-01}}",
        f"{{id: b, title: B, kind: {second}, date: 2025-01-02}}",
        "{id: c, title: C, kind: meeting, date: 2025-01-03}",
    )))
    found = coded(warnings(timeline, AS_OF), "kind-misspelled")
    assert [p.message.split(" of ")[0] for p in found] == [f"kind '{warned}'"]


def test_kinds_that_are_merely_different_give_no_warning(write: WriteFile) -> None:
    kinds = ["event", "call", "meeting", "measure", "agreement", "report", "notice", "law"]
    lines = [f"{{id: e{n}, title: E, kind: {k}, date: 2025-01-0{n + 1}}}"
             for n, k in enumerate(kinds)]
    timeline = loaded(write(entries(*lines)))
    assert coded(warnings(timeline, AS_OF), "kind-misspelled") == []


# ------------------------------------------------------------------------ changes


def test_changes_announced_out_of_order_are_a_warning(write: WriteFile) -> None:
    timeline = loaded(write(
        "events:\n"
        "  - id: d\n    title: D\n    kind: deadline\n    date: 2025-08-10\n    changes:\n"
        "      - {announced: 2025-08-11, date: 2025-11-10, note: extended}\n"
        "      - {announced: 2025-08-01, note: talks}\n"
        "      - {announced: 2025-08-05, note: more talks}\n"
        "      - {announced: 2025-09-01, status: met}\n"
    ))
    found = coded(warnings(timeline, AS_OF), "change-order")
    assert [(p.location.line, p.location.column) for p in found] == [(8, 9), (9, 9)]
    assert found[0].message == (
        "this change to 'd' (announced 2025-08-01) is written after one announced 2025-08-11; "
        "changes apply in the order they were announced, so it applies first: "
        "write the changes oldest first"
    )


def test_changes_in_order_or_on_the_same_day_are_not_warned_about(
    write: WriteFile,
) -> None:
    timeline = loaded(write(
        "events:\n"
        "  - id: d\n    title: D\n    kind: deadline\n    date: 2025-08-10\n    changes:\n"
        "      - {announced: 2025-08, note: sometime in August}\n"
        "      - {announced: 2025-08-11, date: 2025-11-10}\n"
        "      - {announced: 2025-08-11, note: same day}\n"
        "      - {announced: 2025-12-01, status: met}\n"
    ))
    assert coded(warnings(timeline, AS_OF), "change-order") == []


@pytest.mark.parametrize("status", ["met", "missed"])
def test_met_or_missed_on_an_entry_that_is_never_reminded_is_a_warning(
    write: WriteFile, status: str
) -> None:
    timeline = loaded(write(
        "events:\n"
        "  - id: law\n    title: L\n    kind: dealine\n    date: 2025-08-10\n    changes:\n"
        f"      - {{announced: 2025-08-11, status: {status}}}\n"
    ))
    [problem] = coded(warnings(timeline, AS_OF), "status-not-a-deadline")
    assert problem.message == (
        f"status '{status}' on 'law', which is not a deadline (kind 'dealine') and has no "
        "'warn' of its own: met and missed are for deadlines; write 'kind: deadline' if it is one"
    )
    assert (problem.location.line, problem.location.column) == (7, 9)


def test_statuses_that_fit_give_no_warning(write: WriteFile) -> None:
    timeline = loaded(write(
        "events:\n"
        "  - id: dl\n    title: D\n    kind: Deadline\n    date: 2025-08-10\n    changes:\n"
        "      - {announced: 2025-08-11, status: met}\n"
        "  - id: law\n    title: L\n    date: 2025-08-10\n    warn: [7d]\n    changes:\n"
        "      - {announced: 2025-08-11, status: met}\n"
        "  - id: talks\n    title: T\n    kind: meeting\n    date: 2025-08-10\n    changes:\n"
        "      - {announced: 2025-08-01, status: cancelled}\n"
    ))
    assert coded(warnings(timeline, AS_OF), "status-not-a-deadline") == []


def test_check_prints_the_new_warnings_located(run: RunCli, write: WriteFile) -> None:
    path = write(entries(
        "{id: d, title: D, kind: dealine, date: 2025-08-10, "
        "changes: [{announced: 2025-08-11, status: met}]}",
    ))
    result = run("check", "-f", str(path), "--as-of", "2025-08-01")
    assert result.code == 0
    assert f"{path}:2:5: warning: kind 'dealine' of 'd' is read as a plain event" in result.out
    assert f"{path}:2:66: warning: status 'met' on 'd'" in result.out
    assert run("check", "-f", str(path), "--as-of", "2025-08-01", "--strict").code == 1


def test_thousands_of_distinct_kinds_are_not_compared_pair_by_pair() -> None:
    """A file with a kind per entry is not a vocabulary: only slips of `deadline` are
    looked for (comparing every pair took minutes for 5,000 kinds)."""
    from policy_timeline.kinds import VOCABULARY_MAX, misspelled_kinds

    kinds = [f"kind-{number:05d}" for number in range(VOCABULARY_MAX + 1)]
    assert misspelled_kinds([*kinds, "dealine"]) == {"dealine": ("deadline", 0)}
    vocabulary = ["hearing", "ruling", "vote", "hearing", "consultation", "heering"]
    assert misspelled_kinds(vocabulary) == {"heering": ("hearing", 2)}

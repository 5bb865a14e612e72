"""One presentation of an entry (issue 12): every output says the same about it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run, loaded
from policy_timeline.presentation import period, present

SEASONS = """\
title: Seasons
timezone: America/New_York
events:
  - id: winter
    title: Winter talks
    date: 2025-24
  - id: q3
    title: Third quarter review
    date: 2025-Q3
  - id: law
    title: Law applies
    kind: regulation
    date: 2025-08-12
    warn: [7d]
"""


@pytest.mark.parametrize(("command", "label"), [
    (("export", "markdown"), "## Winter 2025–2026"),
    (("export", "html"), "<h2>Winter 2025–2026</h2>"),
    (("export", "mermaid"), "section Winter 2025–2026"),
    (("--format", "plain", "show"), "Winter 2025–2026"),
])
def test_a_season_is_named_alike_everywhere(write: Callable[..., Path],
                                            run: Callable[..., Run],
                                            command: tuple[str, ...], label: str) -> None:
    path = write(SEASONS)
    result = run("-f", str(path), "--as-of", "2025-07-01", *command)
    assert result.code == 0, result.err
    assert label in result.out
    assert "Winter 2025\n" not in result.out and "Winter 2025<" not in result.out


def test_periods() -> None:
    from policy_timeline.dates import parse_edtf

    assert period(parse_edtf("2025-24")) == ("2025-12/4", "Winter 2025–2026")
    assert period(parse_edtf("2025-06~")) == ("2025-06", "June 2025")
    assert period(parse_edtf("201X")) == ("2010-01/1", "2010s")


@pytest.mark.parametrize("command", [
    ("export", "markdown"), ("export", "timelinejs"), ("export", "mermaid"),
    ("export", "html"), ("export", "svg"), ("--format", "plain", "show"), ("remind",),
])
def test_an_entry_with_its_own_warn_is_not_overdue_anywhere(
    write: Callable[..., Path], run: Callable[..., Run], command: tuple[str, ...]
) -> None:
    path = write(SEASONS)
    result = run("-f", str(path), "--as-of", "2025-09-01", *command)
    assert result.code == 0, result.err
    assert "days overdue" not in result.out and "entry overdue" not in result.out
    assert "state-overdue deadline" not in result.out


def test_history_and_readings_are_computed_once(write: Callable[..., Path]) -> None:
    path = write("""\
events:
  - id: d
    title: D
    kind: deadline
    date: 2025-08-10
    claims:
      - date: 2025-08-12
    changes:
      - announced: 2025-07-01
        status: open
        note: confirmed
      - announced: 2025-08-01
        date: 2025-11-10
        claims:
          - date: 2025-11-12
""")
    timeline, as_of, items = loaded(path, date(2025, 9, 1))
    shown = present(timeline, items[0], as_of)
    assert shown.when == "Nov 10, 2025" and shown.first_dated == "Aug 10, 2025"
    assert [(m.announced, m.moved) for m in shown.history] == [
        ("Jul 1, 2025", False), ("Aug 1, 2025", True)]
    assert shown.history[1].before.text == "2025-08-10"
    assert [r.label for r in shown.disputed] == ["Nov 12, 2025"]
    assert (shown.standing.state, shown.standing.countdown, shown.due) == (
        "open", "in 70 days", "Nov 10, 2025")

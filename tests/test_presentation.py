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


LABELS = """\
title: Labels
timezone: America/New_York
events:
  - {id: winter, title: Winter talks, date: 2025-24}
  - {id: summer, title: Summer talks, date: "2026-22?"}
  - {id: quarter, title: Quarter review, date: 2025-Q3~}
  - {id: half, title: Half plan, date: 2025-H2}
  - {id: days, title: Two days, date: 2025-06-09/2025-06-10}
  - {id: around, title: Around June, date: 2025-06~}
  - {id: unsure, title: Unsure day, date: "2025-09-01?"}
  - {id: across, title: Across years, date: 2025-11/2026-02}
"""
LABELLED = [("Winter talks", "2025-24"), ("Summer talks", "2026-22?"),
            ("Quarter review", "2025-Q3~"), ("Half plan", "2025-H2"),
            ("Two days", "2025-06-09/2025-06-10"), ("Around June", "2025-06~"),
            ("Unsure day", "2025-09-01?"), ("Across years", "2025-11/2026-02")]


def _line_of(output: str, title: str) -> str:
    return next(line for line in output.splitlines() if title in line)


def test_the_terminal_and_the_pages_give_each_date_the_same_label(
        write: Callable[..., Path], run: Callable[..., Run]) -> None:
    """Seasons, quarters, halves, spans, approximate and uncertain dates: the label the
    terminal shows beside an entry is the one Markdown and HTML give it."""
    from policy_timeline import safe_text
    from policy_timeline.dates import parse_edtf
    from policy_timeline.presentation import human

    path = write(LABELS)
    outputs = {command[-1]: run("-f", str(path), "--as-of", "2025-07-01", *command)
               for command in (("--format", "plain", "show"), ("export", "markdown"),
                               ("export", "html"))}
    assert all(result.code == 0 for result in outputs.values())
    for title, written in LABELLED:
        label = human(parse_edtf(written, "America/New_York"))
        assert label != written
        assert f"  {label}  " in _line_of(outputs["show"].out, title)
        assert f"**{safe_text.markdown_text(label)}**" in _line_of(outputs["markdown"].out, title)
        assert safe_text.html(label) in outputs["html"].out


@pytest.mark.parametrize("heading", ["Winter 2025–2026", "Summer 2026", "Q3 2025", "H2 2025"])
def test_the_terminal_lists_an_entry_under_the_period_the_pages_name(
        write: Callable[..., Path], run: Callable[..., Run], heading: str) -> None:
    """A winter is listed under `Winter 2025–2026` in the terminal too, not `December`."""
    path = write(LABELS)
    for command in (("--format", "plain", "show"), ("export", "markdown")):
        out = run("-f", str(path), "--as-of", "2025-07-01", *command).out
        headings = [line.strip(" #") for line in out.splitlines()
                    if line.startswith((" ", "## ")) and not line.startswith("  ")]
        assert heading in headings, (command, headings)

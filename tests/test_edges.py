"""Issue 11: files that pass `check` never give an internal error, whatever the command;
values at the edges (skipped days, the ends of the calendar, huge lead times) get an answer
or a located message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

Write = Callable[..., Path]

COMMANDS = [
    ("check",), ("remind",), ("show",),
    ("--format", "json", "show"), ("remind", "--format", "json"),
    *[("export", name) for name in ("ics", "json", "markdown", "html", "svg", "mermaid",
                                    "timelinejs")],
    ("export", "mermaid", "--diagram", "gantt"),
]

EDGE_FILES = {
    "huge-days": ("2025-08-10", "[999999d]"),
    "huge-years": ("2025-08-10", "[9999y]"),
    "first-year-lead": ("0001-03-01", "[1y, 2w]"),
    "first-day": ("0001-01-01", "[1d]"),
    "last-day": ("9999-12-30", "[30d]"),
    "first-instant": ("0001-01-01T00:00", "[1d]"),
    "last-instant": ("9999-12-30T23:59", "[1d]"),
    "whole-calendar": ("0001-01-01/9999-12-30", "[1y]"),
}


def _edge_file(date: str, warn: str) -> str:
    return f"""\
timezone: America/New_York
events:
  - id: d
    title: D
    kind: deadline
    date: "{date}"
    warn: {warn}
  - id: e
    title: E
    date: d + 0d
"""


@pytest.mark.parametrize("as_of", ["2025-07-01", "0001-01-02", "9999-12-29"])
@pytest.mark.parametrize("name", list(EDGE_FILES))
def test_edges_that_pass_check_never_give_an_internal_error(
    write: Write, run: Callable[..., Run], name: str, as_of: str
) -> None:
    path = write(_edge_file(*EDGE_FILES[name]))
    assert run("-f", str(path), "--as-of", as_of, "check").code == 0
    for command in COMMANDS:
        result = run("-f", str(path), "--as-of", as_of, *command)
        assert result.code in (0, 3), (command, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err


def test_alarms_of_lead_times_reaching_before_the_calendar_fire_once_on_its_first_day(
    write: Write, run: Callable[..., Run]
) -> None:
    path = write(_edge_file("0001-03-01", "[1y, 999999d, 2w]"))
    ics = run("-f", str(path), "--as-of", "0001-01-02", "export", "ics").out
    triggers = [line for line in ics.splitlines() if line.startswith("TRIGGER")]
    assert triggers == ["TRIGGER:-P59D", "TRIGGER:-P14D"]


@pytest.mark.parametrize(("date", "zone", "message"), [
    ("2011-12-30", "Pacific/Apia", "2011-12-30 does not exist in Pacific/Apia"),
    ("1993-08-21", "Pacific/Kwajalein", "1993-08-21 does not exist in Pacific/Kwajalein"),
    ("9999-12-31", "UTC", "the last day that can be used is 9999-12-30"),
])
def test_dates_that_cannot_be_held_get_a_located_message(
    write: Write, run: Callable[..., Run], date: str, zone: str, message: str
) -> None:
    path = write(f"timezone: {zone}\nevents:\n  - id: d\n    title: D\n    date: {date}\n")
    for command in (("check",), ("show",), ("export", "ics")):
        result = run("-f", str(path), "--as-of", "2025-01-01", *command)
        assert result.code == 1
        assert f"{path}:5:11: error: bad date '{date}': " in result.out + result.err
        assert message in result.out + result.err


def test_a_relative_date_landing_on_a_skipped_day_is_a_located_error(
    write: Write, run: Callable[..., Run]
) -> None:
    path = write("""\
timezone: Pacific/Apia
events:
  - id: a
    title: A
    date: 2011-12-29
  - id: b
    title: B
    date: a + 1d
""")
    result = run("-f", str(path), "check")
    assert result.code == 1
    assert f"{path}:8:11: error: bad date 'a + 1d':" in result.out
    assert "2011-12-30, a day that Pacific/Apia skips" in result.out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("command", [("check",), ("remind",), ("show",), ("export", "ics")])
def test_reading_is_bounded(run: Callable[..., Run], command: tuple[str, ...]) -> None:
    result = run("-f", "/dev/zero", *command)
    assert result.code == 1
    assert "/dev/zero:1:1: error: file is more than 256 MiB, the limit" in result.out + result.err


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_as_of_is_a_usage_error(run: Callable[..., Run], value: str) -> None:
    from conftest import BUNDLED

    for command in (("remind",), ("show",), ("export", "ics"), ("check",)):
        result = run("-f", str(BUNDLED), "--as-of", value, *command)
        assert result.code == 2, command
        assert "--as-of: an empty date" in result.err


def test_an_as_of_moment_outside_the_calendar_in_the_zone_is_a_usage_error(
    run: Callable[..., Run]
) -> None:
    from conftest import BUNDLED

    result = run("-f", str(BUNDLED), "--as-of", "0001-01-01T00:00Z", "remind")
    assert result.code == 2
    assert "--as-of '0001-01-01T00:00Z': '0001-01-01T00:00Z' begins before the first instant" in result.err

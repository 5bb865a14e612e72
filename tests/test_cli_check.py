"""`timeline check`: text and JSON output (golden), exit codes, --strict."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from conftest import BUNDLED, EXAMPLE, ROOT, Run

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def _relative(text: str) -> str:
    """Goldens hold paths relative to the repository, whatever the checkout's location."""
    return text.replace(str(ROOT) + "/", "")


def test_bundled_and_example_check_clean(run: Callable[..., Run]) -> None:
    for path in (BUNDLED, EXAMPLE):
        result = run("check", "-f", str(path), "--as-of", "2025-07-28", "--strict")
        assert result.code == 0, result.out + result.err
        assert result.out == ""
        assert "0 errors, 0 warnings" in result.err


def test_errors_text_golden(run: Callable[..., Run], golden: Callable[[str, str], None]) -> None:
    result = run("check", "-f", str(FIXTURES / "broken.yaml"), "--as-of", "2025-07-28")
    assert result.code == 1
    lines = _relative(result.out).splitlines()
    assert len(lines) == 6, lines
    assert all(": error: " in line for line in lines)
    golden("check-broken.txt", _relative(result.out))


def test_errors_json_golden(run: Callable[..., Run], golden: Callable[[str, str], None]) -> None:
    result = run(
        "check", "-f", str(FIXTURES / "broken.yaml"), "--as-of", "2025-07-28", "--format", "json"
    )
    assert result.code == 1
    document = json.loads(result.out)
    assert set(document) == {"errors", "warnings"}
    assert {tuple(sorted(e)) for e in document["errors"]} == {
        ("code", "column", "line", "message", "path")
    }
    golden("check-broken.json", _relative(result.out))


def test_warnings_text_and_json_golden(
    run: Callable[..., Run], golden: Callable[[str, str], None]
) -> None:
    path = str(FIXTURES / "warnings.yaml")
    text = run("check", "-f", path, "--as-of", "2025-11-01")
    assert text.code == 0
    codes = [line.split(": warning: ")[0] for line in text.out.splitlines()]
    assert len(codes) == 8
    golden("check-warnings.txt", _relative(text.out))
    as_json = run("check", "-f", path, "--as-of", "2025-11-01", "--format", "json")
    document = json.loads(as_json.out)
    assert document["errors"] == []
    assert sorted(w["code"] for w in document["warnings"]) == [
        "change-order",
        "disputed",
        "kind-misspelled",
        "lead-too-long",
        "past-due",
        "past-due",
        "status-not-a-deadline",
        "unknown-source",
    ]
    golden("check-warnings.json", _relative(as_json.out))


def test_strict_fails_on_warnings(run: Callable[..., Run]) -> None:
    path = str(FIXTURES / "warnings.yaml")
    assert run("check", "-f", path, "--as-of", "2025-11-01", "--strict").code == 1


def test_past_due_depends_on_as_of(run: Callable[..., Run]) -> None:
    """Before the deadline nothing is overdue: the warning follows --as-of, not the clock."""
    result = run("check", "-f", str(FIXTURES / "warnings.yaml"), "--as-of", "2025-08-01")
    assert "past-due" not in result.out and "still open" not in result.out


def test_several_files_and_environment(run: Callable[..., Run], write: Callable[..., Path]) -> None:
    a = write("events:\n  - {id: a, title: A, date: 2025-01-01}\n", "a.yaml")
    b = write("events:\n  - {id: b, title: B, date: a:a + 1mo}\n", "b.yaml")
    assert run("check", "-f", str(a), "-f", str(b), "--as-of", "2025-01-01").code == 0
    assert run("check", "--as-of", "2025-01-01", env={"TIMELINE_FILE": str(a)}).code == 0
    both = run("check", "--as-of", "2025-01-01", env={"TIMELINE_FILE": f"{a}{os.pathsep}{b}"})
    assert both.code == 0 and "2 entries" in both.err
    only_b = run("check", "-f", str(b), "--as-of", "2025-01-01")
    assert only_b.code == 1 and "unknown story 'a'" in only_b.out


def test_options_before_or_after_the_command(run: Callable[..., Run]) -> None:
    path = str(FIXTURES / "broken.yaml")
    before = run("--format", "json", "-f", path, "--as-of", "2025-07-28", "check")
    after = run("check", "--format", "json", "-f", path, "--as-of", "2025-07-28")
    assert before.code == after.code == 1
    assert before.out == after.out


def test_usage_errors_exit_2(run: Callable[..., Run]) -> None:
    assert run("check", "--no-such-option").code == 2
    bad_date = run("check", "-f", str(BUNDLED), "--as-of", "banana")
    assert bad_date.code == 2 and "--as-of" in bad_date.err


def test_no_traceback_on_hostile_files(run: Callable[..., Run], tmp_path: Path) -> None:
    binary = tmp_path / "b.yaml"
    binary.write_bytes(bytes(range(256)) * 10)
    for target in (binary, tmp_path, tmp_path / "missing.yaml"):
        result = run("check", "-f", str(target))
        assert result.code == 1
        assert "Traceback" not in result.out + result.err
        assert len(result.out.splitlines()) == 1


def test_entries_skipped_by_warnings_can_give_none(write: Callable[..., Path]) -> None:
    """`checks.warnings` looks closely only at entries that could give a warning: it
    finds what looking at every entry finds, for each kind of warning on plain events."""
    from datetime import date

    from policy_timeline.checks import _entry_warnings, warnings
    from policy_timeline.loader import load
    from policy_timeline.schedule import AsOf

    path = write(
        "sources:\n  wire: {title: Wire}\nevents:\n"
        "  - {id: plain, title: P, date: 2025-01-01, sources: [wire, 'https://x.org']}\n"
        "  - {id: cites, title: C, date: 2025-01-02, sources: [wire, nowhere]}\n"
        "  - id: changed\n    title: Ch\n    date: 2025-01-03\n    changes:\n"
        "      - {announced: 2025-01-01, status: cancelled, sources: [gone]}\n"
        "  - id: claimed\n    title: Cl\n    date: 2025-01-04\n"
        "    claims: [{date: 2025-01-09, sources: [wire]}]\n"
        "  - {id: early, title: E, date: 2025-03-01, announced: 2025-02-27, warn: [7d]}\n"
        "  - {id: due, title: D, kind: deadline, date: 2025-02-01}\n",
        "t.yaml",
    )
    timeline = load([path]).timeline
    as_of = AsOf.of_day(date(2025, 6, 1), "UTC")
    every = [p for e in timeline.entries for p in _entry_warnings(e, timeline, as_of)]
    assert warnings(timeline, as_of) == every
    assert {p.code for p in every} == {"unknown-source", "disputed", "lead-too-long", "past-due"}

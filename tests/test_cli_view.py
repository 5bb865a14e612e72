"""`timeline show` and `timeline remind` end to end, in-process; goldens under tests/golden."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, EXAMPLE, Run, process_env

RunCli = Callable[..., Run]
Golden = Callable[[str, str], None]
WriteFile = Callable[..., Path]

DATES = ["2025-06-01", "2025-07-28", "2025-08-10", "2025-08-12", "2025-11-05", "2026-11-28"]
FILES = {"bundled": BUNDLED, "extended": EXAMPLE}


# --------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("name", FILES)
def test_show_golden(run: RunCli, golden: Golden, name: str, as_of: str) -> None:
    result = run("-f", str(FILES[name]), "show", "--as-of", as_of)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out
    golden(f"show-{name}-{as_of}.txt", result.out)


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("name", FILES)
def test_remind_json_golden(run: RunCli, golden: Golden, name: str, as_of: str) -> None:
    result = run("remind", "-f", str(FILES[name]), "--as-of", as_of, "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert list(document) == ["as_of", "stories", "reminders"]
    for reminder in document["reminders"]:
        assert list(reminder) == ["id", "title", "due", "days_left", "state", "window", "status",
                                  "changed", "story"]
    golden(f"remind-{name}-{as_of}.json", result.out)


def test_remind_json_matches_the_spec_example(run: RunCli) -> None:
    result = run("remind", "-f", str(EXAMPLE), "--as-of", "2025-07-28", "--format", "json")
    assert json.loads(result.out) == {
        "as_of": "2025-07-28",
        "stories": [{"key": "truce-extended", "title": "US–China truce, with extensions",
                     "path": str(EXAMPLE)}],
        "reminders": [{"id": "truce-expiry", "title": "90-day tariff freeze expires",
                       "due": "2025-08-10", "days_left": 13, "state": "upcoming", "window": "14d",
                       "status": "open", "changed": 0, "story": "truce-extended"}],
    }


@pytest.mark.parametrize(("name", "as_of"), [("extended", "2025-08-10"), ("bundled", "2025-08-12")])
def test_remind_text_golden(run: RunCli, golden: Golden, name: str, as_of: str) -> None:
    result = run("-f", str(FILES[name]), "--as-of", as_of, "remind")
    golden(f"remind-{name}-{as_of}.txt", result.out)


def test_show_json_golden(run: RunCli, golden: Golden) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-08-12", "show", "--format", "json")
    document = json.loads(result.out)
    assert list(document) == ["as_of", "stories", "entries"]
    spec_keys = ["id", "title", "kind", "date", "effective", "status", "tags", "actors", "sources",
                 "changes"]
    for entry in document["entries"]:
        assert list(entry)[: len(spec_keys)] == spec_keys
        assert list(entry["date"]) == ["text", "start", "end", "precision", "approximate",
                                       "uncertain"]
    golden("show-extended-2025-08-12.json", result.out)


@pytest.mark.parametrize(("name", "as_of"), [("bundled", "2025-07-28"), ("extended", "2025-08-11")])
def test_show_by_actor_golden(run: RunCli, golden: Golden, name: str, as_of: str) -> None:
    result = run("-f", str(FILES[name]), "--as-of", as_of, "show", "--by", "actor")
    assert result.code == 0, result.err
    golden(f"show-{name}-by-actor-{as_of}.txt", result.out)


# ------------------------------------------------------------------------- as of T


def test_show_as_of_applies_changes_and_hides_later_entries(run: RunCli) -> None:
    early = run("-f", str(EXAMPLE), "--as-of", "2025-06-01").out
    assert "Decision on general licences" not in early  # announced 2025-07-01
    assert "Extended" not in early
    late = run("-f", str(EXAMPLE), "--as-of", "2025-11-05").out
    assert "Decision on general licences" in late
    assert "Nov 10, 2025 → Nov 10, 2026: Extended one year (announced Nov 4)" in late


def test_bare_timeline_runs_show_and_options_go_anywhere(run: RunCli) -> None:
    bare = run("-f", str(BUNDLED), "--as-of", "2025-07-28")
    after = run("show", "-f", str(BUNDLED), "--as-of", "2025-07-28")
    mixed = run("--as-of", "2025-07-28", "show", "-f", str(BUNDLED))
    assert bare.out == after.out == mixed.out
    assert "TODAY · Mon Jul 28, 2025" in bare.out


def test_environment_variables(run: RunCli) -> None:
    result = run("remind", env={"TIMELINE_FILE": str(BUNDLED), "TIMELINE_AS_OF": "2025-07-28"})
    assert "in 13 days" in result.out
    assert run("remind", "--as-of", "2025-08-12",
               env={"TIMELINE_FILE": str(BUNDLED), "TIMELINE_AS_OF": "2025-07-28"}).out.count(
        "overdue") == 2


def test_human_as_of(run: RunCli) -> None:
    result = run("-f", str(BUNDLED), "--as-of", "jul 28 2025", "remind", "--format", "json")
    assert json.loads(result.out)["as_of"] == "2025-07-28"
    assert run("-f", str(BUNDLED), "--as-of", "not a date", "remind").code == 2


# -------------------------------------------------------------------------- remind


def test_remind_prints_nothing_when_nothing_is_due(run: RunCli) -> None:
    result = run("-f", str(BUNDLED), "--as-of", "2025-06-01", "remind", "--exit-code")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_remind_exit_code(run: RunCli) -> None:
    assert run("-f", str(BUNDLED), "--as-of", "2025-07-28", "remind").code == 0
    assert run("-f", str(BUNDLED), "--as-of", "2025-07-28", "remind", "--exit-code").code == 3
    due_json = run("-f", str(BUNDLED), "--as-of", "2025-07-28", "remind", "--exit-code",
                   "--format", "json")
    assert due_json.code == 3 and json.loads(due_json.out)["reminders"]
    quiet_json = run("-f", str(BUNDLED), "--as-of", "2025-06-01", "remind", "--format", "json")
    assert json.loads(quiet_json.out) == {
        "as_of": "2025-06-01",
        "stories": [{"key": "timeline",
                     "title": "US–China trade truce and rare-earth controls, 2025",
                     "path": str(BUNDLED)}],
        "reminders": [],
    }


def test_remind_within(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-06-01", "remind", "--within", "3mo",
                 "--format", "json")
    rows = json.loads(result.out)["reminders"]
    assert [(r["id"], r["window"]) for r in rows] == [
        ("truce-expiry", "3mo"), ("tariff-snapback-notice", "3mo")]
    wide = run("-f", str(EXAMPLE), "--as-of", "2025-07-28", "remind", "--within", "10 weeks")
    assert "Review of AI chip export rules" in wide.out
    assert run("-f", str(EXAMPLE), "remind", "--within", "soon").code == 2


def test_a_broken_file_exits_1_without_traceback(run: RunCli, write: WriteFile) -> None:
    path = write("events:\n  - id: x\n    title: X\n    date: 2025-02-30\n")
    for command in ("show", "remind"):
        result = run("-f", str(path), command, "--as-of", "2025-01-01")
        assert result.code == 1
        assert "Traceback" not in result.err and ":4:" in result.err


# ------------------------------------------------------------------------- filters


def ids_of(result: Run) -> list[str]:
    return [entry["id"] for entry in json.loads(result.out)["entries"]]


@pytest.mark.parametrize(("options", "expected"), [
    (["--tag", "rare-earths"], ["magnets-easing", "london-talks", "rare-earth-licences"]),
    (["--tag", "chips,outlook"], ["h2-outlook", "chip-rule-review"]),
    (["--kind", "deadline"], ["truce-expiry", "chip-rule-review", "rare-earth-licences"]),
    (["--actor", "cn", "--kind", "concession"], ["magnets-easing"]),
    (["--from", "aug 1 2025", "--to", "2025-09"],
     ["h2-outlook", "truce-expiry", "tariff-snapback-notice", "chip-rule-review"]),
    (["--to", "jun 5 2025"], ["geneva-truce", "magnets-easing", "trump-xi-call"]),
    (["--search", "FREEZE"],
     ["geneva-truce", "freeze-midpoint", "truce-expiry", "tariff-snapback-notice"]),
    (["--search", "executive order"], []),  # announced Aug 11: not known on Aug 1
    (["--deadlines"], ["tariff-snapback-notice", "chip-rule-review", "rare-earth-licences",
                       "truce-expiry"]),
    (["--upcoming", "--deadlines"], ["tariff-snapback-notice", "chip-rule-review",
                                     "rare-earth-licences", "truce-expiry"]),
])
def test_filters(run: RunCli, options: list[str], expected: list[str]) -> None:
    as_of = "2025-08-01" if "--deadlines" not in options else "2025-08-12"
    result = run("-f", str(EXAMPLE), "--as-of", as_of, "show", "--format", "json", *options)
    assert result.code == 0, result.err
    assert ids_of(result) == expected


def test_search_sees_the_changes_known_at_t(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-08-12", "show", "--search",
                 "executive order", "--format", "json")
    assert ids_of(result) == ["truce-expiry"]


def test_upcoming_keeps_overdue_open_deadlines(run: RunCli) -> None:
    result = run("-f", str(BUNDLED), "--as-of", "2025-08-12", "show", "--upcoming",
                 "--format", "json")
    assert ids_of(result) == ["truce-expiry"]


def test_filtered_text_says_so(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-08-01", "show", "--tag", "chips")
    assert "1 entry of 10 match" in result.out
    none = run("-f", str(EXAMPLE), "--as-of", "2025-08-01", "show", "--tag", "nothing")
    assert "No entries match the filters." in none.out and none.code == 0


def test_bad_filter_dates_are_usage_errors(run: RunCli) -> None:
    assert run("-f", str(EXAMPLE), "show", "--from", "someday").code == 2
    result = run("-f", str(EXAMPLE), "show", "--from", "2025-09", "--to", "2025-08")
    assert result.code == 2 and "before" in result.err


def test_compact(run: RunCli) -> None:
    result = run("-f", str(BUNDLED), "--as-of", "2025-07-28", "show", "--compact")
    assert "Sources" not in result.out and "A temporary trade truce" not in result.out
    assert "Geneva trade truce" in result.out


def test_long_files_show_a_window_around_today(run: RunCli, write: WriteFile) -> None:
    events = "".join(
        f"  - {{id: e{n:03}, title: Event {n}, date: 2025-{1 + n // 28:02}-{1 + n % 28:02}}}\n"
        for n in range(300)
    )
    path = write("events:\n" + events)
    result = run("-f", str(path), "--as-of", "2025-07-28", "show")
    assert result.code == 0, result.err
    assert "earlier entries not shown; 'timeline show --all' shows every entry" in result.out
    assert "later entries not shown" in result.out
    assert result.out.count("Event ") == 40
    everything = run("-f", str(path), "--as-of", "2025-07-28", "show", "--all")
    assert everything.out.count("Event ") == 300 and "not shown" not in everything.out
    ranged = run("-f", str(path), "--as-of", "2025-07-28", "show", "--from", "2025-01-01")
    assert "not shown" not in ranged.out


# ------------------------------------------------------------------ colour and width


def test_no_escape_codes_when_piped_or_no_color(run: RunCli) -> None:
    piped = run("-f", str(EXAMPLE), "--as-of", "2025-08-10")
    assert "\x1b" not in piped.out
    for extra, env in ((["--format", "rich", "--no-color"], {}),
                       (["--format", "rich"], {"NO_COLOR": "1"})):
        for command in ("show", "remind"):
            result = run("-f", str(EXAMPLE), "--as-of", "2025-08-10", command, *extra, env=env)
            assert result.out and "\x1b" not in result.out
    assert "\x1b" not in run("-f", str(EXAMPLE), "--as-of", "2025-08-10", "remind").out


def test_rich_format_colours_but_links_only_on_terminals(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-08-10", "show", "--format", "rich",
                 env={"COLORTERM": "truecolor", "TERM": "xterm-256color"})
    assert "\x1b[" in result.out
    assert "\x1b]8;" not in result.out  # a StringIO is not a terminal: no OSC 8 links
    remind = run("-f", str(EXAMPLE), "--as-of", "2025-08-10", "remind", "--format", "rich")
    assert "\x1b[" in remind.out


def test_width_follows_columns(run: RunCli) -> None:
    narrow = run("-f", str(BUNDLED), "--as-of", "2025-07-28", env={"COLUMNS": "60"})
    assert max(len(line) for line in narrow.out.splitlines()) <= 60
    wide = run("-f", str(BUNDLED), "--as-of", "2025-07-28", env={"COLUMNS": "140"})
    assert max(len(line) for line in wide.out.splitlines()) > 100


# -------------------------------------------------------------------------- safety

NASTY = r"[red]boom[/red] [link=https://evil.example]x[/link] \e[2J\e]8;;https://e\ay\e]8;;\a\x9b1m"
MORE = NASTY + r" \r\u202e"  # one-line fields refuse CR; longer texts may hold it


def test_text_from_the_file_is_shown_literally(run: RunCli, write: WriteFile) -> None:
    path = write(
        "sources:\n"
        f'  s: {{title: "{NASTY}", url: "https://e.example/\\e]8;;x\\a"}}\n'
        "events:\n"
        f'  - id: nasty\n    title: "{NASTY}"\n    date: 2025-08-10\n    kind: deadline\n'
        f'    summary: "{MORE}"\n    tags: ["{NASTY}"]\n    actors: ["{NASTY}"]\n'
        f'    consequence: "{MORE}"\n    sources: [s]\n'
        f'    changes:\n      - {{announced: 2025-07-01, note: "{MORE}"}}\n'
    )
    for extra in ([], ["--format", "rich"], ["--by", "actor", "--format", "rich"]):
        result = run("-f", str(path), "--as-of", "2025-08-01", "show", *extra)
        assert result.code == 0, result.err
        visible = re.sub(r"\x1b\[[0-9;]*m", "", result.out)  # rich's own colour codes
        assert "[red]boom[/red]" in visible and "[link=https://evil.example]x[/link]" in visible
        for raw in ("\x1b[2J", "\x07", "\r", "\x9b", "\x1b]8;", "\u202e"):
            assert raw not in result.out
        assert "\\x1b[2J" in result.out
        if not extra:
            assert "\\x0d" in result.out and "\\u202e" in result.out
    reminded = run("-f", str(path), "--as-of", "2025-08-01", "remind")
    assert "[red]boom[/red]" in reminded.out and "\x1b" not in reminded.out
    as_json = run("-f", str(path), "--as-of", "2025-08-01", "remind", "--format", "json")
    assert "\x1b" not in as_json.out and "\x9b" not in as_json.out
    assert json.loads(as_json.out)["reminders"][0]["title"].startswith("[red]boom[/red] ")


# --------------------------------------------------------------------- help and speed


def _commands() -> list[str]:
    import argparse

    from policy_timeline.cli import build_parser

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_examples(run: RunCli, command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert "examples:" in result.out and f"timeline {command}" in result.out.replace(
        "timeline  ", "timeline ")
    assert len(result.out.splitlines()) > 5


def test_show_and_remind_have_their_options_documented(run: RunCli) -> None:
    show = run("show", "--help").out
    for option in ("--tag", "--kind", "--actor", "--from", "--to", "--search", "--upcoming",
                   "--deadlines", "--by", "--all", "--as-of", "--format", "--no-color"):
        assert option in show
    remind = run("remind", "--help").out
    for option in ("--within", "--exit-code", "--as-of", "--format"):
        assert option in remind


def test_remind_plain_and_json_do_not_import_rich() -> None:
    code = (
        "import sys, io\n"
        "from policy_timeline.cli import main\n"
        "sys.stdout = io.StringIO()\n"
        f"main(['-f', {str(BUNDLED)!r}, '--as-of', '2025-07-28', 'remind'])\n"
        f"main(['-f', {str(BUNDLED)!r}, '--as-of', '2025-07-28', 'remind', '--format', 'json'])\n"
        "out = sys.stdout.getvalue()\n"
        "sys.stdout = sys.__stdout__\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
        "print('in 13 days' in out)\n"
    )
    env = process_env(NO_COLOR=None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=True, timeout=60)
    assert done.stdout.split("\n")[:2] == ["[]", "True"], done.stderr


def test_show_options_without_the_command(run: Callable[..., Run]) -> None:
    """`timeline --tag x` means `timeline show --tag x`, options in any order."""
    bundled = str(BUNDLED)
    implicit = run("--tag", "rare-earths", "-f", bundled, "--as-of", "2025-07-28")
    explicit = run("show", "--tag", "rare-earths", "-f", bundled, "--as-of", "2025-07-28")
    assert implicit.code == explicit.code == 0
    assert implicit.out == explicit.out
    assert "samarium" in implicit.out and "Trump–Xi" not in implicit.out


def test_search_ignores_notes_of_changes_not_yet_announced(run: Callable[..., Run]) -> None:
    """A later change's note must not give itself away before it was announced."""
    example = str(EXAMPLE)
    before = run("show", "-f", example, "--as-of", "2025-08-01", "--search", "executive order")
    after = run("show", "-f", example, "--as-of", "2025-08-12", "--search", "executive order")
    assert "tariff freeze expires" not in before.out
    assert "tariff freeze expires" in after.out


def test_a_filter_matching_nothing_says_so_not_that_nothing_is_due(run: RunCli) -> None:
    """Issue 10: `show --tag nonexistent` said "nothing due" with a deadline 9 days away."""
    result = run("-f", str(BUNDLED), "--as-of", "2025-08-01", "show", "--tag", "nonexistent")
    assert result.code == 0
    assert "nothing due" not in result.out
    assert "No entries match the filters." in result.out
    assert "1 deadline due soon is not among them" in result.out
    assert "no entry has the tag 'nonexistent'" in result.out
    typo = run("-f", str(BUNDLED), "--as-of", "2025-08-01", "show", "--tag", "tarifs")
    assert "no entry has the tag 'tarifs' (did you mean 'tariffs'?)" in typo.out
    as_json = run("-f", str(BUNDLED), "--as-of", "2025-08-01", "show", "--tag", "tarifs",
                  "--format", "json")
    assert json.loads(as_json.out)["entries"] == []
    assert "warning: no entry has the tag 'tarifs' (did you mean 'tariffs'?)" in as_json.err


def test_compact_shows_neither_footnote_markers_nor_sources(run: RunCli) -> None:
    full = run("-f", str(BUNDLED), "--as-of", "2025-07-28")
    assert "[1]" in full.out and "Sources" in full.out
    compact = run("-f", str(BUNDLED), "--as-of", "2025-07-28", "--compact")
    assert "[1]" not in compact.out and "Sources" not in compact.out
    assert "geneva-truce" in compact.out  # the ids stay: `change` needs them

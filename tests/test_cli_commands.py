"""The command line as a whole: lists, option values, dates it reads, the editing commands'
echo and `--dry-run`, and the commands `show ID`, `done`, `rm`, `edit`, `completion`."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, EXAMPLE, Run
from policy_timeline.loader import load

RunCli = Callable[..., Run]
AS_OF = ("--as-of", "2025-07-28")
IMPORTS = Path(__file__).resolve().parent / "fixtures" / "import"


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "timeline.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def entry(path: Path, entry_id: str):  # type: ignore[no-untyped-def]
    result = load([path])
    assert not result.errors, [str(p) for p in result.errors]
    return result.timeline.by_id()[entry_id]


# ------------------------------------------------------------------------------ lists


def test_lists_are_comma_separated_on_add_and_in_filters(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "GPAI code", "--date", "2025-08-02",
                 "--tag", "ai-act,gpai", "--tag", "eu", "--actor", "US, CN",
                 "--source", "ibn-rare-earths,https://example.org/a", "--warn", "7d,1d")
    assert result.code == 0, result.err
    added = entry(seed, "gpai-code")
    assert added.tags == ("ai-act", "gpai", "eu")
    assert added.actors == ("US", "CN")
    assert added.sources == ("ibn-rare-earths", "https://example.org/a")
    assert [w.text for w in added.warn] == ["7d", "1d"]
    shown = run("-f", str(seed), *AS_OF, "--format", "json", "show", "--tag", "gpai,nothing")
    assert [e["id"] for e in json.loads(shown.out)["entries"]] == ["gpai-code"]
    both = run("-f", str(seed), *AS_OF, "--format", "json", "show", "--kind", "deadline,agreement")
    assert {e["kind"] for e in json.loads(both.out)["entries"]} == {"deadline", "agreement"}


def test_a_comma_inside_a_url_stays_and_is_said(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X", "--date", "2025-08-02",
                 "--source", "https://example.org/a,b, ibn-rare-earths")
    assert result.code == 0, result.err
    assert entry(seed, "x").sources == ("https://example.org/a,b", "ibn-rare-earths")
    assert "the comma is read as part of the URL" in result.err


def test_import_and_change_take_lists_too(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "import", str(IMPORTS / "timeline.json"), "--tag", "x,y")
    assert result.code == 0, result.err
    tagged = [e for e in load([seed]).timeline.entries if "x" in e.tags]
    assert tagged and all("y" in e.tags for e in tagged)
    changed = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "today",
                  "--note", "n", "--source", "ibn-rare-earths,https://example.org/b")
    assert changed.code == 0, changed.err
    assert entry(seed, "truce-expiry").changes[-1].sources == (
        "ibn-rare-earths", "https://example.org/b")


# ------------------------------------------------------------- values beginning with '-'


def test_option_values_may_begin_with_a_dash(run: RunCli, seed: Path) -> None:
    before = run("-f", str(seed), "--as-of=-2w", "--format", "json", "remind")
    assert before.code == 0, before.err
    for args in (("--as-of", "-2w", "remind"), ("remind", "--as-of", "-2w")):
        result = run("-f", str(seed), "--format", "json", *args)
        assert result.code == 0, result.err
        assert json.loads(result.out)["as_of"] == json.loads(before.out)["as_of"]
    shown = run("-f", str(seed), "--as-of", "2025-08-12", "--format", "json", "show",
                "--from", "-2w", "--to", "+1d")
    assert shown.code == 0, shown.err
    assert [e["id"] for e in json.loads(shown.out)["entries"]] == ["truce-expiry"]
    moved = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "-1d",
                "--date", "+10d")
    assert moved.code == 0, moved.err
    last = entry(seed, "truce-expiry").changes[-1]
    assert (last.announced.text, last.date and last.date.text) == ("2025-07-27", "2025-08-07")


def test_an_option_missing_its_value_is_still_a_usage_error(run: RunCli, seed: Path) -> None:
    assert run("-f", str(seed), "remind", "--as-of").code == 2
    result = run("-f", str(seed), "remind", "--as-of", "--format", "json")
    assert result.code == 2 and "--as-of" in result.err
    assert run("-f", str(seed), "--as-of", "-f", "remind").code == 2


def test_an_empty_as_of_is_refused(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), "--as-of", "", "remind")
    assert result.code == 2 and "empty date" in result.err


# ------------------------------------------------------------------- ambiguous dates


@pytest.mark.parametrize(
    "args",
    [
        ("add", "--title", "X", "--date", "05/06/2025"),
        ("change", "truce-expiry", "--announced", "05/06/2025", "--note", "n"),
        ("show", "--from", "05/06/2025"),
        ("--as-of", "5.6.2025", "remind"),
    ],
)
def test_an_ambiguous_numeric_date_is_refused_naming_both_readings(
    run: RunCli, seed: Path, args: tuple[str, ...]
) -> None:
    before = seed.read_bytes()
    result = run("-f", str(seed), *AS_OF, *args)
    assert result.code == 2
    assert "May 6, 2025 (month first) or Jun 5, 2025 (day first)" in result.err
    assert "2025-05-06 or 2025-06-05" in result.err
    assert seed.read_bytes() == before


def test_an_unambiguous_numeric_date_is_stored_and_said(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "X", "--date", "13/06/2025")
    assert result.code == 0, result.err
    assert "(date: 2025-06-13, read from '13/06/2025')" in result.out
    assert entry(seed, "x").date_text == "2025-06-13"


# ------------------------------------------------------------- change --extend, --date


def test_extend_counts_from_the_date_known_at_announced(run: RunCli, seed: Path) -> None:
    first = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-08-11",
                "--extend", "90d", "--note", "Extended 90 days")
    assert first.code == 0, first.err
    assert "date 2025-11-08" in first.out and "2025-08-10, + 90d" in first.out
    second = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-11-04",
                 "--extend", "1y")
    assert second.code == 0, second.err
    assert [c.date.text for c in entry(seed, "truce-expiry").changes if c.date] == [
        "2025-11-08", "2026-11-08"]


def test_date_relative_to_an_entry_and_to_today(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-08-11",
                 "--date", "truce-expiry + 90d")
    assert result.code == 0, result.err
    assert entry(seed, "truce-expiry").changes[-1].date.text == "2025-11-08"
    today = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-08-12",
                "--date", "+90d")
    assert today.code == 0, today.err
    assert "date 2025-10-26" in today.out and "counted from today, 2025-07-28" in today.out
    assert "--extend 90d" in today.out


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("truce-expiry + 9 dayz", "unknown unit"),
        ("truce-expiry + 9 days", "write the unit short"),
        ("nobody + 9d", "no entry with id 'nobody'"),
        ("next blue moon", "cannot read 'next blue moon' as a date"),
    ],
)
def test_a_date_that_cannot_be_read_says_why(
    run: RunCli, seed: Path, value: str, reason: str
) -> None:
    result = run("-f", str(seed), *AS_OF, "change", "truce-expiry", "--announced", "2025-08-11",
                 "--date", value)
    assert result.code in (1, 2) and reason in result.err, result.err


def test_change_suggests_the_nearest_id(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "change", "truce-expirx", "--announced", "today",
                 "--note", "n")
    assert result.code == 1 and "did you mean 'truce-expiry'?" in result.err


# ----------------------------------------------------------------- echo and --dry-run


DRY_RUNS = [
    ("add", "--title", "New", "--date", "aug 20 2025"),
    ("change", "truce-expiry", "--announced", "today", "--extend", "2w"),
    ("done", "truce-expiry"),
    ("rm", "trump-xi-call"),
    ("import", str(IMPORTS / "calendar.ics")),
    ("init", "--force"),
]


@pytest.mark.parametrize("args", DRY_RUNS, ids=[a[0] for a in DRY_RUNS])
def test_every_editing_command_echoes_and_dry_runs(
    run: RunCli, seed: Path, args: tuple[str, ...]
) -> None:
    before = seed.read_bytes()
    names = sorted(os.listdir(seed.parent))
    dry = run("-f", str(seed), *AS_OF, *args, "--dry-run")
    assert dry.code == 0, dry.err
    assert dry.out.startswith("would "), dry.out
    assert seed.read_bytes() == before and sorted(os.listdir(seed.parent)) == names
    done = run("-f", str(seed), *AS_OF, *args)
    assert done.code == 0, done.err
    assert not done.out.startswith("would ") and str(seed) in done.out
    assert seed.read_bytes() != before


def test_the_echo_names_id_date_and_line(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "add", "--title", "Talks", "--date", "+2w", "--kind", "deadline")
    line = seed.read_text().splitlines().index("  - id: talks") + 1
    assert result.out == (
        f"added talks to {seed}:{line} (date: 2025-08-11, from '+2w' counted from today, "
        "2025-07-28)\n")
    changed = run("-f", str(seed), *AS_OF, "change", "talks", "--announced", "today", "--date",
                  "2025-08-20")
    at = seed.read_text().splitlines().index("      - announced: 2025-07-28") + 1
    assert changed.out == f"changed talks in {seed}:{at}: announced 2025-07-28, date 2025-08-20\n"
    data = json.loads(run("-f", str(seed), *AS_OF, "--format", "json", "done", "talks").out)
    assert data["changed"]["change"] == {"announced": "2025-07-28", "status": "met"}


# ---------------------------------------------------------------------------- done, rm


def test_done_marks_a_deadline_met_as_of_the_day(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "done", "truce-expiry")
    assert result.code == 0, result.err
    last = entry(seed, "truce-expiry").changes[-1]
    assert (last.announced.text, last.status) == ("2025-07-28", "met")
    reminded = run("-f", str(seed), *AS_OF, "--format", "json", "remind")
    assert json.loads(reminded.out)["reminders"] == []
    later = run("-f", str(seed), *AS_OF, "done", "truce-expiry", "--announced", "2025-08-09")
    assert later.code == 0 and entry(seed, "truce-expiry").changes[-1].announced.text == "2025-08-09"
    before = seed.read_bytes()
    refused = run("-f", str(seed), *AS_OF, "done", "geneva-truce")
    assert refused.code == 1 and "not a deadline" in refused.err
    assert seed.read_bytes() == before


def test_rm_is_refused_while_another_date_counts_from_it(run: RunCli, tmp_path: Path) -> None:
    story = tmp_path / "truce.yaml"
    story.write_bytes(EXAMPLE.read_bytes())
    before = story.read_bytes()
    result = run("-f", str(story), *AS_OF, "rm", "geneva-truce")
    assert result.code == 1
    assert "'truce-expiry'" in result.err and "geneva-truce + 90d" in result.err
    assert "'freeze-midpoint'" in result.err
    assert story.read_bytes() == before
    for dependent in ("truce-expiry", "freeze-midpoint"):
        assert run("-f", str(story), *AS_OF, "rm", dependent).code == 0
    removed = run("-f", str(story), *AS_OF, "rm", "geneva-truce")
    assert removed.code == 0, removed.err
    ids = {e.id for e in load([story]).timeline.entries}
    assert not {"geneva-truce", "truce-expiry", "freeze-midpoint"} & ids
    assert run("-f", str(story), "check").code == 0


# ------------------------------------------------------------------------------- edit


def test_edit_opens_the_editor_at_the_entry_line(
    run: RunCli, seed: Path, tmp_path: Path
) -> None:
    record = tmp_path / "args.txt"
    editor = tmp_path / "fake editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    line = seed.read_text().splitlines().index("  - id: truce-expiry") + 1
    result = run("-f", str(seed), "edit", "truce-expiry",
                 env={"EDITOR": f"'{editor}' --wait", "VISUAL": ""})
    assert result.code == 0, result.err
    assert record.read_text().splitlines() == ["--wait", f"+{line}", str(seed)]
    failing = run("-f", str(seed), "edit", "truce-expiry", env={"VISUAL": "false"})
    assert failing.code == 1 and "exited with 1" in failing.err


# ------------------------------------------------------------------------- completion


def test_completion_scripts_list_every_command(run: RunCli) -> None:
    from policy_timeline.cli import COMMANDS

    for shell in ("bash", "zsh", "fish"):
        result = run("completion", shell)
        assert result.code == 0, result.err
        for command in COMMANDS:
            assert command in result.out, (shell, command)
        assert "--as-of" in result.out or "as-of" in result.out
        assert "--extend" in result.out or "-l extend" in result.out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_parse(run: RunCli, tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"timeline.{shell}"
    script.write_text(run("completion", shell).out)
    checked = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_bash_completion_completes_commands_and_options(run: RunCli, tmp_path: Path) -> None:
    script = tmp_path / "timeline.bash"
    script.write_text(run("completion", "bash").out)
    probe = (
        f"source '{script}'\n"
        "COMP_WORDS=(timeline re); COMP_CWORD=1; _timeline; echo \"${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(timeline change x --ext); COMP_CWORD=3; _timeline; echo \"${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(timeline --format j); COMP_CWORD=2; _timeline; echo \"${COMPREPLY[*]}\"\n"
    )
    result = subprocess.run(["bash", "-c", probe], capture_output=True, text=True)
    assert result.stdout.splitlines() == ["remind", "--extend", "json"], result.stderr


# ------------------------------------------------------------------------------- init


def test_init_keeps_every_existing_file(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "timeline.yaml"
    schema = tmp_path / "timeline.schema.json"
    schema.write_text("{\"mine\": true}\n")
    result = run("-f", str(path), "init")
    assert result.code == 0, result.err
    assert schema.read_text() == "{\"mine\": true}\n"
    assert f"kept {schema} as it was" in result.out and path.exists()
    before = path.read_bytes()
    again = run("-f", str(path), "init")
    assert again.code == 1 and "already exists" in again.err and path.read_bytes() == before
    forced = run("-f", str(path), "init", "--force", "--title", "New")
    assert forced.code == 0 and "title: New" in path.read_text()
    assert json.loads(schema.read_text())["title"] == "policy-timeline file"


@pytest.mark.parametrize(
    "args",
    [
        ("--schema", "url\nevents: [{id: x}]"),
        ("--title", "one\u2028two"),
        ("--title", "one\rtwo"),
        ("--title", "bell\x07"),
        ("--title", " "),
    ],
)
def test_init_refuses_text_that_would_not_stay_on_one_line(
    run: RunCli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = tmp_path / "timeline.yaml"
    result = run("-f", str(path), "init", *args)
    assert result.code == 2, result.err
    assert not path.exists()


# -------------------------------------------------------------------------- no file


def test_no_file_says_how_to_start(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in ((), ("remind",), ("show", "--tag", "x"), ("change", "a", "--announced",
                                                         "today", "--note", "n")):
        result = run(*args)
        assert result.code == 1
        assert "timeline init" in result.err and "-f PATH" in result.err
    assert run("init").code == 0 and run("remind", *AS_OF).code == 0


# --------------------------------------------------------------------------- show ID


def test_show_one_entry_in_full(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), "--as-of", "2025-10-01", "show", "truce-expiry")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("truce-expiry: 90-day tariff freeze expires\n")
    assert f"written at   {EXAMPLE}:" in out
    assert "date         geneva-truce + 90d (Aug 10, 2025)" in out
    assert "effective    Nov 10, 2025 (2025-11-10) as of 2025-10-01, moved by 1 change(s)" in out
    assert "due 2025-11-10, in 40 days" in out
    assert "2025-08-11  date → 2025-11-10 (Nov 10, 2025): Extended 90 days" in out
    assert "(1 change(s) announced after 2025-10-01, not applied)" in out
    assert "counts from  geneva-truce (Geneva trade truce)" in out
    data = json.loads(run("-f", str(EXAMPLE), "--as-of", "2025-11-05", "--format", "json",
                          "show", "truce-expiry").out)
    assert data["entry"]["id"] == "truce-expiry" and data["entry"]["depends_on"] == "geneva-truce"


def test_show_id_lists_what_depends_on_it(run: RunCli) -> None:
    result = run("-f", str(EXAMPLE), *AS_OF, "show", "geneva-truce")
    assert (
        "counted from by\n"
        "    freeze-midpoint: geneva-truce + 6w (Freeze midpoint review)\n"
        "    truce-expiry: geneva-truce + 90d (90-day tariff freeze expires)\n"
    ) in result.out
    missing = run("-f", str(BUNDLED), *AS_OF, "show", "truce-expirx")
    assert missing.code == 1 and "did you mean 'truce-expiry'?" in missing.err
    typo = run("-f", str(BUNDLED), *AS_OF, "remnd")
    assert typo.code == 1 and "the command 'remind'" in typo.err
    mixed = run("-f", str(BUNDLED), *AS_OF, "show", "truce-expiry", "--tag", "x")
    assert mixed.code == 2 and "--tag" in mixed.err


# ---------------------------------------------------------------------- import --as


def test_import_format_option_is_as_and_from_says_so(run: RunCli, seed: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_bytes((IMPORTS / "calendar.ics").read_bytes())
    old = run("-f", str(seed), *AS_OF, "import", str(feed), "--from", "ics")
    assert old.code == 2 and "--as ics" in old.err
    new = run("-f", str(seed), *AS_OF, "import", str(feed), "--as", "ics", "--dry-run")
    assert new.code == 0 and new.out.startswith("would add 6 entries")


# --------------------------------------------------------------------- export formats


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (("--format", "json", "export"), "{"),
        (("export", "-o", "x.html"), "<!DOCTYPE html>"),
        (("export", "-o", "x.ics"), "BEGIN:VCALENDAR"),
        (("export", "-o", "x.svg"), "<svg"),
        (("export", "-o", "x.md"), "# "),
        (("export", "-o", "x.mmd"), "timeline"),
        (("export", "-o", "x.json"), "{"),
        (("export", "timelinejs", "-o", "x.json"), "{"),
        (("--format", "json", "export", "json"), "{"),
    ],
)
def test_export_format_from_format_json_or_the_file_name(
    run: RunCli, tmp_path: Path, args: tuple[str, ...], start: str
) -> None:
    outputs = [a for a in args if a.startswith("x.")]
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    result = run("-f", str(BUNDLED), *AS_OF, *args)
    assert result.code == 0, result.err
    text = (tmp_path / outputs[0]).read_text() if outputs else result.out
    assert text.lstrip().startswith(start) or start in text[:300], text[:200]


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "json", "export", "ics"),
        ("export", "ics", "-o", "x.html"),
        ("--format", "json", "export", "-o", "x.svg"),
        ("--format", "plain", "export", "markdown"),
        ("export", "-o", "x.txt"),
        ("export",),
    ],
)
def test_export_format_conflicts_are_usage_errors(
    run: RunCli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    result = run("-f", str(BUNDLED), *AS_OF, *args)
    assert result.code == 2, result.err
    assert "format" in result.err
    assert not any(tmp_path.iterdir())


def test_a_command_name_as_an_option_value_is_the_value(run: RunCli, seed: Path) -> None:
    result = run("-f", str(seed), *AS_OF, "--search", "check", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["entries"] == []  # searched for "check": nothing matches
    named = run("-f", str(seed), *AS_OF, "add", "--title", "remind", "--date", "2025-09-01")
    assert named.code == 0 and entry(seed, "remind").title == "remind"
    assert run("-f", str(seed), *AS_OF, "--no-color", "check").code == 0


def test_a_relative_date_counts_from_an_id_that_begins_with_a_digit(run: RunCli, seed: Path) -> None:
    first = run("-f", str(seed), *AS_OF, "add", "--title", "90-day freeze", "--date", "2025-08-12",
                "--kind", "deadline")
    assert first.code == 0, first.err
    result = run("-f", str(seed), *AS_OF, "add", "--title", "Start", "--date", "90-day-freeze - 90d")
    assert result.code == 0, result.err
    assert entry(seed, "start").date_text == "90-day-freeze - 90d"
    moved = run("-f", str(seed), *AS_OF, "change", "start", "--announced", "2025-08-01",
                "--date", "90-day-freeze + 1d")
    assert moved.code == 0, moved.err
    assert entry(seed, "start").changes[-1].date.text == "2025-08-13"


def test_change_in_a_flow_list_of_events_says_why(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("events: [{id: a, title: A, date: 2025}]\n")
    result = run("-f", str(path), *AS_OF, "change", "a", "--announced", "today", "--note", "n")
    assert result.code == 1 and "'events' is written as a flow list" in result.err


@pytest.mark.parametrize("as_of", ["2025-07-28", "2025-11-05"])
def test_show_one_entry_json_golden(
    run: RunCli, golden: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    monkeypatch.chdir(EXAMPLE.parent.parent)
    result = run("-f", "examples/truce-extended.yaml", "--as-of", as_of, "--format", "json",
                 "show", "truce-expiry")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert list(document) == ["as_of", "entry"]
    assert document["entry"]["path"] == "examples/truce-extended.yaml"
    golden(f"show-entry-extended-{as_of}.json", result.out)


def test_edit_counts_lines_as_the_editor_does(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text('events:\n  - id: a\n    title: "one\u2028two\x85three"\n    date: 2025\n  - id: b\n    title: B\n    date: 2026\n', encoding="utf-8")
    record = tmp_path / "args.txt"
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    editor.chmod(0o755)
    assert run("-f", str(path), "edit", "b", env={"VISUAL": str(editor)}).code == 0
    assert record.read_text().splitlines()[0] == "+5"


def test_help_lists_every_command(run: RunCli) -> None:
    from policy_timeline.cli import COMMANDS

    shown = run("--help")
    assert shown.code == 0
    listed = shown.out.split("\ncommands:", 1)[1].split("\nexamples:", 1)[0]
    assert [name for name in COMMANDS if f"\n    {name} " not in listed] == []


def test_a_word_where_the_command_should_be_is_named_with_every_command(run: RunCli) -> None:
    """Only the command asked for is built to parse its options; an error about the
    command itself still lists every command there is."""
    from policy_timeline.cli import COMMANDS

    done = run("--as-of", "2025-07-28", "bogus", "remind")
    assert done.code == 2
    assert "invalid choice: 'bogus'" in done.err
    assert all(f"'{name}'" in done.err for name in COMMANDS)

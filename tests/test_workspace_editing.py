"""The editing commands in a workspace of several stories (SPEC §1 "Stories and
workspaces", §4): `--story KEY` names the story to write to, stories are found by key
(not by file name), an id in two stories is never guessed, and an edit is checked against
the other stories whose dates count from the story edited. Also: `show`'s banner names
the story of each entry when several are shown."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import Run
from policy_timeline.editing import counting_from, dependents_after
from policy_timeline.loader import load
from policy_timeline.schedule import AsOf

RunCli = Callable[..., Run]
AS_OF = ("--as-of", "2025-07-28")
CALENDAR = Path(__file__).resolve().parent / "fixtures" / "import" / "calendar.ics"

# `key:` differs from the file's name in both; both have an `expiry`; ai-act counts from
# us-china
TRADE = """\
key: us-china
title: Trade truce
events:
  - id: truce
    title: Truce signed
    date: 2025-05-12
  - id: expiry
    title: Truce expires
    kind: deadline
    date: truce + 90d
"""
AI = """\
key: ai-act
title: AI Act
events:
  - id: expiry
    title: GPAI obligations apply
    kind: deadline
    date: 2025-08-02
  - id: review
    title: Review after the truce
    kind: deadline
    date: us-china:expiry + 3d
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "trade.yaml").write_text(TRADE, encoding="utf-8")
    (stories / "ai.yaml").write_text(AI, encoding="utf-8")
    return stories


def texts(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))}


def entries(folder: Path) -> set[str]:
    result = load(sorted(folder.glob("*.yaml")))
    assert not result.errors, [str(p) for p in result.errors]
    return {entry.key for entry in result.timeline.entries}


# ------------------------------------------------------------------------ add, import


def test_add_in_a_workspace_of_several_stories_needs_story(run: RunCli, folder: Path) -> None:
    before = texts(folder)
    result = run("-f", str(folder), *AS_OF, "add", "--title", "Talks", "--date", "2025-09-01")
    assert result.code == 2
    assert "2 stories in this workspace (ai-act, us-china)" in result.err
    assert "--story KEY" in result.err
    assert texts(folder) == before  # never silently the first file


def test_add_with_story_writes_to_that_story_found_by_key(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), *AS_OF, "add", "--story", "us-china",
                 "--title", "Talks", "--date", "2025-09-01")
    assert result.code == 0, result.err
    assert f"to {folder / 'trade.yaml'}:" in result.out
    assert "us-china:talks" in entries(folder) and "ai-act:talks" not in entries(folder)
    # before the command too; and an id taken only in another story is free in this one
    result = run("--story", "ai-act", "-f", str(folder), *AS_OF, "add",
                 "--title", "Truce", "--date", "2025-09-02")
    assert result.code == 0, result.err
    assert "ai-act:truce" in entries(folder)  # not truce-2: ids are per story


def test_add_to_a_story_the_workspace_does_not_have(run: RunCli, folder: Path) -> None:
    before = texts(folder)
    unknown = run("-f", str(folder), "add", "--story", "trade", "--title", "T", "--date", "2025")
    assert unknown.code == 2
    assert "no story 'trade'" in unknown.err and "ai-act, us-china" in unknown.err
    two = run("-f", str(folder), "add", "--story", "ai-act,us-china", "--title", "T",
              "--date", "2025")
    assert two.code == 2 and "writes to one story" in two.err
    assert texts(folder) == before


def test_add_to_a_one_story_workspace_needs_no_story(run: RunCli, folder: Path) -> None:
    path = folder / "trade.yaml"
    result = run("-f", str(path), *AS_OF, "add", "--title", "Talks", "--date", "2025-09-01")
    assert result.code == 0, result.err
    named = run("-f", str(path), *AS_OF, "add", "--story", "us-china", "--title", "More talks",
                "--date", "2025-09-02")
    assert named.code == 0, named.err
    assert {"us-china:talks", "us-china:more-talks"} <= entries(folder)


def test_import_into_the_story_named(run: RunCli, folder: Path) -> None:
    before = texts(folder)
    unnamed = run("-f", str(folder), *AS_OF, "import", str(CALENDAR))
    assert unnamed.code == 2 and "--story KEY" in unnamed.err
    assert texts(folder) == before
    result = run("-f", str(folder), *AS_OF, "import", str(CALENDAR), "--story", "us-china")
    assert result.code == 0, result.err
    after = texts(folder)
    assert after["ai.yaml"] == before["ai.yaml"]
    assert "london-talks" in after["trade.yaml"]
    again = run("-f", str(folder), *AS_OF, "import", str(CALENDAR), "--story", "us-china")
    assert again.code == 0, again.err
    assert texts(folder) == after  # already in that story: nothing added twice


# ----------------------------------------------------------- change, done, rm, edit, show


@pytest.mark.parametrize("command", [
    ["change", "expiry", "--announced", "2025-07-20", "--note", "Talks"],
    ["done", "expiry"],
    ["rm", "expiry"],
    ["edit", "expiry"],
    ["show", "expiry"],
])
def test_an_id_in_two_stories_is_a_usage_error_naming_both(
    run: RunCli, folder: Path, command: list[str]
) -> None:
    before = texts(folder)
    result = run("-f", str(folder), *AS_OF, *command, env={"VISUAL": "false"})
    assert result.code == 2, result.err
    assert "several stories (ai-act:expiry, us-china:expiry)" in result.err
    assert texts(folder) == before


@pytest.mark.parametrize("named", [["us-china:truce"], ["--story", "us-china", "truce"]])
def test_a_story_is_named_by_its_key_or_with_story(
    run: RunCli, folder: Path, named: list[str]
) -> None:
    before = texts(folder)
    result = run("-f", str(folder), *AS_OF, "change", *named, "--announced", "2025-07-20",
                 "--note", "Confirmed")
    assert result.code == 0, result.err
    assert f"in {folder / 'trade.yaml'}:" in result.out
    assert "note: Confirmed" in (folder / "trade.yaml").read_text(encoding="utf-8")
    assert texts(folder)["ai.yaml"] == before["ai.yaml"]


def test_story_and_id_are_the_same_entry_for_every_command(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    trade = folder / "trade.yaml"
    record = tmp_path / "args.txt"
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    edited = run("-f", str(folder), "--story", "us-china", "edit", "expiry",
                 env={"VISUAL": str(editor)})
    assert edited.code == 0, edited.err
    assert record.read_text().splitlines() == ["+7", str(trade)]
    shown = run("-f", str(folder), *AS_OF, "--story", "us-china", "show", "expiry")
    assert shown.code == 0, shown.err
    # in a workspace of several stories the entry is named with its story, and the
    # story is given by key and title
    assert shown.out.startswith("us-china:expiry: Truce expires\n  story        us-china "
                                "(Trade truce)\n")
    # the whole workspace is looked at: what counts from it in another story is listed
    assert "ai-act:review: us-china:expiry + 3d" in shown.out
    done = run("-f", str(folder), *AS_OF, "done", "--story", "ai-act", "expiry", "--dry-run")
    assert done.code == 0, done.err
    assert f"in {folder / 'ai.yaml'}:" in done.out


def test_story_id_names_the_story_by_key_not_file_name(run: RunCli, folder: Path) -> None:
    before = texts(folder)
    by_name = run("-f", str(folder), *AS_OF, "change", "trade:truce", "--announced",
                  "2025-07-20", "--note", "x")
    assert by_name.code == 1
    assert "no story 'trade'" in by_name.err and "ai-act, us-china" in by_name.err
    clash = run("-f", str(folder), *AS_OF, "--story", "ai-act", "rm", "us-china:truce")
    assert clash.code == 2 and "--story names ai-act" in clash.err
    unknown = run("-f", str(folder), *AS_OF, "--story", "eu", "rm", "truce")
    assert unknown.code == 2 and "no story 'eu'" in unknown.err
    assert texts(folder) == before


def test_an_unknown_id_in_the_story_named_suggests_its_ids(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), *AS_OF, "rm", "ai-act:reveiw")
    assert result.code == 1
    assert f"no entry with id 'reveiw' in {folder / 'ai.yaml'}" in result.err
    assert "did you mean 'review'" in result.err


# ------------------------------------------------------- the stories counting from one


def test_rm_is_refused_while_another_story_counts_from_the_entry(
    run: RunCli, folder: Path
) -> None:
    before = texts(folder)
    for named in (["us-china:expiry"], ["--story", "us-china", "expiry"]):
        result = run("-f", str(folder), *AS_OF, "rm", *named)
        assert result.code == 1
        assert "not removed: 'ai-act:review'" in result.err
        assert f"({folder / 'ai.yaml'}:8:5)" in result.err
        assert texts(folder) == before
    removed = run("-f", str(folder), *AS_OF, "rm", "ai-act:review")
    assert removed.code == 0, removed.err
    assert "ai-act:review" not in entries(folder)


def test_a_change_that_moves_another_storys_date_says_so(run: RunCli, folder: Path) -> None:
    args = ("-f", str(folder), *AS_OF, "change", "us-china:expiry", "--announced",
            "2025-07-20", "--extend", "90d")
    dry = run(*args, "--dry-run")
    assert dry.code == 0, dry.err
    assert (
        f"warning: ai-act:review ({folder / 'ai.yaml'}:8:5) counts from us-china:expiry: "
        "its date would move from Aug 13, 2025 to Nov 11, 2025"
    ) in dry.err
    result = run(*args)
    assert result.code == 0, result.err
    assert "its date moves from Aug 13, 2025 to Nov 11, 2025" in result.err
    document = json.loads(
        run("-f", str(folder), *AS_OF, "show", "--format", "json").out
    )
    review = next(e for e in document["entries"] if e["story"] == "ai-act" and e["id"] == "review")
    assert review["effective"]["start"] == "2025-11-11"


def test_news_announced_after_t_is_looked_at_when_it_is_announced(
    run: RunCli, folder: Path
) -> None:
    """Recorded in advance (announced after T): it moves nothing at T, but will."""
    result = run("-f", str(folder), *AS_OF, "change", "us-china:expiry", "--announced",
                 "2025-08-05", "--extend", "30d", "--dry-run")
    assert result.code == 0, result.err
    assert "ai-act:review" in result.err and "to Sep 12, 2025" in result.err


def test_a_change_that_moves_nothing_elsewhere_says_nothing(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), *AS_OF, "change", "ai-act:expiry", "--announced",
                 "2025-07-20", "--extend", "30d")
    assert result.code == 0, result.err
    assert "warning" not in result.err
    done = run("-f", str(folder), *AS_OF, "done", "us-china:expiry")
    assert done.code == 0, done.err
    assert "warning" not in done.err  # met: its date, and so review's, stays


def test_a_hand_edit_that_leaves_another_story_without_a_date_is_reported(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\nsed -i "s/- id: expiry/- id: expires/" "$2"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    result = run("-f", str(folder), *AS_OF, "edit", "us-china:expiry",
                 env={"VISUAL": str(editor)})
    assert result.code == 1
    assert f"{folder / 'ai.yaml'}:11:11: error: unknown id 'us-china:expiry'" in result.err
    assert "saved, but 'ai-act:review'" in result.err


def test_dependents_after_an_edit(folder: Path) -> None:
    """The library's answer: moved, unchanged, or no longer loading (`after` None)."""
    files = [str(folder / "trade.yaml"), str(folder / "ai.yaml")]
    before = load(files)
    as_of = AsOf.of_day(date(2025, 7, 28))
    assert [e.key for e in counting_from(before.timeline, "us-china")] == ["ai-act:review"]
    assert counting_from(before.timeline, "ai-act") == []
    same = dependents_after(before.timeline, before, "us-china", as_of)
    assert [(d.entry.key, d.moved) for d in same] == [("ai-act:review", False)]
    moved_text = TRADE.replace("truce + 90d", "truce + 120d").encode()
    moved = dependents_after(
        before.timeline, load(files, contents={files[0]: moved_text}), "us-china", as_of
    )
    assert moved[0].moved and moved[0].after is not None
    assert moved[0].after.start.date().isoformat() == "2025-09-12"
    gone_text = TRADE.replace("- id: expiry", "- id: expires").encode()
    gone = dependents_after(
        before.timeline, load(files, contents={files[0]: gone_text}), "us-china", as_of
    )
    assert gone[0].after is None and not gone[0].moved


# ---------------------------------------------------------------------- show's banner


def test_the_banner_names_the_story_of_each_entry(run: RunCli, folder: Path) -> None:
    result = run("-f", str(folder), *AS_OF, "show", "--format", "plain")
    assert result.code == 0, result.err
    banner = " ".join(result.out.split("\n\n", 1)[0].split())
    assert (
        "3 deadlines due soon: GPAI obligations apply [ai-act] (Aug 2, 2025, in 5 days); "
        "Truce expires [us-china] (Aug 10, 2025, in 13 days); Review after the truce "
        "[ai-act] (Aug 13, 2025, in 16 days)"
    ) in banner
    later = run("-f", str(folder), "--as-of", "2025-06-01", "show", "--format", "plain")
    assert "next deadline: GPAI obligations apply [ai-act] (Aug 2, 2025" in later.out


def test_the_banner_of_one_story_has_no_label(run: RunCli, folder: Path) -> None:
    for args in (["-f", str(folder), "--story", "us-china"], ["-f", str(folder / "trade.yaml")]):
        result = run(*args, *AS_OF, "show", "--format", "plain")
        assert result.code == 0, result.err
        banner = " ".join(result.out.split("\n\n", 1)[0].split())
        assert "1 deadline due soon: Truce expires (Aug 10, 2025, in 13 days)" in banner
        assert "[us-china]" not in result.out


def test_a_story_with_errors_can_still_be_edited_and_changed(
    run: RunCli, folder: Path, tmp_path: Path
) -> None:
    """`edit` is how a broken story gets fixed; a change to another story is made and
    checked (exit 1 after it: a story of the workspace has errors, as everywhere)."""
    (folder / "broken.yaml").write_text(
        "key: broken\nevents:\n  - id: a\n    title: A\n    date: 2025-02-30\n", encoding="utf-8"
    )
    record = tmp_path / "args.txt"
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    edited = run("-f", str(folder), *AS_OF, "edit", "broken:a", env={"VISUAL": str(editor)})
    assert edited.code == 0, edited.err
    assert record.read_text().splitlines() == ["+3", str(folder / "broken.yaml")]
    changed = run("-f", str(folder), *AS_OF, "change", "us-china:expiry", "--announced",
                  "2025-07-20", "--extend", "30d")
    assert changed.code == 1
    assert "broken.yaml:5:19: error: bad date '2025-02-30'" in changed.err
    assert "2025-09-09" in (folder / "trade.yaml").read_text(encoding="utf-8")
    assert "its date moves from Aug 13, 2025 to Sep 12, 2025" in changed.err


def test_an_import_that_moves_an_entry_says_what_moves_in_other_stories(
    run: RunCli, folder: Path
) -> None:
    """The calendar has `freeze-expiry@example.org` on Aug 12; us-china's expiry kept that
    UID from an earlier import, and is on Aug 10: the import moves it, and ai-act's review
    with it."""
    trade = folder / "trade.yaml"
    trade.write_text(
        TRADE.replace("    date: truce + 90d\n",
                      "    date: truce + 90d\n    uid: freeze-expiry@example.org\n"),
        encoding="utf-8",
    )
    result = run("-f", str(folder), *AS_OF, "import", str(CALENDAR), "--story", "us-china")
    assert result.code == 0, result.err
    assert "moved expiry from 2025-08-10 to 2025-08-12" in result.out
    assert (
        "warning: ai-act:review" in result.err
        and "its date moves from Aug 13, 2025 to Aug 15, 2025" in result.err
    )


@pytest.mark.parametrize("as_of", ["2025-06-01", "2025-07-28"])
def test_the_banner_of_a_workspace_golden(
    run: RunCli, golden: Callable[[str, str], None], as_of: str
) -> None:
    """The banner alone (the list below it is pinned elsewhere): plain, as piped."""
    workspace = Path(__file__).resolve().parent / "fixtures" / "workspace"
    result = run("-f", str(workspace), "--as-of", as_of, "show", "--format", "plain")
    assert result.code == 0, result.err
    golden(f"show-workspace-banner-{as_of}.txt", result.out.split("\n\n", 1)[0] + "\n")
